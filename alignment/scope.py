"""The unit and cycle a page is about, from its query string: ``?unit=<pk>&cycle=<pk>``."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from objectives.models import Cycle

from .access import access_for
from .models import OrgUnit
from .selectors import default_cycle, top_unit_for


def requested_id(request: HttpRequest, name: str) -> int | None:
    raw = request.GET.get(name, "")
    return int(raw) if raw.isdigit() else None


def visible_unit(request: HttpRequest, pk: int) -> OrgUnit:
    unit = get_object_or_404(OrgUnit.objects.select_related("lead"), pk=pk)
    if not request.user.has_perm("alignment.see_unit", unit):
        raise PermissionDenied
    return unit


def requested_cycle(request: HttpRequest) -> Cycle:
    """The cycle asked for, or the current quarter."""
    cycle_id = requested_id(request, "cycle")
    cycle = Cycle.objects.filter(pk=cycle_id).first() if cycle_id else default_cycle()
    if cycle is None:
        raise Http404("There is no cycle yet.")
    return cycle


def requested_unit(request: HttpRequest) -> OrgUnit:
    """The unit asked for, or the top of what the person sees."""
    unit_id = requested_id(request, "unit")
    if unit_id is None:
        unit = top_unit_for(access_for(request.user))
        if unit is None:
            raise PermissionDenied
        return unit
    return visible_unit(request, unit_id)
