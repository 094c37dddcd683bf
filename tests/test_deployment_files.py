"""docker-compose.yml describes production; no Docker engine runs here, so we check what we can:
it parses, the services are there with health checks, and every variable it sets is read."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import yaml

PROJECT_ROOT = Path(__file__).resolve().parents[1]
APP_SERVICES = {"web", "worker", "beat"}
ENV_HELPERS = {"env_str", "env_bool", "env_int", "env_list"}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())


def variables_read_by_settings() -> set[str]:
    tree = ast.parse((PROJECT_ROOT / "okrplatform" / "settings.py").read_text())
    names = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in ENV_HELPERS
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            names.add(node.args[0].value)
    return names


def test_it_describes_web_worker_beat_postgres_and_redis(compose):
    services = compose["services"]
    assert set(services) == APP_SERVICES | {"db", "redis"}
    assert services["db"]["image"] == "postgres:16"
    assert services["redis"]["image"] == "redis:7"
    assert "gunicorn" in services["web"]["command"]
    assert "migrate" in services["web"]["command"]
    assert "worker" in services["worker"]["command"]
    assert "beat" in services["beat"]["command"]
    for name, service in services.items():
        assert "healthcheck" in service, f"{name} has no health check"


def test_the_app_waits_for_a_healthy_database_and_broker(compose):
    for name in APP_SERVICES:
        depends_on = compose["services"][name]["depends_on"]
        assert depends_on["db"]["condition"] == "service_healthy"
        assert depends_on["redis"]["condition"] == "service_healthy"


def test_every_variable_it_sets_is_one_the_settings_read(compose):
    read = variables_read_by_settings()
    assert {"DATABASE_URL", "CELERY_BROKER_URL", "SECRET_KEY", "DEBUG"} <= read
    for name in APP_SERVICES:
        unknown = set(compose["services"][name]["environment"]) - read
        assert not unknown, f"{name} sets variables no setting reads: {unknown}"


def test_it_runs_in_production_mode_against_its_own_services(compose):
    environment = compose["services"]["web"]["environment"]
    assert environment["DEBUG"] == "false"
    assert environment["DATABASE_URL"].startswith("postgres://")
    assert "@db:5432/" in environment["DATABASE_URL"]
    assert environment["CELERY_BROKER_URL"] == "redis://redis:6379/0"
    assert environment["CACHE_URL"] == "redis://redis:6379/1", "throttling must be shared"


def test_the_image_serves_with_gunicorn_and_collects_static_files():
    dockerfile = (PROJECT_ROOT / "Dockerfile").read_text()
    assert dockerfile.startswith("#")
    assert "FROM python:3.13-slim" in dockerfile
    assert "collectstatic" in dockerfile
    assert "gunicorn" in dockerfile


def test_the_image_installs_exactly_the_locked_versions():
    dockerfile = (PROJECT_ROOT / "Dockerfile").read_text()
    assert "pip install --require-hashes -r requirements.txt" in dockerfile
    assert "pip install --no-deps ." in dockerfile


def test_the_health_probe_answers_without_login(client, db):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.content == b"ok"
