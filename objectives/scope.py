"""The cycle a page is about, from its query string: ``?cycle=<pk>``."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from okrplatform.org.scope import requested_id

from .models import Cycle
from .selectors import default_cycle


def requested_cycle(request: HttpRequest) -> Cycle:
    """The cycle asked for, or the current quarter."""
    cycle_id = requested_id(request, "cycle")
    cycle = Cycle.objects.filter(pk=cycle_id).first() if cycle_id else default_cycle()
    if cycle is None:
        raise Http404("There is no cycle yet.")
    return cycle
