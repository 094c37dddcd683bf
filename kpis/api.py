"""The REST API of KPIs, measurements and interventions.

Measurements from other systems come in one at a time or in batches of up to 10,000 that name
KPIs by their code. A batch is atomic: one bad item and nothing is saved, every bad item named by
its index and field. Sending the same batch again changes nothing.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ParseError, PermissionDenied
from rest_framework.response import Response

from okrplatform.api import (
    Link,
    ModelSerializer,
    NumberField,
    SelfLink,
    StrictCharField,
    StringKey,
    VersionedSerializer,
    as_saved,
    parse_number,
    reaches_archived,
)
from okrplatform.org.access import access_for
from okrplatform.org.api import PersonField, UnitField
from okrplatform.org.api_cache import CachedListMixin

from .filters import KPIApiFilter, MeasurementFilter
from .health import period_start
from .models import KPI, DataSource, Measurement
from .selectors import trend_of
from .services import (
    MeasurementInput,
    kpi_archive,
    kpi_restore,
    kpi_store,
    measurements_ingest,
    measurements_save,
)

BULK_LIMIT = 10_000
TREND_CODES = ["improving", "worsening", "steady", "unknown"]
# Measurement.value is numeric(20, 4).
MAX_DECIMALS, MAX_WHOLE_DIGITS = 4, 15  # as NumberField: 10 ** 15 at most


class KPISerializer(VersionedSerializer):
    url = SelfLink(view_name="kpi-detail")
    unit = UnitField(help_text="The code of the unit the KPI belongs to.")
    owner = PersonField(
        required=False, allow_null=True, help_text="The username of the person who answers for it."
    )
    health_label = StrictCharField(
        source="health_words",
        read_only=True,
        help_text="The health in words: target met, within tolerance, warning, critical, stale.",
    )
    trend = serializers.SerializerMethodField(
        help_text="Where the last two measurements point, direction-aware: improving, "
        "worsening, steady, or unknown with fewer than two."
    )
    trend_label = serializers.SerializerMethodField(
        help_text="The trend in words, in the reader's language."
    )
    archived = serializers.SerializerMethodField(
        help_text="Archived KPIs (`DELETE`) leave the board, the figures and their own route; "
        "their measurements stay. The list with `archived=true` holds them and "
        "`POST …/restore/` brings them back."
    )

    class Meta:
        model = KPI
        fields = [
            "id",
            "url",
            "code",
            "name",
            "definition",
            "unit",
            "owner",
            "unit_label",
            "direction",
            "frequency",
            "target",
            "warning_threshold",
            "critical_threshold",
            "indicator",
            "perspective",
            "source",
            "is_active",
            "archived",
            "latest_value",
            "latest_period",
            "health",
            "health_label",
            "trend",
            "trend_label",
            "updated_at",
            "version",
        ]
        read_only_fields = [
            "is_active",
            "latest_value",
            "latest_period",
            "health",
            "updated_at",
        ]
        extra_kwargs = {
            "code": {"help_text": "A stable key that other systems use to send measurements."},
            "name": {"help_text": "The KPI's name as people read it."},
            "definition": {"help_text": "What is counted, and how."},
            "unit_label": {"help_text": "The unit of measure, e.g. %, EUR, parcels/day."},
            "direction": {"help_text": "Whether higher or lower values are better."},
            "frequency": {"help_text": "How often it is measured: one value per period."},
            "target": {"help_text": "The value aimed at."},
            "warning_threshold": {"help_text": "Worse than this, the KPI shows a warning."},
            "critical_threshold": {"help_text": "Worse than this, the KPI is critical."},
            "indicator": {"help_text": "Lead (moves before the outcome) or lag (the outcome)."},
            "perspective": {"help_text": "The Balanced Scorecard perspective."},
            "source": {"help_text": "Where its measurements come from."},
            "is_active": {"help_text": "False once archived."},
            "latest_value": {"help_text": "The value of the latest period measured."},
            "latest_period": {"help_text": "The first day of the latest period measured."},
            "health": {"help_text": "From the latest value against the thresholds, or stale."},
            "updated_at": {
                "help_text": "When its definition or latest value last changed (ISO 8601, UTC); "
                "`updated_since` filters by it."
            },
        }

    def _trend(self, kpi: KPI):
        values = [getattr(kpi, "previous_value", None), kpi.latest_value]
        return trend_of(kpi, [value for value in values if value is not None])

    @extend_schema_field(serializers.ChoiceField(choices=TREND_CODES))
    def get_trend(self, kpi: KPI) -> str:
        return self._trend(kpi).code

    def get_trend_label(self, kpi: KPI) -> str:
        return str(self._trend(kpi).label)

    def get_archived(self, kpi: KPI) -> bool:
        return not kpi.is_active

    def validate(self, attrs):
        attrs = super().validate(attrs)
        as_saved(KPI, self.instance, attrs)
        return attrs


class VisibleKPIField(StringKey, serializers.SlugRelatedField):
    """A KPI by its code, among those the person sees: any other is as unknown as a typo."""

    def get_queryset(self):
        return access_for(self.context["request"].user).restrict(KPI.objects.all())


class MeasurementSerializer(ModelSerializer):
    url = SelfLink(view_name="measurement-detail")
    kpi = VisibleKPIField(
        slug_field="code", queryset=KPI.objects.all(), help_text="The KPI's code."
    )
    kpi_url = Link(
        source="kpi",
        view_name="kpi-detail",
        read_only=True,
        help_text="The address of the KPI in the API.",
    )
    period = serializers.DateField(
        help_text="Any day of the period; it is stored as the period's first day."
    )
    value = NumberField(
        max_digits=20,
        decimal_places=4,
        help_text="The KPI's value for the period, in its `unit_label`: a JSON number or a "
        "decimal string (answered as a string with 4 decimals, e.g. `7.8400`).",
    )
    recorded_by = serializers.SlugRelatedField(
        slug_field="username",
        read_only=True,
        allow_null=True,
        help_text="The username of who sent it; null when a system job or the demo did.",
    )

    class Meta:
        model = Measurement
        fields = [
            "id",
            "url",
            "kpi",
            "kpi_url",
            "period",
            "value",
            "note",
            "source",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = ["source", "recorded_by", "recorded_at"]
        extra_kwargs = {
            "note": {"help_text": "What explains the value, e.g. a depot closed; may be empty."},
            "source": {
                "help_text": "How it arrived: `api`, `manual` (entered on the pages) or "
                "`import` (a spreadsheet)."
            },
            "recorded_at": {
                "help_text": "When it was recorded or last changed (ISO 8601, UTC); "
                "`updated_since` filters by it."
            },
        }
        # One per KPI and period is kept by the upsert, not refused: a period sent again
        # updates it, as in the bulk route.
        validators: list = []

    def validate(self, attrs):
        kpi, period = attrs["kpi"], attrs["period"]
        if period_start(period, kpi.frequency) > timezone.localdate():
            raise serializers.ValidationError({"period": _("That period has not started yet.")})
        return attrs


class MeasurementRecordedSerializer(MeasurementSerializer):
    result = serializers.ChoiceField(
        choices=["created", "updated", "unchanged"],
        read_only=True,
        help_text="What sending it did: a new period (201), or a period sent again (200).",
    )

    class Meta(MeasurementSerializer.Meta):
        fields = [*MeasurementSerializer.Meta.fields, "result"]


class BulkItemSerializer(serializers.Serializer):
    kpi = StrictCharField(help_text="The KPI's code: its stable external key.")
    period = serializers.DateField(help_text="Any day of the period, as YYYY-MM-DD.")
    value = NumberField(
        max_digits=20,
        decimal_places=4,
        help_text="The value for the period: a JSON number or a decimal string, e.g. `51200` "
        "or `7.84`; more than 4 decimals are rounded.",
    )
    note = StrictCharField(
        required=False, allow_blank=True, help_text="What explains the value; may be left out."
    )


class BulkRequestSerializer(serializers.Serializer):
    items = BulkItemSerializer(many=True, help_text=f"Up to {BULK_LIMIT:,} measurements.")


class BulkResultSerializer(serializers.Serializer):
    received = serializers.IntegerField(help_text="How many items the batch held.")
    created = serializers.IntegerField(help_text="Periods that had no value yet.")
    updated = serializers.IntegerField(
        help_text="Periods whose value or note changed (the earlier value stays in history)."
    )
    unchanged = serializers.IntegerField(help_text="Periods sent again with the same value.")


class BulkProblemSerializer(serializers.Serializer):
    index = serializers.IntegerField(
        help_text="The item's position in `items`, from 0; -1 for the batch as a whole."
    )
    field = StrictCharField(
        help_text="The item's field at fault: `kpi`, `period`, `value`, `note`, `item` (not "
        "an object) or `items` (the batch)."
    )
    message = StrictCharField(help_text="What is wrong, in words.")


class BulkErrorSerializer(serializers.Serializer):
    detail = StrictCharField(help_text="How many problems, and that nothing was saved.")
    errors = BulkProblemSerializer(many=True, help_text="Every problem, by item and field.")


# How nearly every value arrives: plain digits within the stored precision. Matching the text
# is a tenth of the cost of taking the Decimal apart, for ten thousand items a batch.
PLAIN_NUMBER = re.compile(rf"-?\d{{1,{MAX_WHOLE_DIGITS}}}(\.\d{{1,{MAX_DECIMALS}}})?", re.ASCII)


def _decimal(raw) -> Decimal:
    text = raw.strip() if isinstance(raw, str) else None
    if text is not None and PLAIN_NUMBER.fullmatch(text):
        return Decimal(text)
    try:  # numbers, and strings with more decimals than kept: as the single route takes them
        return parse_number(raw, whole_digits=MAX_WHOLE_DIGITS, decimal_places=MAX_DECIMALS)
    except ValueError:
        raise InvalidOperation from None


def bulk_inputs(items, request) -> tuple[list[MeasurementInput], list[dict]]:
    """Every item checked by hand rather than by a serializer per item: ten thousand of them
    must validate in milliseconds. Three queries, however many items."""
    if not isinstance(items, list):
        return [], [{"index": -1, "field": "items", "message": _("Send a list of items.")}]
    if len(items) > BULK_LIMIT:
        message = _("At most %(max)s items per batch; send the rest in another.") % {
            "max": f"{BULK_LIMIT:,}"
        }
        return [], [{"index": -1, "field": "items", "message": message}]
    codes = {
        code
        for item in items
        if isinstance(item, dict)
        and isinstance(code := item.get("kpi"), str)
        and "\x00" not in code  # no code holds one, and the database refuses to look
    }
    # A KPI the person does not see is unknown to them: the answer must not say it exists.
    seen = access_for(request.user).restrict(KPI.objects.filter(code__in=codes))
    kpis = {kpi.code: kpi for kpi in seen}
    allowed = {
        code for code, kpi in kpis.items() if request.user.has_perm("kpis.record_measurement", kpi)
    }
    today = timezone.localdate()
    inputs, problems = [], []

    def problem(index: int, field: str, message: str) -> None:
        problems.append({"index": index, "field": field, "message": message})

    for index, item in enumerate(items):
        if not isinstance(item, dict):
            problem(index, "item", _("Each item is an object with kpi, period and value."))
            continue
        code = item.get("kpi")
        kpi = kpis.get(code) if isinstance(code, str) else None
        if kpi is None:
            problem(index, "kpi", _("There is no KPI with the code “%(code)s”.") % {"code": code})
        elif code not in allowed:
            problem(index, "kpi", _("You may not record values for “%(kpi)s”.") % {"kpi": kpi})
        try:
            period = date.fromisoformat(item.get("period"))
        except (TypeError, ValueError):
            period = None
            problem(index, "period", _("Write the period as a date: YYYY-MM-DD."))
        try:
            value = _decimal(item.get("value"))
        except (InvalidOperation, ValueError):
            value = None
            problem(
                index,
                "value",
                _("Give a number such as 42 or 7.25, at most 10¹⁵ either way."),
            )
        note = item.get("note", "")
        if not isinstance(note, str) or "\x00" in note:
            problem(index, "note", _("A note is text, without NUL characters."))
            note = ""
        if kpi is not None and period is not None:
            if period_start(period, kpi.frequency) > today:
                problem(index, "period", _("That period has not started yet."))
            elif value is not None and code in allowed:
                inputs.append(MeasurementInput(kpi, period, value, note))
    return inputs, problems


# A code the demo organisation (`manage.py load_demo`) does not use yet: creating it succeeds.
KPI_EXAMPLE = {
    "code": "emea-daily-throughput",
    "name": "Daily delivery throughput",
    "definition": "Parcels delivered per day across the region's depots.",
    "unit": "emea-logistics",
    "owner": "lukas",
    "unit_label": "parcels/day",
    "direction": "higher",
    "frequency": "weekly",
    "target": "12000",
    "warning_threshold": "11000",
    "critical_threshold": "10000",
    "indicator": "lead",
    "perspective": "internal_process",
    "source": "api",
}

ARCHIVED_KPI_IS_GONE = (
    "An archived KPI answers 404 here, as one deleted would: the list with `archived=true` "
    "holds it, and `POST …/restore/` brings it back."
)


@extend_schema_view(
    list=extend_schema(
        summary="KPIs you see, with their latest value, health and trend",
        description="Archived KPIs only with `archived` given.",
    ),
    retrieve=extend_schema(summary="A KPI", description=ARCHIVED_KPI_IS_GONE),
    create=extend_schema(
        summary="Define a KPI (managers of its unit)",
        description="The code must be unused; the thresholds must follow the direction "
        "(higher is better: critical < warning ≤ target; lower is better: the reverse).",
        examples=[OpenApiExample("A weekly lead KPI", value=KPI_EXAMPLE, request_only=True)],
    ),
    update=extend_schema(
        summary="Change a KPI (managers of its unit; send the version you read)",
        description=ARCHIVED_KPI_IS_GONE,
        examples=[
            OpenApiExample(
                "New thresholds",
                value={**KPI_EXAMPLE, "warning_threshold": "11500", "version": 1},
                request_only=True,
            )
        ],
    ),
    partial_update=extend_schema(
        summary="Change some fields (send the version you read)",
        description=ARCHIVED_KPI_IS_GONE,
        examples=[
            OpenApiExample("A new owner", value={"owner": "anna", "version": 1}, request_only=True)
        ],
    ),
    destroy=extend_schema(
        summary="Archive a KPI: it leaves the board, its measurements stay in history",
        description=ARCHIVED_KPI_IS_GONE,
    ),
)
class KPIViewSet(CachedListMixin, viewsets.ModelViewSet):
    queryset = KPI.objects.none()  # for the schema; get_queryset() answers
    serializer_class = KPISerializer
    filterset_class = KPIApiFilter
    ordering_fields = ["name", "code", "health", "updated_at", "id"]
    ordering = ["id"]
    # A page's rows show their unit and owner by their keys, read with the rows (Pagination).
    keys_on_the_page = {"unit": "code", "owner": "username"}
    object_permissions = {
        "update": "kpis.edit_kpi",
        "partial_update": "kpis.edit_kpi",
        "destroy": "kpis.edit_kpi",
        "restore": "kpis.edit_kpi",
        "default": "kpis.see_kpi",
    }

    def get_queryset(self) -> QuerySet[KPI]:
        previous = Measurement.objects.filter(
            kpi=OuterRef("pk"), period__lt=OuterRef("latest_period")
        ).order_by("-period")
        # A page's units and owners are in keys_on_the_page.
        kpis = (
            KPI.objects.all()
            if self.action == "list"
            else KPI.objects.select_related("unit", "owner")
        )
        kpis = kpis.annotate(previous_value=Subquery(previous.values("value")[:1]))
        if not reaches_archived(self):
            kpis = kpis.filter(is_active=True)
        return access_for(self.request.user).restrict(kpis)

    def _require_manager(self, unit) -> None:
        if not self.request.user.has_perm("alignment.manage_unit", unit):
            raise PermissionDenied(
                _("Only a manager of %(unit)s defines its KPIs.") % {"unit": unit}
            )

    def perform_create(self, serializer) -> None:
        self._require_manager(serializer.validated_data["unit"])
        kpi_store(serializer=serializer)

    def perform_update(self, serializer) -> None:
        if "unit" in serializer.validated_data:
            self._require_manager(serializer.validated_data["unit"])
        kpi_store(serializer=serializer)

    def perform_destroy(self, kpi: KPI) -> None:
        kpi_archive(kpi=kpi)

    @extend_schema(
        request=None,
        summary="Bring an archived KPI back onto the board (managers of its unit)",
        description="It answers the KPI, archived or not; its health follows its measurements.",
    )
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None) -> Response:
        kpi = self.get_object()
        kpi_restore(kpi=kpi)
        return Response(self.get_serializer(self.get_queryset().get(pk=kpi.pk)).data)


@extend_schema_view(
    list=extend_schema(summary="Measurements of the KPIs you see"),
    retrieve=extend_schema(summary="A measurement"),
    create=extend_schema(
        summary="Record one measurement, or send a period again",
        description="An upsert keyed by KPI and period, as the bulk route: a new period answers "
        "201 (`result`: created); a period sent again answers 200, `updated` when the value or "
        "note changed (the earlier value stays in history) or `unchanged`. The KPI's health, "
        "the key results it drives and its interventions follow.",
        responses={
            201: MeasurementRecordedSerializer,
            200: MeasurementRecordedSerializer,
        },
        examples=[
            OpenApiExample(
                "A weekly value",
                value={
                    "kpi": "emea-delivery-throughput",
                    "period": "2026-11-16",
                    "value": "11800",
                    "note": "Two depots short-staffed.",
                },
                request_only=True,
            )
        ],
    ),
)
class MeasurementViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Measurement.objects.none()  # for the schema; get_queryset() answers
    serializer_class = MeasurementSerializer
    filterset_class = MeasurementFilter
    ordering_fields = ["period", "recorded_at", "id"]
    ordering = ["id"]
    object_permissions = {}

    def get_queryset(self) -> QuerySet[Measurement]:
        measurements = Measurement.objects.select_related("kpi", "recorded_by")
        return access_for(self.request.user).restrict(measurements)

    def create(self, request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        # Permission before validation: someone who may not record values for this KPI learns
        # nothing about its periods and values.
        code = request.data.get("kpi") if isinstance(request.data, dict) else None
        named = (
            serializer.fields["kpi"].get_queryset().filter(code=code).first()
            if isinstance(code, str) and code and "\x00" not in code  # else is_valid says so
            else None
        )
        if named is not None and not request.user.has_perm("kpis.record_measurement", named):
            raise PermissionDenied(_("You may not record values for this KPI."))
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        report = measurements_save(
            items=[
                MeasurementInput(data["kpi"], data["period"], data["value"], data.get("note", ""))
            ],
            source=DataSource.API,
            recorded_by=request.user,
        )
        stored = Measurement.objects.select_related("kpi", "recorded_by").get(
            kpi=data["kpi"], period=period_start(data["period"], data["kpi"].frequency)
        )
        if report.created:
            result, answer = "created", status.HTTP_201_CREATED
        else:
            result, answer = ("updated" if report.updated else "unchanged"), status.HTTP_200_OK
        return Response({**self.get_serializer(stored).data, "result": result}, status=answer)

    @extend_schema(
        summary="Record up to 10,000 measurements at once",
        description="Atomic: one bad item answers 400 listing every bad item by index and "
        "field, and nothing is saved. Idempotent per KPI and period: sending the same batch "
        "again changes nothing.",
        request=BulkRequestSerializer,
        responses={
            200: BulkResultSerializer,
            400: OpenApiResponse(BulkErrorSerializer, description="Nothing was saved."),
        },
        examples=[
            OpenApiExample(
                "A week of two KPIs",
                value={
                    "items": [
                        {
                            "kpi": "emea-delivery-throughput",
                            "period": "2026-11-16",
                            "value": "51200",
                            "note": "Peak season starts.",
                        },
                        {"kpi": "emea-last-mile-cost", "period": "2026-11-16", "value": "7.84"},
                    ]
                },
                request_only=True,
            )
        ],
    )
    @action(detail=False, methods=["post"])
    def bulk(self, request) -> Response:
        try:
            items = request.data.get("items") if isinstance(request.data, dict) else None
        except ParseError as error:  # answered in the shape the schema promises for a 400
            problem = {"index": -1, "field": "items", "message": str(error.detail)}
            return self._refused([problem])
        inputs, problems = bulk_inputs(items, request)
        if problems:
            return self._refused(problems)
        report = measurements_ingest(items=inputs, source=DataSource.API, recorded_by=request.user)
        return Response(
            {
                "received": len(items),
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
            }
        )

    def _refused(self, problems: list[dict]) -> Response:
        return Response(
            {
                "detail": ngettext(
                    "%(count)d problem; nothing was saved.",
                    "%(count)d problems; nothing was saved.",
                    len(problems),
                )
                % {"count": len(problems)},
                "errors": problems,
            },
            status=status.HTTP_400_BAD_REQUEST,
        )
