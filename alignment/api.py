"""The REST API of the alignment app: a unit's figures for a cycle, for BI and other systems."""

from __future__ import annotations

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import renderers, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kpis.health import Health
from kpis.models import KPI
from objectives.models import Cycle
from okrplatform.api import Link, SelfLink

from .access import access_for
from .models import OrgUnit, Tension, UnitRollup
from .selectors import default_cycle, in_subtree_of
from .tensions import tension_decide


class PassthroughRenderer(renderers.BaseRenderer):
    """Files answered as they are (the export), whatever the client accepts."""

    media_type = "*/*"
    format = "file"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class NamedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class StatusCountsSerializer(serializers.Serializer):
    on_track = serializers.IntegerField()
    at_risk = serializers.IntegerField()
    off_track = serializers.IntegerField()
    no_progress = serializers.IntegerField()


class HealthCountsSerializer(serializers.Serializer):
    on_target = serializers.IntegerField()
    warning = serializers.IntegerField()
    critical = serializers.IntegerField()
    stale = serializers.IntegerField()
    no_data = serializers.IntegerField()


class UnitSummarySerializer(serializers.Serializer):
    unit = NamedSerializer()
    cycle = NamedSerializer()
    rollup = serializers.FloatField(
        allow_null=True, help_text="Mean progress (0–1) of the objectives of the unit and below."
    )
    alignment_index = serializers.FloatField(
        allow_null=True, help_text="Share (0–1) of those objectives that are aligned."
    )
    objective_count = serializers.IntegerField()
    aligned_count = serializers.IntegerField()
    objectives_by_status = StatusCountsSerializer()
    kpi_count = serializers.IntegerField()
    kpis_by_health = HealthCountsSerializer()
    computed_at = serializers.DateTimeField(allow_null=True)


def unit_summary(unit: OrgUnit, cycle: Cycle) -> dict:
    """The unit's stored rollup for the cycle and the health of the KPIs of its subtree."""
    rollup = UnitRollup.objects.filter(unit=unit, cycle=cycle).first()
    health = dict.fromkeys(Health.values, 0)
    health.update(
        KPI.objects.filter(unit_id__in=in_subtree_of(unit), is_active=True)
        .values_list("health")
        .annotate(count=Count("pk"))
        .order_by()
    )
    return {
        "unit": {"id": unit.pk, "code": unit.code, "name": unit.name},
        "cycle": {"id": cycle.pk, "code": cycle.code, "name": cycle.name},
        "rollup": rollup.progress if rollup else None,
        "alignment_index": rollup.alignment_index if rollup else None,
        "objective_count": rollup.objective_count if rollup else 0,
        "aligned_count": rollup.aligned_count if rollup else 0,
        "objectives_by_status": {
            "on_track": rollup.on_track_count if rollup else 0,
            "at_risk": rollup.at_risk_count if rollup else 0,
            "off_track": rollup.off_track_count if rollup else 0,
            "no_progress": rollup.no_progress_count if rollup else 0,
        },
        "kpi_count": sum(health.values()),
        "kpis_by_health": health,
        "computed_at": rollup.computed_at if rollup else None,
    }


class UnitSummaryView(APIView):
    @extend_schema(
        summary="A unit's figures for a cycle",
        description=(
            "Rollup progress, alignment index and objectives by status of the unit and every "
            "unit below it, and the health of their KPIs. Without `cycle`, the current quarter."
        ),
        parameters=[OpenApiParameter("cycle", OpenApiTypes.INT, required=False)],
        responses=UnitSummarySerializer,
    )
    def get(self, request: Request, pk: int) -> Response:
        unit = get_object_or_404(OrgUnit, pk=pk)
        if not request.user.has_perm("alignment.see_unit", unit):
            raise PermissionDenied(_("You do not see this unit."))
        return Response(UnitSummarySerializer(unit_summary(unit, _cycle(request))).data)


def _cycle(request: Request) -> Cycle:
    raw = request.query_params.get("cycle")
    if raw is None or raw == "":
        cycle = default_cycle()
        if cycle is None:
            raise ValidationError({"cycle": [_("There is no cycle yet.")]})
        return cycle
    if not raw.isdigit() or not (cycle := Cycle.objects.filter(pk=int(raw)).first()):
        raise ValidationError({"cycle": [_("No cycle has the id “%(id)s”.") % {"id": raw}]})
    return cycle


class OrgUnitSerializer(serializers.ModelSerializer):
    url = SelfLink(view_name="orgunit-detail")
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    parent_url = Link(source="parent", view_name="orgunit-detail", read_only=True, allow_null=True)
    lead = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    language = serializers.CharField(
        read_only=True, help_text="The unit's working language, e.g. de; empty if not set."
    )
    summary_url = serializers.SerializerMethodField()

    class Meta:
        model = OrgUnit
        fields = [
            "id",
            "url",
            "code",
            "name",
            "kind",
            "parent",
            "parent_url",
            "lead",
            "country",
            "timezone",
            "language",
            "currency",
            "summary_url",
        ]
        read_only_fields = fields

    def get_summary_url(self, unit: OrgUnit) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("api_unit_summary", args=[unit.pk])
        )


class CycleSerializer(serializers.ModelSerializer):
    url = SelfLink(view_name="cycle-detail")
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    expected_progress = serializers.SerializerMethodField(
        help_text="The elapsed share of the cycle today, 0 to 1."
    )

    class Meta:
        model = Cycle
        fields = [
            "id",
            "url",
            "code",
            "name",
            "kind",
            "parent",
            "start_date",
            "end_date",
            "state",
            "expected_progress",
        ]
        read_only_fields = fields

    def get_expected_progress(self, cycle: Cycle) -> float:
        return round(cycle.expected_progress(), 4)


class OrgUnitFilter(django_filters.FilterSet):
    parent = django_filters.CharFilter(
        field_name="parent__code", label=gettext_lazy("Parent (code)")
    )
    code = django_filters.CharFilter(label=gettext_lazy("Code"))

    class Meta:
        model = OrgUnit
        fields = ["kind", "parent", "code"]


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
class OrgUnitViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = OrgUnit.objects.none()  # for the schema; get_queryset() answers
    serializer_class = OrgUnitSerializer
    filterset_class = OrgUnitFilter
    ordering_fields = ["name", "code", "id"]
    ordering = ["id"]
    object_permissions = {"default": "alignment.see_unit"}

    def get_queryset(self):
        units = OrgUnit.objects.select_related("parent", "lead")
        access = access_for(self.request.user)
        return units if access.sees_every_unit else units.filter(pk__in=access.visible_unit_ids)

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
        from objectives.spreadsheets import export_response

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


@extend_schema_view(
    list=extend_schema(summary="Cycles: plans, years and quarters"),
    retrieve=extend_schema(summary="A cycle"),
)
class CycleViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = CycleSerializer
    queryset = Cycle.objects.select_related("parent").all()
    filterset_fields = ["kind", "state", "code"]
    ordering_fields = ["start_date", "code", "id"]
    ordering = ["start_date", "id"]
    object_permissions = {}


class TensionSerializer(serializers.ModelSerializer):
    url = SelfLink(view_name="tension-detail")
    objective_url = Link(source="objective", view_name="objective-detail", read_only=True)
    kpi = serializers.SlugRelatedField(slug_field="code", read_only=True)
    kpi_url = Link(source="kpi", view_name="kpi-detail", read_only=True)

    class Meta:
        model = Tension
        fields = [
            "id",
            "url",
            "objective",
            "objective_url",
            "key_result",
            "kpi",
            "kpi_url",
            "description",
            "state",
            "trade_off",
            "decision",
            "created_at",
            "decided_at",
        ]
        read_only_fields = fields


class TradeOffSerializer(serializers.Serializer):
    trade_off = serializers.CharField(
        max_length=2000, help_text="Which side gives way, how far, and until when."
    )


@extend_schema_view(
    list=extend_schema(summary="Known conflicts between objectives and KPIs you see"),
    retrieve=extend_schema(summary="A tension"),
)
class TensionViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Tension.objects.none()  # for the schema; get_queryset() answers
    serializer_class = TensionSerializer
    filterset_fields = ["state", "objective", "kpi"]
    ordering_fields = ["created_at", "id"]
    ordering = ["id"]
    object_permissions = {
        "decide": "alignment.decide_tension",
        "default": "alignment.see_tension",
    }

    def get_queryset(self):
        tensions = Tension.objects.select_related("objective", "kpi")
        access = access_for(self.request.user)
        if access.sees_every_unit:
            return tensions
        return tensions.filter(
            Q(objective__unit_id__in=access.visible_unit_ids)
            | Q(kpi__unit_id__in=access.visible_unit_ids)
        )

    @extend_schema(
        request=TradeOffSerializer,
        summary="Decide the trade-off: it becomes a decision on the KPI's chart",
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None) -> Response:
        tension = self.get_object()
        body = TradeOffSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            decided = tension_decide(
                tension=tension, by=request.user, trade_off=body.validated_data["trade_off"]
            )
        except DjangoValidationError as error:
            raise ValidationError(
                error.message_dict if hasattr(error, "error_dict") else error.messages
            ) from None
        return Response(self.get_serializer(decided).data)
