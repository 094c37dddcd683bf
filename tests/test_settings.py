"""Settings come from the environment: an embedded default for a laptop, a hardened production."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from okrplatform.celery import app
from okrplatform.settings import env_bool, env_int, env_list

PROJECT_ROOT = Path(__file__).resolve().parents[1]
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "a-long-random-production-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
    "SITE_URL": "https://okr.example.com",
    "ALLOWED_HOSTS": "okr.example.com",
    "DATABASE_URL": "postgres://okr:secret@db:5432/okrplatform",
    "CELERY_BROKER_URL": "redis://redis:6379/0",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    # The browser tests allow async-unsafe calls in this process; a deployment never would.
    ignored = {*PRODUCTION, "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {key: value for key, value in os.environ.items() if key not in ignored}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_values_pass_the_deployment_checklist():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", env={**PRODUCTION, "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_the_embedded_default_is_a_sqlite_file_in_the_project_root_ignored_by_git():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; from okrplatform.celery import app; "
        "print(settings.DATABASES['default']['NAME']); print(app.conf.task_always_eager)",
        env={"DATABASE_URL": "", "CELERY_BROKER_URL": ""},
    )
    assert result.returncode == 0, result.stderr
    database, eager = result.stdout.split()[-2:]
    assert Path(database) == PROJECT_ROOT / "db.sqlite3"
    assert eager == "True"
    assert "/db.sqlite3*" in (PROJECT_ROOT / ".gitignore").read_text()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("true", True), ("1", True), ("Yes", True), ("off", False), ("0", False), ("", True)],
)
def test_booleans_read_the_way_people_write_them(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_FLAG", raw)
    assert env_bool("SOME_FLAG", default=True) is expected


def test_a_mistyped_setting_fails_loudly(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "maybe")
    monkeypatch.setenv("SOME_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG must be true or false"):
        env_bool("SOME_FLAG", default=False)
    with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER must be a whole number"):
        env_int("SOME_NUMBER", 3)


def test_lists_are_comma_separated(monkeypatch):
    monkeypatch.setenv("SOME_HOSTS", "a.example.com, b.example.com,")
    assert env_list("SOME_HOSTS", []) == ["a.example.com", "b.example.com"]


@pytest.mark.django_db
def test_models_and_migrations_agree():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_celery_is_configured_for_at_least_once_delivery_applied_once():
    app.loader.import_default_modules()  # the tasks, as a worker registers them at its start
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert 0 < app.conf.broker_transport_options["visibility_timeout"] <= 6 * 60 * 60
    assert {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()} == {
        "objectives.tasks.recompute_rollups",
        "kpis.tasks.evaluate_kpi_health",
        "objectives.tasks.send_check_in_reminders",
        "kpis.tasks.send_stale_kpi_reminders",
        "okrplatform.outbox.tasks.relay_outbox",
    }
    assert app.tasks["objectives.tasks.recompute_rollups"].delay_on_commit
