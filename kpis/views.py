"""Pages of the KPI app: the board, a KPI, recording and uploading measurements, interventions."""

from __future__ import annotations

import csv
import json
import zipfile
from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from okrplatform.history import history_response
from okrplatform.http import HtmxHttpRequest
from okrplatform.org.access import access_for
from okrplatform.org.selectors import top_unit_for

from . import importing
from .filters import KPIFilter
from .forms import UploadForm
from .models import KPI, DataSource
from .selectors import (
    board_order,
    sparkline_values,
    trend_of,
    visible_kpis,
)
from .services import MeasurementInput, measurements_save

BOARD_PAGE_SIZE = 50
KPI_PAGE = "kpis/kpi_detail.html"
UPLOAD_SESSION_KEY = "kpi-upload"


@login_required
@require_GET
def kpi_board(request: HtmxHttpRequest) -> HttpResponse:
    """Every KPI of a unit (and below), exceptions first, with trend and sparkline."""
    data = request.GET.copy()
    if not data.get("unit"):
        top = top_unit_for(access_for(request.user))
        data.setdefault("unit", str(top.pk) if top else "")
        data.setdefault("below", "on")
    board = KPIFilter(data, queryset=visible_kpis(request.user), request=request)
    unit = board.form.cleaned_data.get("unit") if board.form.is_valid() else None
    if unit is not None and not request.user.has_perm("alignment.see_unit", unit):
        raise PermissionDenied
    if unit is not None:
        _offer_nearby_units(board, unit, request)
    page = Paginator(board_order(board.qs), BOARD_PAGE_SIZE).get_page(request.GET.get("page"))
    kpis = list(page.object_list)
    _offer_owners_on_the_page(board, kpis)
    values = sparkline_values(kpis)
    rows = [
        {"kpi": kpi, "values": values[kpi.pk], "trend": trend_of(kpi, values[kpi.pk])}
        for kpi in kpis
    ]
    query = data.copy()
    query.pop("page", None)
    return render(
        request,
        "kpis/kpi_board.html",
        {"filter": board, "unit": unit, "rows": rows, "page": page, "query": query.urlencode()},
    )


def _offer_owners_on_the_page(board: KPIFilter, kpis: list[KPI]) -> None:
    """Offer the owners of the KPIs shown (and the one chosen), not everyone who owns a KPI:
    in a large organisation that is a select of a thousand people nobody scrolls through."""
    field = board.form.fields["owner"]
    chosen = board.form.cleaned_data.get("owner") if board.form.is_valid() else None
    owners = {kpi.owner.pk: kpi.owner for kpi in kpis if kpi.owner is not None}
    if chosen is not None:
        owners[chosen.pk] = chosen
    people = sorted(owners.values(), key=lambda person: (str(person).lower(), person.pk))
    field.widget.choices = [("", field.empty_label or ""), *((p.pk, str(p)) for p in people)]


def _offer_nearby_units(board: KPIFilter, unit, request: HtmxHttpRequest) -> None:
    """Offer the units above and right below the chosen one, not every unit: a select of a
    thousand options costs more to render than the whole rest of the board."""
    access = access_for(request.user)
    children = access.restrict(unit.children.order_by("name"), within=unit.pk)
    nearby = [*unit.ancestors(), unit, *children]
    board.form.fields["unit"].widget.choices = [
        (other.pk, ("— " * (1 if other.parent_id == unit.pk else 0)) + other.name)
        for other in nearby
    ]


@login_required
@require_http_methods(["GET", "POST"])
def measurement_upload(request: HtmxHttpRequest) -> HttpResponse:
    """Upload many measurements: a preview with every problem by row and column, then confirm."""
    if request.method == "POST" and "confirm" in request.POST:
        return _confirm_upload(request)
    form = UploadForm(*((request.POST, request.FILES) if request.method == "POST" else ()))
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            records = importing.read_rows(uploaded, uploaded.name)
        except (ValueError, UnicodeDecodeError, csv.Error, zipfile.BadZipFile) as error:
            form.add_error(
                "file", _("This file cannot be read as CSV or XLSX: %(error)s") % {"error": error}
            )
            return render(request, "kpis/measurement_upload.html", context)
        rows, problems = importing.preview(
            records,
            user=request.user,
            decimal_separator=form.cleaned_data["decimal_separator"],
        )
        context.update({"rows": rows, "problems": problems, "previewed": True})
        if not problems:
            request.session[UPLOAD_SESSION_KEY] = json.dumps(
                [
                    [
                        row.item.kpi.pk,
                        row.item.period.isoformat(),
                        str(row.item.value),
                        row.item.note,
                    ]
                    for row in rows
                ]
            )
    return render(request, "kpis/measurement_upload.html", context)


def _confirm_upload(request: HtmxHttpRequest) -> HttpResponse:
    stored = request.session.pop(UPLOAD_SESSION_KEY, None)
    if not stored:
        messages.error(request, _("Nothing to save: upload the file again."))
        return redirect("measurement_upload")
    rows = json.loads(stored)
    kpis = {kpi.pk: kpi for kpi in KPI.objects.filter(pk__in={row[0] for row in rows})}
    for kpi in kpis.values():  # rights may have changed since the preview
        if not request.user.has_perm("kpis.record_measurement", kpi):
            raise PermissionDenied
    report = measurements_save(
        items=[
            MeasurementInput(kpis[kpi_id], date.fromisoformat(period), Decimal(value), note)
            for kpi_id, period, value, note in rows
        ],
        source=DataSource.IMPORT,
        recorded_by=request.user,
    )
    messages.success(
        request,
        ngettext(
            "Saved: %(created)d new value, %(updated)d changed, %(unchanged)d already there.",
            "Saved: %(created)d new values, %(updated)d changed, %(unchanged)d already there.",
            len(report.created),
        )
        % {
            "created": len(report.created),
            "updated": len(report.updated),
            "unchanged": report.unchanged,
        },
    )
    return redirect("kpi_board")


@login_required
@require_GET
def kpi_history(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Who changed the KPI's definition, target or thresholds, what and when."""
    kpi = get_object_or_404(KPI, pk=pk)
    if not request.user.has_perm("kpis.see_kpi", kpi):
        raise PermissionDenied
    return history_response(
        request,
        title=kpi.name,
        back_url=reverse("kpi_detail", args=[pk]),
        record_sets=[kpi.history.all()],
    )
