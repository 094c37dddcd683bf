"""The REST API of the alignment app: a unit's figures for a cycle, for BI and other systems."""

from __future__ import annotations

from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kpis.health import Health
from kpis.models import KPI
from objectives.models import Cycle

from .models import OrgUnit, UnitRollup
from .selectors import default_cycle, in_subtree_of


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
