"""A version number per database table in the shared cache, moved by every committed write.

Every statement that writes (INSERT, UPDATE, DELETE, from the ORM, the set-based rollups or a
Celery worker alike) names the tables it writes; once its transaction commits, their versions
move. Whatever is cached from the database (API pages, a person's reach in the organisation) is
kept under the versions of the tables it read, so nobody reads it after a committed write to one
of them, and a write elsewhere leaves it be: a check-in moves key results, objectives and
rollups, not the KPI pages. A write whose tables cannot be told (TRUNCATE, MERGE) moves
``ANY_TABLE``, which everything cached depends on. A reader that races a commit stores at most
something already out of date, under versions nobody asks for again.

Only with a cache every process shares (``CACHE_URL``): a per-process cache would not see the
worker's writes. ``API_LIST_CACHE`` turns it on or off.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.db.backends.signals import connection_created

PREFIX = "api:version:"
ANY_TABLE = "*"
WRITES = re.compile(r"\b(INSERT|UPDATE|DELETE|TRUNCATE|MERGE)\b", re.IGNORECASE)
# A row lock is no write; ON CONFLICT … DO UPDATE writes the INSERT's table.
NOT_WRITES = re.compile(r"\bFOR\s+(?:NO\s+KEY\s+)?UPDATE\b|\bDO\s+UPDATE\b", re.IGNORECASE)
WRITTEN_TABLES = re.compile(
    r"\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(?:ONLY\s+)?\"?(\w+)\"?", re.IGNORECASE
)
UNTOLD_WRITES = re.compile(r"\b(TRUNCATE|MERGE)\b", re.IGNORECASE)


def written_tables(sql: str) -> set[str]:
    """The tables a statement writes; ``ANY_TABLE`` when it writes and they cannot be told."""
    if not WRITES.search(sql):
        return set()
    sql = NOT_WRITES.sub(" ", sql)
    if UNTOLD_WRITES.search(sql):
        return {ANY_TABLE}
    tables = {name.lower() for name in WRITTEN_TABLES.findall(sql)}
    if not tables and WRITES.search(sql):
        return {ANY_TABLE}
    return tables


def versions(tables: Iterable[str]) -> dict[str, int]:
    """The current version of each table (and of ``ANY_TABLE``), in one round trip."""
    names = sorted({*tables, ANY_TABLE})
    found = cache.get_many([PREFIX + name for name in names])
    return {name: found.get(PREFIX + name, 0) for name in names}


def bump(tables: Iterable[str]) -> None:
    now = time.time_ns()
    cache.set_many({PREFIX + name: now for name in tables}, None)


class _Pending:
    """The tables one transaction wrote, bumped once it commits."""

    def __init__(self) -> None:
        self.tables: set[str] = set()

    def __call__(self) -> None:
        bump(self.tables)


def note_writes(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    tables = written_tables(sql)
    if tables:
        connection = context["connection"]
        if not connection.in_atomic_block:
            bump(tables)
        else:
            # One callback a transaction; one registered in a savepoint that was rolled back
            # is gone, and its writes with it.
            pending = next(
                (
                    callback
                    for _sids, callback, _robust in connection.run_on_commit
                    if isinstance(callback, _Pending)
                ),
                None,
            )
            if pending is None:
                pending = _Pending()
                connection.on_commit(pending)
            pending.tables |= tables
    return result


def _watch(sender, connection, **kwargs) -> None:
    if note_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(note_writes)


def install() -> None:
    """Watch every database connection for writes, those open already and those to come."""
    if not settings.API_LIST_CACHE:
        return
    connection_created.connect(_watch, dispatch_uid="api-cache-watch")
    for connection in connections.all(initialized_only=True):
        _watch(sender=None, connection=connection)
