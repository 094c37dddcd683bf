"""Real services to break: a Redis of the test's own on a free port, a worker (with beat) on it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import redis

from okrplatform.celery import app
from tests.workers import WorkerLog, forget_broker_pools, start_worker, stop_worker


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class OwnRedis:
    """A redis-server only this test uses, to stop and start at will."""

    port: int
    directory: Path
    process: subprocess.Popen | None = field(default=None)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.5)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                client.ping()
                return
            except redis.exceptions.ConnectionError:
                time.sleep(0.1)
        pytest.fail(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def own_redis(tmp_path) -> Iterator[OwnRedis]:
    if shutil.which("redis-server") is None:
        if os.environ.get("CI"):
            pytest.fail("CI must have redis-server to break it.")
        pytest.skip("redis-server is not installed here.")
    server = OwnRedis(port=free_port(), directory=tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def worker_on_own_redis(own_redis: OwnRedis, tmp_path, monkeypatch) -> Iterator[WorkerLog]:
    """A worker with beat on the test's Redis; this process enqueues there too."""
    worker, log = start_worker(own_redis.url, tmp_path / "beat-schedule")
    monkeypatch.setenv("CELERY_BROKER_URL", own_redis.url)
    forget_broker_pools()
    eager, broker = app.conf.task_always_eager, app.conf.broker_url
    app.conf.update(task_always_eager=False, broker_url=own_redis.url)
    try:
        yield log
    finally:
        app.conf.update(task_always_eager=eager, broker_url=broker)
        forget_broker_pools()
        stop_worker(worker)
        print(log.text())  # shown by pytest when the test fails
