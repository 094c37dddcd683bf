"""The request every page receives: Django's, with what django-htmx's middleware attaches;
and reading a row's id out of what it carries."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """A request that says whether htmx sent it (``request.htmx``) and what it asks for."""

    htmx: HtmxDetails


# The largest id a database integer holds (PostgreSQL's bigint).
LARGEST_ID = 2**63 - 1


def id_from(raw: object) -> int | None:
    """A row's id as a query string or a form sends it, or None for anything else: ASCII
    digits only (``str.isdigit`` also takes "¹", which ``int`` refuses) and no larger than
    the database holds."""
    text = str(raw) if raw is not None else ""
    if not (text.isascii() and text.isdigit()) or len(text) > 19:
        return None
    number = int(text)
    return number if number <= LARGEST_ID else None
