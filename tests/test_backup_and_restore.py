"""The backup the compose file takes can be brought back: deploy/backup.sh dumps a database
holding the demo organisation, deploy/restore.sh restores the dump into a new database, and every
table then holds the same rows and every sequence stands where it stood. Against the real
PostgreSQL on 127.0.0.1:5432 (BACKUP_TEST_DATABASE_URL), with PostgreSQL's own client tools."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import psycopg2
import pytest
from psycopg2 import sql

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SERVER = os.environ.get("BACKUP_TEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
TOOLS = ("pg_dump", "pg_restore", "createdb")


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"CI must test backup and restore, but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def server() -> dict[str, str]:
    """libpq's variables for the server, once it answers and the client tools are there."""
    if missing := [tool for tool in TOOLS if shutil.which(tool) is None]:
        _unavailable(f"PostgreSQL's client tools are missing: {', '.join(missing)}.")
    try:
        psycopg2.connect(SERVER, connect_timeout=3).close()
    except psycopg2.OperationalError as error:
        _unavailable(f"PostgreSQL does not answer at {SERVER}: {error}".strip())
    url = urlsplit(SERVER)
    return {
        "PGHOST": url.hostname or "127.0.0.1",
        "PGPORT": str(url.port or 5432),
        "PGUSER": url.username or "postgres",
        "PGPASSWORD": url.password or "",
    }


@pytest.fixture
def databases(server) -> Iterator[tuple[str, str]]:
    """Two database names of this run's own, dropped afterwards whatever happened."""
    names = (f"okr_backup_{os.getpid()}_source", f"okr_backup_{os.getpid()}_restored")
    yield names
    connection = _connect(SERVER)
    connection.autocommit = True  # DROP DATABASE runs outside a transaction
    with connection.cursor() as cursor:
        for name in names:
            drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
            cursor.execute(drop.format(sql.Identifier(name)))
    connection.close()


def _connect(url: str, database: str | None = None):
    connection = psycopg2.connect(url, connect_timeout=5)
    if database is None:
        return connection
    connection.close()
    return psycopg2.connect(urlsplit(url)._replace(path=f"/{database}").geturl(), connect_timeout=5)


def _database_url(database: str) -> str:
    return urlsplit(SERVER)._replace(path=f"/{database}").geturl()


def _run(command: list[str], **environment: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE"}}
    result = subprocess.run(
        command,
        cwd=PROJECT_ROOT,
        env={**clean, **environment},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, f"{' '.join(command)}\n{result.stdout}\n{result.stderr}"
    return result


def contents(database: str) -> dict[str, tuple[int, str]]:
    """Every table's row count and a digest of all its rows in order; every sequence's value."""
    found: dict[str, tuple[int, str]] = {}
    with _connect(SERVER, database) as connection, connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
        for (table,) in cursor.fetchall():
            rows = sql.SQL(
                "SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), ''))"
                " FROM {} AS t"
            )
            cursor.execute(rows.format(sql.Identifier(table)))
            found[table] = cursor.fetchone()
        cursor.execute("SELECT sequencename, last_value FROM pg_sequences ORDER BY sequencename")
        for name, last_value in cursor.fetchall():
            found[f"sequence {name}"] = (last_value or 0, "")
    return found


def test_a_backup_of_the_demo_organisation_restores_into_a_new_database_row_for_row(
    server, databases, tmp_path
):
    source, restored = databases
    _run(["createdb", source], **server)
    app = {"DATABASE_URL": _database_url(source), "CELERY_BROKER_URL": ""}
    _run([sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"], **app)
    _run([sys.executable, "manage.py", "load_demo"], **app)

    backups = tmp_path / "backups"
    done = _run(
        ["sh", "deploy/backup.sh"],
        **server,
        PGDATABASE=source,
        BACKUP_DIR=str(backups),
        BACKUP_KEEP_DAYS="14",
    )
    (dump,) = backups.glob(f"{source}-*.dump")
    assert f"backup: {dump}" in done.stdout
    assert not list(backups.glob("*.partial"))

    _run(["sh", "deploy/restore.sh", str(dump), restored], **server)

    before, after = contents(source), contents(restored)
    assert before["objectives_objective"][0] > 0, "the demo organisation is there to compare"
    assert before["objectives_checkin"][0] > 0
    assert len([name for name in before if not name.startswith("sequence ")]) > 30
    assert set(after) == set(before)
    differing = {
        name: (before[name], after[name]) for name in before if before[name] != after[name]
    }
    assert differing == {}

    # The restored database is one the app runs on as it is: nothing left to migrate.
    _run(
        [sys.executable, "manage.py", "migrate", "--check", "-v", "0"],
        DATABASE_URL=_database_url(restored),
        CELERY_BROKER_URL="",
    )


def test_restore_refuses_a_database_that_exists(server, databases, tmp_path):
    source, _ = databases
    _run(["createdb", source], **server)
    dump = tmp_path / "empty.dump"
    _run(["pg_dump", "--format=custom", f"--file={dump}", source], **server)
    result = subprocess.run(
        ["sh", "deploy/restore.sh", str(dump), source],
        cwd=PROJECT_ROOT,
        env={**os.environ, **server},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "already exists" in result.stderr
