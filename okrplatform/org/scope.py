"""The unit and cycle a page is about, from its query string: ``?unit=<pk>&cycle=<pk>``."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from okrplatform.http import id_from

from .access import access_for
from .models import OrgUnit
from .selectors import top_unit_for


def requested_id(request: HttpRequest, name: str) -> int | None:
    return id_from(request.GET.get(name))


def visible_unit(request: HttpRequest, pk: int) -> OrgUnit:
    unit = get_object_or_404(OrgUnit.objects.select_related("lead"), pk=pk)
    if not request.user.has_perm("alignment.see_unit", unit):
        raise PermissionDenied
    return unit


def requested_unit(request: HttpRequest) -> OrgUnit:
    """The unit asked for, or the top of what the person sees."""
    unit_id = requested_id(request, "unit")
    if unit_id is None:
        unit = top_unit_for(access_for(request.user))
        if unit is None:
            raise PermissionDenied
        return unit
    return visible_unit(request, unit_id)
