"""A shared cache of API list pages, kept under the versions of the tables they read.

BI tools poll the same lists again and again, and a page of 50 objectives with their computed
figures costs milliseconds to build. Each page is cached as the bytes it was sent as, under the
versions (``data_versions``) of every table its queries read and of the tables that decide who
sees what: a committed write to one of them, from any process, and the page is built again; a
write elsewhere (a check-in, for the KPI pages) leaves it in the cache.

Only with a cache every process shares (``CACHE_URL``): a per-process cache would not see the
worker's writes. ``API_LIST_CACHE`` turns it on or off.
"""

from __future__ import annotations

import hashlib
import re
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.utils import timezone, translation
from rest_framework.renderers import JSONRenderer

from okrplatform.org.access import access_for

from .data_versions import install, note_writes, versions
from .models import Membership, OrgUnit, User

__all__ = ["CachedListMixin", "install", "note_writes", "page_key"]

PAGE_SECONDS = 300  # a bound in case a write escapes us, e.g. one typed into psql
READ_TABLES = re.compile(r"\b(?:FROM|JOIN)\s+\"?(\w+)\"?", re.IGNORECASE)
# Who sees what: every page depends on these, whatever its queries read.
ACCESS_TABLES = frozenset(model._meta.db_table.lower() for model in (Membership, OrgUnit, User))


def page_key(request, tables) -> str:
    """The versions of the tables the page reads, who sees what (everyone who sees every unit
    shares pages), in which language, time zone and day (expected progress moves daily), at
    which address, for which query."""
    table_versions = versions({*tables, *ACCESS_TABLES})
    parts = [
        repr(sorted(table_versions.items())),
        _viewer(request.user, table_versions),
        translation.get_language() or "",
        timezone.get_current_timezone_name(),
        timezone.localdate().isoformat(),
        request.build_absolute_uri(),
    ]
    return "api:page:" + hashlib.sha256("|".join(parts).encode()).hexdigest()


# Keyed by the versions of who sees what, so right in every process without asking the cache.
_viewers: dict[str, str] = {}


def _viewer(user, table_versions: dict[str, int]) -> str:
    """Whether the person sees every unit, remembered until the tables of who sees what move."""
    access_versions = ":".join(str(table_versions[name]) for name in sorted(ACCESS_TABLES))
    key = f"{access_versions}:{table_versions['*']}:{user.pk}"
    viewer = _viewers.get(key)
    if viewer is None:
        viewer = "all" if access_for(user).sees_every_unit else f"user-{user.pk}"
        if len(_viewers) > 10_000:  # versions moved on: the old entries are never asked again
            _viewers.clear()
        _viewers[key] = viewer
    return viewer


@contextmanager
def _tables_read(tables: set[str]):
    """Collect the tables the queries inside read."""

    def note_reads(execute, sql, params, many, context):
        tables.update(name.lower() for name in READ_TABLES.findall(sql))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(note_reads):
        yield


class CachedListMixin:
    """``list()`` served from the shared cache, as the bytes it was sent as, while none of the
    tables it read has been written since."""

    # The tables each view's pages were seen to read, learnt as they are built; a page is
    # cached under their versions, so one that reads a new table is simply built again.
    _tables_read_by_view: dict[type, frozenset[str]] = {}

    def list(self, request, *args, **kwargs):
        renderer = getattr(request, "accepted_renderer", None)
        if not settings.API_LIST_CACHE or not isinstance(renderer, JSONRenderer):
            return super().list(request, *args, **kwargs)
        known = self._tables_read_by_view.get(type(self), frozenset())
        read: set[str] = set()
        with _tables_read(read):
            key = page_key(request, known)
            body = cache.get(key)
            if body is not None:
                return HttpResponse(body, content_type=renderer.media_type)
            response = super().list(request, *args, **kwargs)
        if response.status_code != 200:
            return response
        body = renderer.render(
            response.data, request.accepted_media_type, self.get_renderer_context()
        )
        if read <= known:
            cache.set(key, body, PAGE_SECONDS)
        else:
            # It read a table not known before, whose version the key lacks: the next page is
            # cached under it. (Its version now could be newer than what this page read.)
            self._tables_read_by_view[type(self)] = frozenset(known | read)
        return HttpResponse(body, content_type=renderer.media_type)
