"""Pages of the alignment app: the org dashboard, the alignment map, the X-matrix, the strategy
map, the quality list and tensions."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from objectives.models import Cycle

from .access import Access, access_for
from .cascade import alignment_map
from .forms import ApiTokenForm, TradeOffForm
from .models import ApiToken, OrgUnit, Tension, UnitRollup
from .quality import quality_warnings
from .scope import requested_cycle, requested_unit, visible_unit
from .selectors import (
    child_unit_rows,
    cycles_for_switcher,
    subtree_attention,
    top_unit_for,
    unit_objectives,
    visible_children,
)
from .strategy_map import strategy_map
from .tensions import tension_decide
from .xmatrix import x_matrix

DASHBOARD = "alignment/unit_dashboard.html"


def framework_page(template: str):
    """The alignment map, X-matrix, strategy map and quality list: each is a function of the
    unit, the cycle and the person's access that returns what its template shows; they share
    the header with the unit's ancestors and children to move to, and the cycle."""

    def decorate(build: Callable[[OrgUnit, Cycle, Access], dict]):
        @login_required
        @require_GET
        @wraps(build)
        def view(request: HttpRequest) -> HttpResponse:
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
        },
    )


@login_required
@require_GET
def unit_children(request: HttpRequest, pk: int) -> HttpResponse:
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
    return {"map": alignment_map(unit, cycle, access)}


@login_required
@require_GET
def alignment_map_branch(request: HttpRequest, pk: int) -> HttpResponse:
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


@login_required
@require_http_methods(["GET", "POST"])
def tension_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A known conflict between an objective and a KPI; managers on either side decide it."""
    tension = get_object_or_404(
        Tension.objects.select_related(
            "objective__unit", "objective__owner", "kpi__unit", "kpi__owner", "decision"
        ),
        pk=pk,
    )
    if not request.user.has_perm("alignment.see_tension", tension):
        raise PermissionDenied
    can_decide = tension.state == Tension.State.OPEN and request.user.has_perm(
        "alignment.decide_tension", tension
    )
    form = TradeOffForm(request.POST if request.method == "POST" else None) if can_decide else None
    if request.method == "POST":
        if not can_decide:
            raise PermissionDenied
        if form.is_valid():
            try:
                tension_decide(
                    tension=tension, by=request.user, trade_off=form.cleaned_data["trade_off"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, _("Trade-off recorded; it shows as a decision on the KPI's chart.")
                )
                return redirect("tension_detail", pk=pk)
    return render(
        request,
        "alignment/tension_detail.html",
        {"tension": tension, "form": form},
        status=400 if form is not None and form.errors else 200,
    )


@login_required
@require_GET
def unit_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The unit's OKRs and KPIs for a cycle and the cycles within it, as XLSX (both sheets) or,
    with ``file=csv``, as CSV (``sheet=okrs`` or ``kpis``), in the shape the importer reads."""
    from objectives.spreadsheets import export_response

    unit = visible_unit(request, pk)
    fmt = "csv" if request.GET.get("file") == "csv" else "xlsx"
    sheet = "kpis" if request.GET.get("sheet") == "kpis" else "okrs"
    return export_response(unit, requested_cycle(request), request.user, fmt, sheet)


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    """A person's keys for the REST API: make one (shown once), see when each was last used,
    revoke one."""
    new_key = None
    form = ApiTokenForm(request.POST if request.POST.get("action") == "create" else None)
    if request.method == "POST" and request.POST.get("action") == "revoke":
        deleted, _rows = ApiToken.objects.filter(
            user=request.user, pk=request.POST.get("token") or 0
        ).delete()
        if deleted:
            messages.success(request, _("Token revoked: systems using it are refused from now."))
        return redirect("api_tokens")
    if request.method == "POST" and form.is_valid():
        name = form.cleaned_data["name"]
        if ApiToken.objects.filter(user=request.user, name=name).exists():
            form.add_error("name", _("You already have a token with that name."))
        else:
            _token, new_key = ApiToken.issue(user=request.user, name=name)
            form = ApiTokenForm()
    return render(
        request,
        "alignment/api_tokens.html",
        {
            "tokens": request.user.api_tokens.all(),
            "form": form,
            "new_key": new_key,
        },
        status=400 if form.errors else 200,
    )
