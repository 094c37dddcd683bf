"""Real Celery workers for the tests that need one: started against the test's database and a
broker, read line by line, stopped with the beat they may run."""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

import kombu.pools
import pytest
from django.db import connection

from okrplatform.celery import app

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def database_url_of_this_test() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


class WorkerLog:
    def __init__(self, lines: queue.Queue[str], start: str) -> None:
        self.lines = lines
        self.seen = start

    def text(self) -> str:
        self.seen += drain(self.lines)
        return self.seen


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


def start_worker(
    broker: str, schedule: Path | None = None, **extra_env: str
) -> tuple[subprocess.Popen, WorkerLog]:
    """A real Celery worker on ``broker`` against this test's database; with ``schedule``, beat
    runs inside it too."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url_of_this_test(),
        "CELERY_BROKER_URL": broker,
        "DEBUG": "true",
        **extra_env,
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "okrplatform",
            "worker",
            *(["--beat", "--schedule", str(schedule)] if schedule else []),
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
        start_new_session=True,  # its own process group: beat runs in a child of its own
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(
        target=lambda: [lines.put(line) for line in worker.stdout], daemon=True
    ).start()
    return worker, WorkerLog(lines, wait_for_line(lines, "ready.", timeout=60, worker=worker))


def stop_worker(worker: subprocess.Popen, how: int = signal.SIGTERM) -> None:
    """Stop the worker and its beat child: the whole process group, so no beat outlives it."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(worker.pid, how)
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
