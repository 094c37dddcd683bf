"""The REST API of the alignment app: a unit's figures for a cycle, for BI and other systems."""

from __future__ import annotations

import zoneinfo

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from kpis.health import Health
from kpis.models import KPI
from objectives.api import CycleField
from objectives.models import Cycle, UnitRollup
from objectives.selectors import default_cycle
from objectives.services import cycle_store
from okrplatform.api import (
    LanguageField,
    Link,
    SelfLink,
    StrictCharField,
    VersionedSerializer,
    as_saved,
)
from okrplatform.filters import KEY_PATTERN, KeyOrIdField, KeyOrIdFilter
from okrplatform.org.access import access_for
from okrplatform.org.api import PersonField, UnitField
from okrplatform.org.filters import units_seen
from okrplatform.org.models import OrgUnit
from okrplatform.org.selectors import in_subtree_of
from okrplatform.org.services import org_unit_store


class NamedSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Its id, as in its address.")
    code = StrictCharField(help_text="Its code, e.g. `emea-logistics` or `2026-q4`.")
    name = StrictCharField(help_text="Its name as people read it.")


class StatusCountsSerializer(serializers.Serializer):
    on_track = serializers.IntegerField(help_text="Objectives on track.")
    at_risk = serializers.IntegerField(help_text="Objectives at risk.")
    off_track = serializers.IntegerField(help_text="Objectives off track.")
    no_progress = serializers.IntegerField(
        help_text="Objectives with nothing measured yet (not started or no progress)."
    )


class HealthCountsSerializer(serializers.Serializer):
    on_target = serializers.IntegerField(help_text="KPIs on target.")
    warning = serializers.IntegerField(help_text="KPIs past their warning threshold.")
    critical = serializers.IntegerField(help_text="KPIs past their critical threshold.")
    stale = serializers.IntegerField(help_text="KPIs without a recent measurement.")
    no_data = serializers.IntegerField(help_text="KPIs never measured.")


class UnitSummarySerializer(serializers.Serializer):
    unit = NamedSerializer(help_text="The unit the figures are for (with every unit below it).")
    cycle = NamedSerializer(help_text="The cycle the figures are for.")
    rollup = serializers.FloatField(
        allow_null=True, help_text="Mean progress (0–1) of the objectives of the unit and below."
    )
    alignment_index = serializers.FloatField(
        allow_null=True, help_text="Share (0–1) of those objectives that are aligned."
    )
    objective_count = serializers.IntegerField(
        help_text="The objectives of the unit and below in the cycle (archived ones left out)."
    )
    aligned_count = serializers.IntegerField(help_text="How many of them are aligned.")
    objectives_by_status = StatusCountsSerializer(help_text="Those objectives by status.")
    kpi_count = serializers.IntegerField(help_text="The active KPIs of the unit and below.")
    kpis_by_health = HealthCountsSerializer(help_text="Those KPIs by health.")
    computed_at = serializers.DateTimeField(
        allow_null=True,
        help_text="When the rollup was last computed (ISO 8601, UTC); null when it never was "
        "(the figures are then 0 and null).",
    )


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


CYCLE_PARAMETER = OpenApiParameter(
    "cycle",
    {"type": "string", "pattern": KEY_PATTERN},
    required=False,
    description="The cycle's code (e.g. `2026-q4`) or id; without it, the current quarter. "
    "A cycle nobody has is refused with 400.",
)


class UnitSummaryView(APIView):
    @extend_schema(
        summary="A unit's figures for a cycle",
        description=(
            "Rollup progress, alignment index and objectives by status of the unit and every "
            "unit below it, and the health of their KPIs. Without `cycle`, the current quarter."
        ),
        parameters=[
            CYCLE_PARAMETER,
            OpenApiParameter(
                "id",
                OpenApiTypes.INT,
                OpenApiParameter.PATH,
                description="The unit's id, as in its address (`/api/v1/org-units/{id}/`).",
            ),
        ],
        responses=UnitSummarySerializer,
    )
    def get(self, request: Request, pk: int) -> Response:
        unit = get_object_or_404(OrgUnit, pk=pk)
        if not request.user.has_perm("alignment.see_unit", unit):
            raise PermissionDenied(_("You do not see this unit."))
        return Response(UnitSummarySerializer(unit_summary(unit, _cycle(request))).data)


def _cycle(request: Request) -> Cycle:
    raw = request.query_params.get("cycle")
    if raw is None:
        cycle = default_cycle()
        if cycle is None:
            raise ValidationError({"cycle": [_("There is no cycle yet.")]})
        return cycle
    if not raw.strip():
        raise ValidationError({"cycle": [_("Give a value, or leave the parameter out.")]})
    try:
        return KeyOrIdField(queryset=Cycle.objects.all(), key="code").clean(raw)
    except DjangoValidationError as error:
        raise ValidationError({"cycle": error.messages}) from None


class ParentUnitField(UnitField):
    help = "The code of the unit above; empty only for the top of the organisation."


class OrgUnitSerializer(VersionedSerializer):
    url = SelfLink(view_name="orgunit-detail")
    parent = ParentUnitField(required=False, allow_null=True)
    parent_url = Link(
        source="parent",
        view_name="orgunit-detail",
        read_only=True,
        allow_null=True,
        help_text="The address of the unit above; null at the top of the organisation.",
    )
    lead = PersonField(
        required=False, allow_null=True, help_text="The username of the person who leads it."
    )
    timezone = serializers.ChoiceField(
        choices=[("", ""), *((zone, zone) for zone in sorted(zoneinfo.available_timezones()))],
        required=False,
        allow_blank=True,
        help_text="IANA time zone, e.g. Europe/Berlin; empty if not set.",
    )
    language = LanguageField(
        choices=OrgUnit._meta.get_field("language").choices,
        required=False,
        allow_blank=True,
        help_text="The unit's working language, e.g. de; empty if not set.",
    )
    summary_url = serializers.SerializerMethodField(
        help_text="Its figures for a cycle: rollup, alignment index, objectives and KPIs."
    )

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
            "version",
        ]
        extra_kwargs = {
            "code": {"help_text": "A stable key that bodies and filters name the unit by."},
            "name": {"help_text": "The unit's name."},
            "kind": {"help_text": "company, region, business_unit, department or team."},
            "country": {"help_text": "ISO 3166 country code, e.g. DE; empty if not set."},
            "timezone": {"help_text": "IANA time zone, e.g. Europe/Berlin; empty if not set."},
            "currency": {"help_text": "ISO 4217 currency code, e.g. EUR; empty if not set."},
        }

    def get_summary_url(self, unit: OrgUnit) -> str:
        return self.context["request"].build_absolute_uri(
            reverse("api_unit_summary", args=[unit.pk])
        )

    def validate(self, attrs):
        attrs = super().validate(attrs)
        as_saved(OrgUnit, self.instance, attrs)
        return attrs


class CycleSerializer(VersionedSerializer):
    url = SelfLink(view_name="cycle-detail")
    parent = CycleField(
        required=False,
        allow_null=True,
        help_text="The code of the cycle it lies within (a quarter in a year, a year in a plan).",
    )
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
            "version",
        ]
        extra_kwargs = {
            "code": {"help_text": "A stable key that bodies and filters name the cycle by."},
            "name": {"help_text": "The cycle's name, e.g. Q4 2026."},
            "kind": {"help_text": "multi_year, year or quarter."},
            "start_date": {"help_text": "Its first day."},
            "end_date": {"help_text": "Its last day; after the first."},
            "state": {"help_text": "planning → active → in_review → closed (a record then)."},
        }

    def get_expected_progress(self, cycle: Cycle) -> float:
        return round(cycle.expected_progress(), 4)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        as_saved(Cycle, self.instance, attrs)
        return attrs


class OrgUnitFilter(django_filters.FilterSet):
    parent = KeyOrIdFilter(
        queryset=units_seen,
        label=gettext_lazy("Parent (code or id)"),
        help_text="Units directly below this one: its code, e.g. `emea`, or its id.",
    )
    code = django_filters.CharFilter(label=gettext_lazy("Code"))

    class Meta:
        model = OrgUnit
        fields = ["kind", "parent", "code"]


# Codes the demo organisation (`manage.py load_demo`) does not use yet: creating them succeeds.
class CycleFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(
        choices=Cycle.Kind.choices, help_text="Only cycles of this kind."
    )
    state = django_filters.ChoiceFilter(
        choices=Cycle.State.choices, help_text="Only cycles in this state."
    )
    code = django_filters.CharFilter(help_text="The cycle with this code, e.g. `2026-q4`.")

    class Meta:
        model = Cycle
        fields = ["kind", "state", "code"]


UNIT_EXAMPLE = {
    "code": "emea-cross-border",
    "name": "Cross-Border Parcels EMEA",
    "kind": "team",
    "parent": "emea-logistics",
    "lead": "anna",
    "country": "DE",
    "timezone": "Europe/Berlin",
    "language": "de",
    "currency": "EUR",
}
CYCLE_EXAMPLE = {
    "code": "2027-q2",
    "name": "Q2 2027",
    "kind": "quarter",
    "parent": "fy2027",
    "start_date": "2027-04-01",
    "end_date": "2027-06-30",
    "state": "planning",
}


@extend_schema_view(
    list=extend_schema(summary="The units you see"),
    retrieve=extend_schema(summary="A unit"),
    create=extend_schema(
        summary="Add a unit below one you manage (staff add a top unit)",
        examples=[OpenApiExample("A team", value=UNIT_EXAMPLE, request_only=True)],
    ),
    update=extend_schema(
        summary="Change a unit (managers of the unit above, or staff; send the version)",
        examples=[
            OpenApiExample(
                "A new lead",
                value={**UNIT_EXAMPLE, "lead": "lukas", "version": 1},
                request_only=True,
            )
        ],
    ),
    partial_update=extend_schema(
        summary="Change some fields (managers of the unit above, or staff; send the version)",
        examples=[
            OpenApiExample(
                "Renamed", value={"name": "Last Mile EMEA", "version": 1}, request_only=True
            )
        ],
    ),
)
class OrgUnitViewSet(
    mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet
):
    queryset = OrgUnit.objects.none()  # for the schema; get_queryset() answers
    serializer_class = OrgUnitSerializer
    filterset_class = OrgUnitFilter
    ordering_fields = ["name", "code", "id"]
    ordering = ["id"]
    object_permissions = {
        "update": "alignment.shape_unit",
        "partial_update": "alignment.shape_unit",
        "default": "alignment.see_unit",
    }

    def get_queryset(self):
        units = OrgUnit.objects.select_related("parent", "lead")
        return access_for(self.request.user).restrict(units)

    def _require_place(self, parent: OrgUnit | None) -> None:
        if not self.request.user.has_perm("alignment.shape_unit", OrgUnit(parent=parent)):
            raise PermissionDenied(
                _("Only a manager of %(unit)s places units below it.") % {"unit": parent}
                if parent is not None
                else _("Only staff add a unit at the top of the organisation.")
            )

    def perform_create(self, serializer) -> None:
        self._require_place(serializer.validated_data.get("parent"))
        org_unit_store(serializer=serializer)

    def perform_update(self, serializer) -> None:
        if "parent" in serializer.validated_data:
            self._require_place(serializer.validated_data["parent"])
        org_unit_store(serializer=serializer)


@extend_schema_view(
    list=extend_schema(summary="Cycles: plans, years and quarters"),
    retrieve=extend_schema(summary="A cycle"),
    create=extend_schema(
        summary="Add a cycle (staff)",
        examples=[OpenApiExample("A quarter", value=CYCLE_EXAMPLE, request_only=True)],
    ),
    update=extend_schema(
        summary="Change a cycle (staff; send the version you read)",
        examples=[
            OpenApiExample(
                "Made active",
                value={**CYCLE_EXAMPLE, "state": "active", "version": 1},
                request_only=True,
            )
        ],
    ),
    partial_update=extend_schema(
        summary="Change some fields (staff; send the version you read)",
        examples=[
            OpenApiExample("Closed", value={"state": "closed", "version": 3}, request_only=True)
        ],
    ),
)
class CycleViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = CycleSerializer
    queryset = Cycle.objects.select_related("parent").all()
    filterset_class = CycleFilter
    ordering_fields = ["start_date", "code", "id"]
    ordering = ["start_date", "id"]
    object_permissions = {
        "update": "objectives.manage_cycles",
        "partial_update": "objectives.manage_cycles",
    }

    def perform_create(self, serializer) -> None:
        if not self.request.user.has_perm("objectives.manage_cycles"):
            raise PermissionDenied(_("Only staff add cycles."))
        cycle_store(serializer=serializer)

    def perform_update(self, serializer) -> None:
        cycle_store(serializer=serializer)
