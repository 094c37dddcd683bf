"""Pages of the alignment app: the org dashboard, the alignment map, the X-matrix, the strategy
map, the quality list and tensions."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kpis.forms import MeasurementForm
from kpis.models import KPI, DataSource
from kpis.selectors import chart_data, measurement_changes, trend_of
from kpis.services import measurement_record
from objectives.conflicts import possible_conflicts
from objectives.models import Cycle, UnitRollup
from objectives.scope import requested_cycle
from objectives.selectors import cycles_for_switcher
from okrplatform.http import HtmxHttpRequest
from okrplatform.org.access import Access, access_for
from okrplatform.org.models import OrgUnit
from okrplatform.org.scope import requested_unit, visible_unit
from okrplatform.org.selectors import top_unit_for, unit_members, visible_children

from .cascade import alignment_map
from .quality import quality_warnings
from .selectors import child_unit_rows, kpi_for_page, subtree_attention, unit_objectives
from .strategy_map import strategy_map
from .xmatrix import x_matrix

DASHBOARD = "alignment/unit_dashboard.html"

KPI_PAGE = "kpis/kpi_detail.html"


def framework_page(template: str):
    """The alignment map, X-matrix, strategy map and quality list: each is a function of the
    unit, the cycle and the person's access that returns what its template shows; they share
    the header with the unit's ancestors and children to move to, and the cycle."""

    def decorate(build: Callable[[OrgUnit, Cycle, Access], dict]):
        @login_required
        @require_GET
        @wraps(build)
        def view(request: HtmxHttpRequest) -> HttpResponse:
            unit, cycle = requested_unit(request), requested_cycle(request)
            access = access_for(request.user)
            return render(
                request,
                template,
                {
                    "unit": unit,
                    "cycle": cycle,
                    "ancestors": list(unit.ancestors()),
                    "children": visible_children(unit, access),
                    "cycles": cycles_for_switcher(),
                    "rollup": UnitRollup.objects.filter(unit=unit, cycle=cycle).first(),
                    "view_name": request.resolver_match.url_name,
                    **build(unit, cycle, access),
                },
            )

        return view

    return decorate


@login_required
@require_GET
def organisation(request: HtmxHttpRequest) -> HttpResponse:
    """The top of what the person sees: the company for most, their branch for some."""
    unit = top_unit_for(access_for(request.user))
    if unit is None:
        messages.warning(
            request, _("You have no role in any unit yet: ask an administrator to add you.")
        )
        return redirect("home")
    return redirect("unit_dashboard", pk=unit.pk)


@login_required
@require_GET
def unit_dashboard(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    unit = visible_unit(request, pk)
    cycle = requested_cycle(request)
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
            "members": unit_members(unit),
        },
    )


@login_required
@require_GET
def unit_children(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The rows of a unit's children, loaded when someone expands it on the dashboard."""
    unit = visible_unit(request, pk)
    cycle = requested_cycle(request)
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


@framework_page("alignment/alignment_map.html")
def alignment_map_view(unit: OrgUnit, cycle: Cycle, access: Access) -> dict:
    the_map = alignment_map(unit, cycle, access)
    return {"map": the_map, "scoped_alignment_index": True}


@login_required
@require_GET
def alignment_map_branch(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """What lies below one objective of the map, loaded when someone opens it."""
    unit, cycle = requested_unit(request), requested_cycle(request)
    branch = alignment_map(unit, cycle, access_for(request.user), branch=pk)
    return render(
        request,
        "alignment/alignment_map.html#map-tree",
        {"nodes": branch.aligned, "unit": unit, "cycle": cycle},
    )


@framework_page("alignment/x_matrix.html")
def x_matrix_view(unit: OrgUnit, cycle: Cycle, access: Access) -> dict:
    return {"matrix": x_matrix(unit, cycle, access)}


@framework_page("alignment/strategy_map.html")
def strategy_map_view(unit: OrgUnit, cycle: Cycle, access: Access) -> dict:
    return {"map": strategy_map(unit, cycle, access)}


@framework_page("alignment/quality.html")
def quality_view(unit: OrgUnit, cycle: Cycle, access: Access) -> dict:
    groups = quality_warnings(unit, cycle, access)
    return {"groups": groups, "warning_count": sum(group.count for group in groups)}


def _get_kpi_for_viewer(request: HtmxHttpRequest, pk: int) -> KPI:
    kpi = get_object_or_404(kpi_for_page(), pk=pk)
    if not request.user.has_perm("kpis.see_kpi", kpi):
        raise PermissionDenied
    return kpi


@login_required
@require_GET
def kpi_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    kpi = _get_kpi_for_viewer(request, pk)
    return render(request, KPI_PAGE, _kpi_page_context(request, kpi))


def _kpi_page_context(
    request: HtmxHttpRequest, kpi: KPI, form: MeasurementForm | None = None
) -> dict:
    measurements = list(kpi.measurements.order_by("period"))
    can_record = request.user.has_perm("kpis.record_measurement", kpi)
    return {
        "kpi": kpi,
        "measurements": measurements[::-1],
        "chart": chart_data(kpi, measurements),
        "conflicts": possible_conflicts(
            kpi.links.all(), access=access_for(request.user), known=[kpi]
        ),
        "changes": measurement_changes(kpi),
        "chart_labels": {
            "value": kpi.name,
            "target": _("Target"),
            "warning": _("Warning zone"),
            "critical": _("Critical zone"),
            "decision": _("Decision"),
        },
        "trend": trend_of(kpi, [m.value for m in measurements[-2:]]),
        "can_record": can_record,
        "form": form or (MeasurementForm(kpi=kpi) if can_record else None),
    }


@login_required
@require_POST
def kpi_measurements(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Record one measurement from the KPI page; with htmx, the panel swaps in place."""
    kpi = _get_kpi_for_viewer(request, pk)
    if not request.user.has_perm("kpis.record_measurement", kpi):
        raise PermissionDenied
    form = MeasurementForm(request.POST, kpi=kpi)
    saved = form.is_valid()
    if saved:
        measurement_record(
            kpi=kpi, source=DataSource.MANUAL, recorded_by=request.user, **form.cleaned_data
        )
        kpi = get_object_or_404(kpi_for_page(), pk=pk)
    if request.htmx:
        context = _kpi_page_context(request, kpi, None if saved else form)
        context["just_recorded"] = saved
        return render(request, f"{KPI_PAGE}#measurement-panel", context)
    if saved:
        messages.success(request, _("Measurement recorded."))
        return redirect("kpi_detail", pk=pk)
    response = render(request, KPI_PAGE, _kpi_page_context(request, kpi, form))
    response.status_code = 400
    return response
