"""Spreadsheet exchange: export a unit's OKRs and KPIs, import them back with a preview."""

from __future__ import annotations

import csv
import json
import zipfile
from datetime import date, datetime
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from objectives.scope import requested_cycle
from okrplatform.http import HtmxHttpRequest
from okrplatform.org.access import access_for
from okrplatform.org.models import OrgUnit
from okrplatform.org.scope import visible_unit
from okrplatform.org.selectors import top_unit_for

from . import spreadsheets
from .forms import SpreadsheetImportForm
from .spreadsheets import export_response

IMPORT_PAGE = "objectives/spreadsheet_import.html"
IMPORT_SESSION_KEY = "okr-import"


def _portable(value) -> str:
    """A spreadsheet cell as text that survives the session and reads back the same."""
    if value is None:
        return ""
    if isinstance(value, float):
        value = Decimal(str(value))
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, date | datetime):
        return value.isoformat()[:10] if isinstance(value, datetime) else value.isoformat()
    return str(value)


@login_required
@require_http_methods(["GET", "POST"])
def spreadsheet_import(request: HtmxHttpRequest) -> HttpResponse:
    """Import OKRs and KPIs from a spreadsheet: a preview of what changes, then confirm."""
    access = access_for(request.user)
    if not (access.sees_everything or access.managed_unit_ids):
        raise PermissionDenied
    if request.method == "POST" and "confirm" in request.POST:
        return _confirm_import(request)
    form = SpreadsheetImportForm(
        *((request.POST, request.FILES) if request.method == "POST" else ())
    )
    # An export of the person's own unit is a file in exactly the format this page reads.
    managed = OrgUnit.objects.filter(pk__in=access.managed_unit_ids).order_by("pk").first()
    context = {"form": form, "export_unit": managed or top_unit_for(access)}
    if request.method == "POST" and form.is_valid():
        uploaded = form.cleaned_data["file"]
        try:
            sheets = spreadsheets.read_spreadsheet(uploaded, uploaded.name)
        except (ValueError, UnicodeDecodeError, csv.Error, zipfile.BadZipFile, KeyError) as error:
            form.add_error(
                "file", _("This file cannot be read as CSV or XLSX: %(error)s") % {"error": error}
            )
            return render(request, IMPORT_PAGE, context, status=400)
        separator = form.cleaned_data["decimal_separator"]
        plan = spreadsheets.plan_import(sheets, request.user, separator)
        context.update({"plan": plan, "previewed": True})
        if not plan.problems:
            request.session[IMPORT_SESSION_KEY] = json.dumps(
                {
                    "separator": separator,
                    "sheets": {
                        name: [
                            records[0],
                            *(
                                {key: _portable(value) for key, value in record.items()}
                                | {"_row": record["_row"]}
                                for record in records[1:]
                            ),
                        ]
                        for name, records in sheets.items()
                    },
                }
            )
    return render(
        request,
        IMPORT_PAGE,
        context,
        status=400 if context.get("plan") and context["plan"].problems else 200,
    )


def _confirm_import(request: HtmxHttpRequest) -> HttpResponse:
    stored = request.session.pop(IMPORT_SESSION_KEY, None)
    if not stored:
        messages.error(request, _("Nothing to import: upload the file again."))
        return redirect("spreadsheet_import")
    stored = json.loads(stored)
    # Planned again: rights and data may have changed since the preview.
    plan = spreadsheets.plan_import(stored["sheets"], request.user, stored["separator"])
    if plan.problems:
        return render(
            request,
            IMPORT_PAGE,
            {"form": SpreadsheetImportForm(), "plan": plan, "previewed": True},
            status=400,
        )
    spreadsheets.apply_import(plan)
    messages.success(
        request,
        _("Imported: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
        % {"created": plan.created, "updated": plan.updated, "unchanged": plan.unchanged},
    )
    return redirect("organisation")


@login_required
@require_GET
def unit_export(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The unit's OKRs and KPIs for a cycle and the cycles within it, as XLSX (both sheets) or,
    with ``file=csv``, as CSV (``sheet=okrs`` or ``kpis``), in the shape the importer reads."""
    unit = visible_unit(request, pk)
    fmt = "csv" if request.GET.get("file") == "csv" else "xlsx"
    sheet = "kpis" if request.GET.get("sheet") == "kpis" else "okrs"
    return export_response(unit, requested_cycle(request), request.user, fmt, sheet)
