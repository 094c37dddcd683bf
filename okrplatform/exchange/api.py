"""The spreadsheet exchange over the API: a unit's OKRs and KPIs as the importer reads them."""

from __future__ import annotations

import csv
import zipfile
from dataclasses import asdict

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import renderers, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from alignment.api import CYCLE_PARAMETER, OrgUnitViewSet, _cycle
from okrplatform.api import StrictCharField
from okrplatform.forms import SpreadsheetUploadForm
from okrplatform.org.access import access_for

from . import spreadsheets
from .spreadsheets import export_response


class PassthroughRenderer(renderers.BaseRenderer):
    """Files answered as they are (the export), whatever the client accepts."""

    media_type = "*/*"
    format = "file"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class ExportQuerySerializer(serializers.Serializer):
    file = serializers.ChoiceField(choices=["xlsx", "csv"], default="xlsx")
    sheet = serializers.ChoiceField(
        choices=["okrs", "kpis"], default="okrs", help_text="For CSV: which of the two sheets."
    )


@extend_schema_view(
    list=extend_schema(summary="The units you see"),
    retrieve=extend_schema(summary="A unit"),
)
class OrgUnitWithExportViewSet(OrgUnitViewSet):
    """The org units' API with the export: the exchange stands above the units it exports."""

    @extend_schema(
        summary="The unit's OKRs and KPIs for a cycle, as the importer reads them",
        parameters=[ExportQuerySerializer, CYCLE_PARAMETER],
        responses={
            (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): bytes,
            (200, "text/csv"): str,
        },
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="export",
        renderer_classes=[renderers.JSONRenderer, PassthroughRenderer],
    )
    def export(self, request, pk=None) -> HttpResponse:
        unit = self.get_object()
        # A plain dict, not the QueryDict: DRF reads an empty form value as "use the default",
        # and ``sheet=`` is a mistake to answer, not a default to apply.
        query = ExportQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        return export_response(
            unit,
            _cycle(request),
            request.user,
            query.validated_data["file"],
            query.validated_data["sheet"],
        )


class OkrImportSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="The spreadsheet: XLSX with an OKRs sheet (one row per key result) and, if "
        "you like, a KPIs sheet; or one of them as CSV. A unit's export has exactly this shape."
    )
    decimal_separator = serializers.ChoiceField(
        choices=[choice for choice, _label in SpreadsheetUploadForm.DECIMAL_CHOICES],
        default="auto",
        help_text="How the numbers are written: `.` (1,234.5), `,` (1.234,5), or `auto` to "
        "work it out from each number.",
    )
    dry_run = serializers.BooleanField(
        default=False,
        help_text="`true`: answer the plan (what would be created, updated and left as it "
        "is) and save nothing; `false`: apply it, all or nothing.",
    )


class ImportChangeSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="The row of the sheet, as the spreadsheet counts.")
    kind = StrictCharField(help_text="objective, key result or KPI, in words.")
    label = StrictCharField(help_text="Which one: its title or code.")
    action = serializers.ChoiceField(
        choices=["create", "update", "unchanged"], help_text="What the import does with it."
    )
    fields = serializers.ListField(
        child=StrictCharField(), help_text="The fields an update changes."
    )
    details = serializers.ListField(
        child=StrictCharField(),
        help_text="Each change in words, as the preview page shows it: “target: 97 → 98”.",
    )


class ImportProblemSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="The row of the sheet (1 is the header).")
    column = StrictCharField(help_text="The column's header; empty for the whole row.")
    message = StrictCharField(help_text="What is wrong, in words.")


class ImportPlanSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField(help_text="Whether this was only the plan.")
    applied = serializers.BooleanField(help_text="Whether the plan was saved (all of it).")
    created = serializers.IntegerField(help_text="Objectives, key results and KPIs new.")
    updated = serializers.IntegerField(help_text="Those that change.")
    unchanged = serializers.IntegerField(help_text="Those left as they are.")
    changes = ImportChangeSerializer(many=True, help_text="Row by row, what the import does.")
    errors = ImportProblemSerializer(
        many=True, help_text="Every problem by row and column; any problem and nothing is saved."
    )


class SpreadsheetImportView(APIView):
    """The OKR spreadsheet import of ``/import/`` as one operation: the plan, then (without a
    dry run) every write of it, or none."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        operation_id="okr_import",
        summary="Import OKRs and KPIs from a spreadsheet (managers), or only plan it",
        description="Objectives match by title, unit and cycle, key results by objective and "
        "title, KPIs by code; nothing the sheet leaves out is deleted. `dry_run=true` answers "
        "the plan the preview page shows and saves nothing. Any problem (an unknown unit or "
        "owner, a unit you may not edit, a target equal to the start, …) answers 400 with "
        "every problem by row and column, and nothing is saved.",
        request={"multipart/form-data": OkrImportSerializer},
        responses={
            200: ImportPlanSerializer,
            400: OpenApiResponse(ImportPlanSerializer, description="Nothing was saved."),
        },
        examples=[
            OpenApiExample(
                "Plan only",
                value={
                    "file": "okrs-emea-2026-q4.xlsx",
                    "decimal_separator": "auto",
                    "dry_run": True,
                },
                request_only=True,
                media_type="multipart/form-data",
            )
        ],
    )
    def post(self, request: Request) -> Response:
        access = access_for(request.user)
        if not (access.sees_everything or access.managed_unit_ids):
            raise PermissionDenied(_("Only managers import OKRs and KPIs."))
        body = OkrImportSerializer(data=request.data)
        if not body.is_valid():
            # The operation's one answer for a refusal is its plan: a missing file or a bad
            # option is a problem of "row 0", named by its field, like an unreadable file.
            problems = [
                {"row": 0, "column": field, "message": str(message)}
                for field, messages in body.errors.items()
                for message in messages
            ]
            dry_run = str(request.data.get("dry_run", "")).lower() in {"true", "1", "on"}
            return Response(_answer(None, dry_run, problems), status=status.HTTP_400_BAD_REQUEST)
        uploaded, dry_run = body.validated_data["file"], body.validated_data["dry_run"]
        try:
            sheets = spreadsheets.read_spreadsheet(uploaded, uploaded.name or "")
        except (ValueError, UnicodeDecodeError, csv.Error, zipfile.BadZipFile, KeyError) as error:
            message = _("This file cannot be read as CSV or XLSX: %(error)s") % {"error": error}
            return Response(
                _answer(None, dry_run, [{"row": 0, "column": "file", "message": message}]),
                status=status.HTTP_400_BAD_REQUEST,
            )
        plan = spreadsheets.plan_import(
            sheets, request.user, body.validated_data["decimal_separator"]
        )
        if plan.problems:
            return Response(_answer(plan, dry_run), status=status.HTTP_400_BAD_REQUEST)
        if not dry_run:
            spreadsheets.apply_import(plan)
        return Response(_answer(plan, dry_run, applied=not dry_run))


def _answer(plan, dry_run: bool, errors: list | None = None, *, applied: bool = False) -> dict:
    problems = errors if errors is not None else [asdict(p) for p in plan.problems]
    changes = plan.changes if plan is not None else []
    return ImportPlanSerializer(
        {
            "dry_run": dry_run,
            "applied": applied,
            "created": plan.created if plan is not None else 0,
            "updated": plan.updated if plan is not None else 0,
            "unchanged": plan.unchanged if plan is not None else 0,
            "changes": [asdict(change) for change in changes],
            "errors": problems,
        }
    ).data
