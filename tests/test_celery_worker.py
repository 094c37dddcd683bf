"""A task enqueued after commit travels through Redis to a real Celery worker process, which
recomputes the stored figures in the same database the test reads."""

from __future__ import annotations

import os
from collections.abc import Iterator
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from django.db import transaction

from objectives.models import Objective
from objectives.tasks import recompute_rollups
from okrplatform.celery import app

from .factories import CheckInFactory, KeyResultFactory, ObjectiveFactory
from .workers import WorkerLog, forget_broker_pools, start_worker, stop_worker, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

TEST_REDIS_DB = 15  # kept apart from the database a development worker may be using


def broker_for_tests() -> str:
    configured = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
    parts = urlsplit(configured)
    return urlunsplit((parts.scheme, parts.netloc, f"/{TEST_REDIS_DB}", "", ""))


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


@pytest.fixture
def celery_worker(redis_broker: str, monkeypatch) -> Iterator[WorkerLog]:
    worker, log = start_worker(redis_broker)
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
        stop_worker(worker)
        print(log.text())  # shown by pytest when the test fails


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
