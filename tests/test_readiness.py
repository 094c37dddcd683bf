"""/readyz/ tells a load balancer whether this process can serve, without sign-in and without
saying anything an outsider should not learn."""

from __future__ import annotations

import os
import socket

import pytest
from django.db.migrations.recorder import MigrationRecorder
from health_check import Database
from health_check.exceptions import ServiceUnavailable

from okrplatform import readiness

pytestmark = pytest.mark.django_db


def test_it_answers_ready_without_sign_in(client):
    response = client.get("/readyz/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ready"
    assert (
        {"database", "cache", "migrations"}
        <= set(body["checks"])
        <= {
            "database",
            "cache",
            "migrations",
            "broker",  # where one is configured
        }
    )
    assert set(body["checks"].values()) == {"ok"}
    assert "no-cache" in response["Cache-Control"]


def test_a_failing_database_makes_it_unready_and_keeps_the_reason_to_the_log(
    client, monkeypatch, caplog
):
    def unreachable(self):
        raise ServiceUnavailable('connection to "db-primary.internal" (10.0.4.17) user okr failed')

    monkeypatch.setattr(Database, "run", unreachable)
    response = client.get("/readyz/")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "unavailable"
    assert response.json()["status"] == "unavailable"
    for secret in ("db-primary", "10.0.4.17", "okr failed"):
        assert secret not in response.content.decode()
    assert "10.0.4.17" in caplog.text  # the operator still learns why


@pytest.mark.django_db(transaction=True)  # the probe reads on its own connection
def test_unapplied_migrations_make_it_unready(client, monkeypatch):
    monkeypatch.setattr(readiness, "_migrations_applied", set())
    latest = MigrationRecorder.Migration.objects.filter(app="alignment").latest("id")
    latest.delete()  # as if the code had a migration the database has not had yet
    try:
        response = client.get("/readyz/")
    finally:
        MigrationRecorder.Migration.objects.create(app=latest.app, name=latest.name)
    assert response.status_code == 503
    assert response.json()["checks"]["migrations"] == "unavailable"
    monkeypatch.setattr(readiness, "_migrations_applied", set())
    assert client.get("/readyz/").status_code == 200


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def broker_at(settings):
    """The site with a broker configured at the given URL."""
    settings.CELERY_TASK_ALWAYS_EAGER = False

    def use(url: str) -> None:
        settings.CELERY_BROKER_URL = url

    return use


def test_an_unreachable_broker_makes_it_unready(client, broker_at):
    broker_at(f"redis://127.0.0.1:{_free_port()}/0")  # nothing listens there
    response = client.get("/readyz/")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == "unavailable"


@pytest.fixture
def redis():
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        if os.environ.get("CI"):
            pytest.fail("CI must check the broker, but Redis is not on 127.0.0.1:6379.")
        pytest.skip("Redis is not running on 127.0.0.1:6379 here.")


def test_a_reachable_broker_is_ready_without_asking_for_workers(client, broker_at, redis):
    broker_at("redis://127.0.0.1:6379/14")  # a database nothing else uses
    response = client.get("/readyz/")
    assert response.status_code == 200, response.content
    assert response.json()["checks"]["broker"] == "ok"
    assert "workers" not in response.json()["checks"]


def test_a_monitor_that_asks_for_workers_hears_whether_one_answers(client, broker_at, redis):
    broker_at("redis://127.0.0.1:6379/14")
    response = client.get("/readyz/?workers=1")
    checks = response.json()["checks"]
    assert set(checks) == {"database", "cache", "migrations", "broker", "workers"}
    # The suite runs no worker on the app's broker, so the ping goes unanswered, and then the
    # whole answer is 503: asked for, workers count.
    assert checks["workers"] in {"ok", "unavailable"}
    assert (response.status_code == 200) == (checks["workers"] == "ok")


def test_liveness_stays_the_plain_probe(client):
    assert client.get("/healthz/").content == b"ok"
