"""Admin for KPIs, their measurements and links, and the interventions they open."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ImportExportMixin

from okrplatform.admin import HistoryAdmin, VersionedAdmin
from okrplatform.display import number, status_badge

from .health import period_start
from .models import KPI, DataSource, Measurement
from .resources import KPIResource, MeasurementResource
from .services import MeasurementInput, kpis_refresh, measurement_record, measurements_save


def _kpi_ids(objects) -> set[int]:
    return {obj.pk if isinstance(obj, KPI) else obj.kpi_id for obj in objects}


class EvaluatesHealth:
    """After an admin change, each KPI's stored latest value and health follow at once (the
    admin's save is one transaction, which the floors above join)."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        kpis_refresh(kpi_ids=_kpi_ids([form.instance]))

    def delete_model(self, request, obj):
        kpi_ids = _kpi_ids([obj])
        super().delete_model(request, obj)
        kpis_refresh(kpi_ids=kpi_ids if isinstance(obj, Measurement) else set())

    def delete_queryset(self, request, queryset):
        kpi_ids = _kpi_ids(queryset)
        super().delete_queryset(request, queryset)
        kpis_refresh(kpi_ids=kpi_ids if queryset.model is Measurement else set())


class RecentMeasurementInline(admin.TabularInline):
    """The last 13 months; older values are on the measurement list. Saved through the same
    service as every other entry point (see KPIAdmin.save_formset)."""

    model = Measurement
    extra = 1
    fields = ["period", "value", "note", "source"]
    ordering = ["-period"]
    verbose_name_plural = _("measurements of the last 13 months")

    def get_queryset(self, request):
        since = timezone.localdate() - timedelta(days=400)
        return super().get_queryset(request).filter(period__gte=since)


def health_badge(kpi: KPI):
    return status_badge(kpi.health, kpi.get_health_display())


@admin.register(KPI)
class KPIAdmin(ImportExportMixin, EvaluatesHealth, VersionedAdmin):
    resource_classes = [KPIResource]
    list_display = [
        "name",
        "health_display",
        "latest",
        "target",
        "unit",
        "owner",
        "frequency",
        "indicator",
    ]
    list_filter = [
        "health",
        "perspective",
        "indicator",
        "frequency",
        "direction",
        "source",
        ("unit", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["unit", "owner"]
    search_fields = ["name", "code", "definition"]
    autocomplete_fields = ["unit", "owner"]
    readonly_fields = ["latest_value", "latest_period", "health_display"]
    prepopulated_fields = {"code": ["name"]}
    inlines = [RecentMeasurementInline]  # objectives' admin adds the KPI's links
    actions = ["reevaluate"]
    fieldsets = [
        (None, {"fields": ["name", "code", "definition", "unit", "owner", "version"]}),
        (
            _("Measure"),
            {
                "fields": [
                    "unit_label",
                    "direction",
                    "frequency",
                    "target",
                    "warning_threshold",
                    "critical_threshold",
                ]
            },
        ),
        (_("Kind"), {"fields": ["indicator", "perspective", "source", "is_active"]}),
        (_("Where it stands"), {"fields": ["latest_value", "latest_period", "health_display"]}),
    ]

    @admin.display(description=_("health"), ordering="health")
    def health_display(self, kpi: KPI):
        return health_badge(kpi)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Measurement:
            super().save_formset(request, form, formset, change)
            return
        measurements = formset.save(commit=False)
        for deleted in formset.deleted_objects:
            deleted.delete()
        measurements_save(
            items=[
                MeasurementInput(kpi=form.instance, period=m.period, value=m.value, note=m.note)
                for m in measurements
            ],
            source=DataSource.MANUAL,
            recorded_by=request.user,
        )

    @admin.display(description=_("latest"), ordering="latest_value")
    def latest(self, kpi: KPI):
        if kpi.latest_value is None:
            return "—"
        return f"{number(kpi.latest_value)} {kpi.unit_label}".strip()

    @admin.action(description=_("Re-evaluate health now"))
    def reevaluate(self, request, queryset):
        kpis_refresh(kpi_ids=_kpi_ids(queryset))
        self.message_user(
            request,
            ngettext(
                "Health of %(count)d KPI is being re-evaluated.",
                "Health of %(count)d KPIs is being re-evaluated.",
                queryset.count(),
            )
            % {"count": queryset.count()},
            messages.SUCCESS,
        )


@admin.register(Measurement)
class MeasurementAdmin(ImportExportMixin, EvaluatesHealth, HistoryAdmin):
    resource_classes = [MeasurementResource]
    """Measurements saved here go through the same service as the KPI page and the API."""

    list_display = ["kpi", "period", "value", "source", "recorded_by", "recorded_at"]
    list_filter = ["source", "kpi__frequency", ("kpi__unit", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["kpi", "recorded_by"]
    search_fields = ["kpi__name", "kpi__code", "note"]
    autocomplete_fields = ["kpi"]
    date_hierarchy = "period"
    readonly_fields = ["recorded_by", "recorded_at"]

    def get_readonly_fields(self, request, obj=None):
        # A value belongs to its KPI and period; record another period instead of moving it.
        return [*self.readonly_fields, "kpi", "period"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        report = measurement_record(
            kpi=obj.kpi,
            period=obj.period,
            value=obj.value,
            note=obj.note,
            source=obj.source,
            recorded_by=request.user,
        )
        saved = [*report.created, *report.updated]
        obj.pk = (
            saved[0].pk
            if saved
            else Measurement.objects.get(
                kpi=obj.kpi, period=period_start(obj.period, obj.kpi.frequency)
            ).pk
        )
