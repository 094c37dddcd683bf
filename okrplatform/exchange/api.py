"""The spreadsheet exchange over the API: a unit's OKRs and KPIs as the importer reads them."""

from __future__ import annotations

from django.http import HttpResponse
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import renderers, serializers
from rest_framework.decorators import action

from alignment.api import OrgUnitViewSet, _cycle

from .spreadsheets import export_response


class PassthroughRenderer(renderers.BaseRenderer):
    """Files answered as they are (the export), whatever the client accepts."""

    media_type = "*/*"
    format = "file"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class ExportQuerySerializer(serializers.Serializer):
    cycle = serializers.IntegerField(required=False, help_text="A cycle's id; the current one.")
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
        parameters=[ExportQuerySerializer],
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
        query = ExportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        return export_response(
            unit,
            _cycle(request),
            request.user,
            query.validated_data["file"],
            query.validated_data["sheet"],
        )
