"""The request every page receives: Django's, with what django-htmx's middleware attaches."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """A request that says whether htmx sent it (``request.htmx``) and what it asks for."""

    htmx: HtmxDetails
