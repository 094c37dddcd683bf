"""Readiness for load balancers and orchestrators: /readyz/ answers 200 when this process can
serve, 503 when it cannot, beside the liveness probe /healthz/ (the process answers at all).

Checked with django-health-check, at once: the database, the cache, that every migration is
applied, and, where a broker is configured, that Celery's broker takes connections. Whether a
Celery worker answers a ping is left out of the probe, which must stay fast (a ping waits a
second) and must not take web processes out of service while only the workers are down; a
monitor asks for it with /readyz/?workers=1, and then it counts. The answer names each check
with "ok" or "unavailable" and nothing else; why a check failed goes to the log, never to the
anonymous caller.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime
from concurrent.futures import ThreadPoolExecutor

from django import db
from django.conf import settings
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from health_check import Cache, Database, HealthCheck
from health_check.base import HealthCheckResult
from health_check.contrib.celery import Ping
from health_check.exceptions import ServiceUnavailable
from kombu import Connection

# Once seen applied, migrations stay applied for this process (new ones come with new code,
# which means a new process): the migration graph is not loaded on every probe.
_migrations_applied: set[str] = set()


@dataclasses.dataclass
class MigrationsApplied(HealthCheck):
    """Every migration the code has is applied to the database."""

    alias: str = "default"

    def run(self) -> None:
        if self.alias in _migrations_applied:
            return
        connection = connections[self.alias]
        try:
            with connection.temporary_connection():
                executor = MigrationExecutor(connection)
                plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        except db.Error as error:
            raise ServiceUnavailable("Database unreachable") from error
        if plan:
            raise ServiceUnavailable(f"{len(plan)} migrations not applied")
        _migrations_applied.add(self.alias)


@dataclasses.dataclass
class Broker(HealthCheck):
    """Celery's broker takes a connection (tasks can be enqueued)."""

    timeout: datetime.timedelta = dataclasses.field(
        default=datetime.timedelta(seconds=3), repr=False
    )

    def run(self) -> None:
        seconds = self.timeout.total_seconds()
        try:
            # A connection of its own to the configured broker, not one from Celery's pools.
            with Connection(settings.CELERY_BROKER_URL, connect_timeout=seconds) as connection:
                connection.ensure_connection(max_retries=1, timeout=seconds)
        except Exception as error:  # kombu raises the transport's own errors
            raise ServiceUnavailable("Broker unreachable") from error


def checks(*, workers: bool = False) -> dict[str, HealthCheck]:
    """The checks, by the name the answer gives them."""
    found: dict[str, HealthCheck] = {
        "database": Database(),
        "cache": Cache(),
        "migrations": MigrationsApplied(),
    }
    if not settings.CELERY_TASK_ALWAYS_EAGER:  # a broker is configured
        found["broker"] = Broker()
        if workers:
            found["workers"] = Ping(timeout=datetime.timedelta(seconds=1), limit=1)
    return found


def _run(named: dict[str, HealthCheck]) -> list[HealthCheckResult]:
    """Every check at once, on an event loop of their own in a thread of its own, so that the
    probe is a plain view whatever the calling thread runs."""

    async def all_of_them() -> list[HealthCheckResult]:
        return list(await asyncio.gather(*(check.get_result() for check in named.values())))

    with ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, all_of_them()).result()


@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    named = checks(workers=request.GET.get("workers") == "1")
    results = _run(named)
    states = {
        name: "ok" if result.error is None else "unavailable"
        for name, result in zip(named, results, strict=True)
    }
    ready = all(state == "ok" for state in states.values())
    return JsonResponse(
        {"status": "ready" if ready else "unavailable", "checks": states},
        status=200 if ready else 503,
    )
