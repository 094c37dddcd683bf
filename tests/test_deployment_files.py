"""docker-compose.yml describes production; no Docker engine runs here, so we check what we can:
it parses, every service is there with a health check, TLS is terminated in front of the app,
migrations run once before the app starts, every variable the settings read is passed through
from .env (and .env.example lists it), the password is required, and backups are taken."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
import yaml

PROJECT_ROOT = Path(__file__).resolve().parents[1]
APP_SERVICES = {"migrate", "web", "worker", "beat"}
ENV_HELPERS = {"env_str", "env_bool", "env_int", "env_list", "env_float", "env_json"}
# Set by the compose file itself, each for a reason.
FIXED = {
    "DEBUG": "production is never in debug mode",
    "BEHIND_TLS_PROXY": "Caddy terminates TLS in front of web",
    "DATABASE_URL": "the db service, with POSTGRES_PASSWORD from .env",
    "CELERY_BROKER_URL": "the redis service",
    "CACHE_URL": "the redis service",
}
# ${NAME}, ${NAME:-default}, ${NAME:?message}, ${NAME-default}, ${NAME?message}
INTERPOLATION = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)(?:(:?[-?])([^}]*))?\}")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def env_example() -> dict[str, str]:
    pairs = {}
    for line in (PROJECT_ROOT / ".env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            pairs[name] = value
    return pairs


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


def interpolated(value: object) -> list[tuple[str, str, str]]:
    """(name, operator, argument) of each ${…} in a compose value."""
    return [match.groups("") for match in INTERPOLATION.finditer(str(value))]


def test_it_describes_the_app_its_proxy_database_broker_and_backups(compose):
    services = compose["services"]
    assert set(services) == APP_SERVICES | {"caddy", "db", "redis", "backup"}
    assert services["db"]["image"] == "postgres:16"
    assert services["redis"]["image"] == "redis:7"
    assert services["backup"]["image"] == services["db"]["image"], "pg_dump matches the server"
    assert services["caddy"]["image"].startswith("caddy:2")
    assert "gunicorn" in services["web"]["command"]
    assert services["migrate"]["command"] == "python manage.py migrate --no-input"
    assert "migrate" not in services["web"]["command"]
    assert "worker" in services["worker"]["command"]
    assert "beat" in services["beat"]["command"]
    for name, service in services.items():
        if name != "migrate":  # it runs once and exits
            assert "healthcheck" in service, f"{name} has no health check"
    assert services["migrate"]["restart"] == "no"


def test_tls_is_terminated_by_caddy_in_front_of_web(compose):
    services = compose["services"]
    assert set(services["caddy"]["ports"]) == {"80:80", "443:443", "443:443/udp"}
    assert "ports" not in services["web"], "the app is reached only through the proxy"
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in services["caddy"]["volumes"]
    caddyfile = (PROJECT_ROOT / "deploy" / "Caddyfile").read_text()
    assert "{$SITE_URL} {" in caddyfile
    assert "reverse_proxy web:8000" in caddyfile
    assert services["web"]["environment"]["BEHIND_TLS_PROXY"] == "true"
    assert "SITE_URL" in services["caddy"]["environment"]


def test_the_app_waits_for_its_services_and_for_the_migrations(compose):
    for name in APP_SERVICES:
        depends_on = compose["services"][name]["depends_on"]
        assert depends_on["db"]["condition"] == "service_healthy"
        assert depends_on["redis"]["condition"] == "service_healthy"
    for name in APP_SERVICES - {"migrate"}:
        depends_on = compose["services"][name]["depends_on"]
        assert depends_on["migrate"]["condition"] == "service_completed_successfully"
    assert "migrate" not in compose["services"]["migrate"]["depends_on"]


def test_every_variable_the_settings_read_is_passed_through_from_env(compose):
    read = variables_read_by_settings()
    assert {"DATABASE_URL", "CELERY_BROKER_URL", "SECRET_KEY", "DEBUG", "SITE_URL"} <= read
    for name in APP_SERVICES:
        environment = compose["services"][name]["environment"]
        assert set(environment) == read, (
            f"{name}: not passed {sorted(read - set(environment))}, "
            f"read by nothing {sorted(set(environment) - read)}"
        )
        for variable, value in environment.items():
            if variable in FIXED:
                continue
            names = [found for found, _, _ in interpolated(value)]
            assert variable in names, f"{name}: {variable} is not taken from .env: {value!r}"


def test_env_example_lists_every_variable_the_compose_file_takes_from_env(compose, env_example):
    values = [
        value
        for service in compose["services"].values()
        for value in (
            *service.get("environment", {}).values(),
            *service.get("entrypoint", []),
            *service.get("volumes", []),
        )
    ]
    taken = {found for value in values for found, _, _ in interpolated(value)}
    assert taken - set(env_example) == set(), "missing from .env.example"
    assert set(env_example) - taken == set(), "in .env.example but read by nothing"


def test_secrets_and_the_site_address_are_required_not_defaulted(compose):
    environment = compose["services"]["web"]["environment"]
    required = {
        found: operator
        for value in environment.values()
        for found, operator, _ in interpolated(value)
        if found in {"SECRET_KEY", "SITE_URL", "POSTGRES_PASSWORD"}
    }
    assert required == {"SECRET_KEY": ":?", "SITE_URL": ":?", "POSTGRES_PASSWORD": ":?"}
    password = compose["services"]["db"]["environment"]["POSTGRES_PASSWORD"]
    assert interpolated(password)[0][:2] == ("POSTGRES_PASSWORD", ":?")
    assert interpolated(compose["services"]["backup"]["environment"]["PGPASSWORD"])[0][:2] == (
        "POSTGRES_PASSWORD",
        ":?",
    )


def test_it_runs_in_production_mode_against_its_own_services(compose):
    environment = compose["services"]["web"]["environment"]
    assert environment["DEBUG"] == "false"
    assert environment["DATABASE_URL"].startswith("postgres://okr:${POSTGRES_PASSWORD")
    assert environment["DATABASE_URL"].endswith("@db:5432/okrplatform")
    assert environment["CELERY_BROKER_URL"] == "redis://redis:6379/0"
    assert environment["CACHE_URL"] == "redis://redis:6379/1", "throttling must be shared"


def test_web_is_healthy_when_it_is_ready(compose):
    assert "/readyz/" in " ".join(compose["services"]["web"]["healthcheck"]["test"])


def test_the_backup_service_dumps_every_day_with_the_scripts_the_restore_test_runs(compose):
    backup = compose["services"]["backup"]
    assert backup["entrypoint"][:3] == ["sh", "/deploy/backup.sh", "--every"]
    assert backup["entrypoint"][3] == "${BACKUP_INTERVAL_HOURS:-24}"
    assert "./deploy:/deploy:ro" in backup["volumes"]
    assert backup["environment"]["PGHOST"] == "db"
    assert backup["depends_on"]["db"]["condition"] == "service_healthy"
    for script in ("backup.sh", "restore.sh"):
        assert (PROJECT_ROOT / "deploy" / script).read_text().startswith("#!/bin/sh\n")


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


def test_the_readme_says_how_to_make_the_first_admin():
    readme = (PROJECT_ROOT / "README.md").read_text()
    assert "docker compose exec web python manage.py createsuperuser" in readme


def test_the_health_probe_answers_without_login(client, db):
    response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.content == b"ok"
