"""Pages of the alignment app: the org dashboard and its drill-down."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from objectives.models import Cycle

from .access import access_for
from .models import OrgUnit, UnitRollup
from .selectors import (
    child_unit_rows,
    cycles_for_switcher,
    default_cycle,
    subtree_attention,
    top_unit_for,
    unit_objectives,
)

DASHBOARD = "alignment/unit_dashboard.html"


def _get_unit_for_viewer(request: HttpRequest, pk: int) -> OrgUnit:
    unit = get_object_or_404(OrgUnit.objects.select_related("lead"), pk=pk)
    if not request.user.has_perm("alignment.see_unit", unit):
        raise PermissionDenied
    return unit


def _cycle_from(request: HttpRequest) -> Cycle:
    cycle_id = request.GET.get("cycle")
    cycle = Cycle.objects.filter(pk=cycle_id).first() if cycle_id else default_cycle()
    if cycle is None:
        raise Http404("There is no cycle yet.")
    return cycle


@login_required
@require_GET
def organisation(request: HttpRequest) -> HttpResponse:
    """The top of what the person sees: the company for most, their branch for some."""
    unit = top_unit_for(access_for(request.user))
    if unit is None:
        messages.warning(
            request, _("You have no role in any unit yet: ask an administrator to add you.")
        )
        return redirect("home")
    return redirect("unit_dashboard", pk=unit.pk)


@login_required
@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    request.user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
    return redirect("home")


@login_required
@require_GET
def unit_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _get_unit_for_viewer(request, pk)
    cycle = _cycle_from(request)
    access = access_for(request.user)
    return render(
        request,
        DASHBOARD,
        {
            "unit": unit,
            "cycle": cycle,
            "ancestors": list(unit.ancestors()),
            "rollup": UnitRollup.objects.filter(unit=unit, cycle=cycle).first(),
            "rows": child_unit_rows(unit, cycle, access),
            "depth": 0,
            "objectives": unit_objectives(unit, cycle),
            "attention": subtree_attention(unit, cycle, access),
            "cycles": cycles_for_switcher(),
            "can_create": request.user.has_perm("objectives.create_objective_in", unit),
        },
    )


@login_required
@require_GET
def unit_children(request: HttpRequest, pk: int) -> HttpResponse:
    """The rows of a unit's children, loaded when someone expands it on the dashboard."""
    unit = _get_unit_for_viewer(request, pk)
    cycle = _cycle_from(request)
    depth = min(int(request.GET.get("depth", "1") or 1), 10)
    return render(
        request,
        f"{DASHBOARD}#unit-rows",
        {
            "rows": child_unit_rows(unit, cycle, access_for(request.user)),
            "cycle": cycle,
            "depth": depth,
        },
    )
