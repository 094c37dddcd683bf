"""A shared cache of API list pages, emptied by any write to the database.

BI tools poll the same lists again and again, and a page of 50 objectives with their computed
figures costs tens of milliseconds to build. Every statement that writes (INSERT, UPDATE,
DELETE, from the ORM, the set-based rollups or a Celery worker alike) moves one version number
in the shared cache once its transaction commits, and every page is cached under the version
it was built at: so nobody reads a page older than the last committed write. A reader that
races a commit stores at most a page that is already out of date, under a version nobody asks
for again.

Only with a cache every process shares (``CACHE_URL``): a per-process cache would not see the
worker's writes. ``API_LIST_CACHE`` turns it on or off.
"""

from __future__ import annotations

import hashlib
import json
import re
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.db.backends.signals import connection_created
from django.utils import timezone, translation
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from okrplatform.org.access import access_for

VERSION_KEY = "api:data-version"
WRITES = re.compile(r"\b(INSERT|UPDATE|DELETE|TRUNCATE|MERGE)\b", re.IGNORECASE)
PAGE_SECONDS = 300  # a bound in case a write escapes us, e.g. one typed into psql


def data_version() -> int:
    return cache.get(VERSION_KEY, 0)


def bump_data_version() -> None:
    cache.set(VERSION_KEY, time.time_ns(), None)


def _note_writes(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if WRITES.search(sql):
        connection = context["connection"]
        if not connection.in_atomic_block:
            bump_data_version()
        elif not any(callback is bump_data_version for _, callback, _ in connection.run_on_commit):
            connection.on_commit(bump_data_version)
    return result


def _watch(sender, connection, **kwargs) -> None:
    if _note_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(_note_writes)


def install() -> None:
    """Watch every database connection for writes, those open already and those to come."""
    if not settings.API_LIST_CACHE:
        return
    connection_created.connect(_watch, dispatch_uid="api-cache-watch")
    for connection in connections.all(initialized_only=True):
        _watch(sender=None, connection=connection)


def page_key(request) -> str:
    """Who sees what (everyone who sees every unit shares pages), in which language, time zone
    and day (expected progress moves daily), at which address, for which query."""
    version = data_version()
    parts = [
        str(version),
        _viewer(request.user, version),
        translation.get_language() or "",
        timezone.get_current_timezone_name(),
        timezone.localdate().isoformat(),
        request.build_absolute_uri(),
    ]
    return "api:page:" + hashlib.sha256("|".join(parts).encode()).hexdigest()


def _viewer(user, version: int) -> str:
    """Whether the person sees every unit, remembered until the next write (a membership
    changes by a write too): working it out walks the organisation tree."""
    key = f"api:viewer:{version}:{user.pk}"
    viewer = cache.get(key)
    if viewer is None:
        viewer = "all" if access_for(user).sees_every_unit else f"user-{user.pk}"
        cache.set(key, viewer, PAGE_SECONDS)
    return viewer


class CachedListMixin:
    """``list()`` served from the shared cache while nothing has been written since."""

    def list(self, request, *args, **kwargs):
        if not settings.API_LIST_CACHE:
            return super().list(request, *args, **kwargs)
        key = page_key(request)
        data = cache.get(key)
        if data is None:
            response = super().list(request, *args, **kwargs)
            if response.status_code == 200:
                # Plain JSON values: DRF's links carry their model instances, which would be
                # pickled along and cost more to load than the page to build.
                plain = json.loads(JSONRenderer().render(response.data))
                cache.set(key, plain, PAGE_SECONDS)
            return response
        return Response(data)
