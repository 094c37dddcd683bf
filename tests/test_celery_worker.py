"""A task enqueued after commit travels through Redis to a real Celery worker process, which
recomputes the stored figures in the same database the test reads."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import kombu.pools
import pytest
import redis
from django.db import connection, transaction

from objectives.models import Objective
from objectives.tasks import recompute_rollups
from okrplatform.celery import app

from .factories import CheckInFactory, KeyResultFactory, ObjectiveFactory

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

PROJECT_ROOT = Path(__file__).resolve().parents[1]
TEST_REDIS_DB = 15  # kept apart from the database a development worker may be using


def broker_for_tests() -> str:
    configured = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
    parts = urlsplit(configured)
    return urlunsplit((parts.scheme, parts.netloc, f"/{TEST_REDIS_DB}", "", ""))


def database_url_of_this_test() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def redis_broker() -> str:
    url = broker_for_tests()
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2)
        client.ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI"):
            pytest.fail(f"CI must reach Redis at {url}.")
        pytest.skip(f"Redis is not reachable at {url}, so no real worker can run here.")
    client.flushdb()
    return url


class WorkerLog:
    def __init__(self, lines: queue.Queue[str], start: str) -> None:
        self.lines = lines
        self.seen = start

    def text(self) -> str:
        self.seen += drain(self.lines)
        return self.seen


@pytest.fixture
def celery_worker(redis_broker: str, monkeypatch) -> Iterator[WorkerLog]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url_of_this_test(),
        "CELERY_BROKER_URL": redis_broker,
        "DEBUG": "true",
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "okrplatform",
            "worker",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
            "--hostname=pytest@%h",
        ],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(
        target=lambda: [lines.put(line) for line in worker.stdout], daemon=True
    ).start()
    log = WorkerLog(lines, wait_for_line(lines, "ready.", timeout=60, worker=worker))

    # The test process now enqueues to the same Redis instead of running tasks in-process.
    # Celery reads CELERY_BROKER_URL from the environment before its own configuration.
    monkeypatch.setenv("CELERY_BROKER_URL", redis_broker)
    # Even eager calls open a producer pool, and kombu shares pools across brokers on one host:
    # close and forget every pool made for the previous broker.
    forget_broker_pools()
    eager, broker = app.conf.task_always_eager, app.conf.broker_url
    app.conf.update(task_always_eager=False, broker_url=redis_broker)
    assert app.conf.broker_url == redis_broker
    try:
        yield log
    finally:
        app.conf.update(task_always_eager=eager, broker_url=broker)
        forget_broker_pools()
        worker.terminate()
        worker.wait(timeout=20)
        print(log.text())  # shown by pytest when the test fails


def forget_broker_pools() -> None:
    app.close()
    app.amqp._producer_pool = (
        None  # close() leaves the closed pool in place; the next send opens one
    )
    kombu.pools.reset()


def wait_for_line(lines: queue.Queue[str], marker: str, *, timeout: float, worker) -> str:
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.5)
        except queue.Empty:
            if worker.poll() is not None:
                break
            continue
        seen.append(line)
        if marker in line:
            return "".join(seen)
    worker.kill()
    pytest.fail("The Celery worker did not start:\n" + "".join(seen))


def drain(lines: queue.Queue[str]) -> str:
    drained = []
    while not lines.empty():
        drained.append(lines.get_nowait())
    return "".join(drained)


def wait_until(condition, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_a_real_worker_recomputes_the_rollups_after_commit(celery_worker, emea, quarter):
    objective = ObjectiveFactory(unit=emea, cycle=quarter)
    key_result = KeyResultFactory(objective=objective, start_value=0, target_value=200)
    CheckInFactory(key_result=key_result, value=50)
    assert Objective.objects.get(pk=objective.pk).progress is None

    with transaction.atomic():
        recompute_rollups.delay_on_commit()
        # Nothing has been sent while the transaction is open.
        assert redis.Redis.from_url(app.conf.broker_url).llen("celery") == 0

    def progress_is_stored() -> bool:
        return Objective.objects.get(pk=objective.pk).progress is not None

    assert wait_until(progress_is_stored), "the worker did not recompute the rollups"
    assert Objective.objects.get(pk=objective.pk).progress == pytest.approx(0.25)
    assert wait_until(lambda: "recompute_rollups" in celery_worker.text())
    assert "succeeded" in celery_worker.text()
