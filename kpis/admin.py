"""Admin for KPIs, their measurements and links, and the interventions they open."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ImportExportMixin

from objectives.display import number, status_badge
from okrplatform.admin import HistoryAdmin, StyledAdmin, VersionedAdmin

from .health import period_start
from .models import KPI, DataSource, Intervention, InterventionNote, KPILink, Measurement
from .resources import KPIResource, MeasurementResource
from .services import MeasurementInput, measurement_record, measurements_save
from .tasks import evaluate_kpi_health


class EvaluatesHealth:
    """After an admin change, each KPI's stored latest value and health follow."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        evaluate_kpi_health.delay_on_commit()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        evaluate_kpi_health.delay_on_commit()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        evaluate_kpi_health.delay_on_commit()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        evaluate_kpi_health.delay_on_commit()


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


class KPILinkInline(admin.TabularInline):
    model = KPILink
    extra = 0
    autocomplete_fields = ["objective"]
    fields = ["objective", "kind", "note"]


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
    inlines = [RecentMeasurementInline, KPILinkInline]
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
        evaluate_kpi_health.delay_on_commit()
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


@admin.register(KPILink)
class KPILinkAdmin(StyledAdmin):
    list_display = ["kpi", "kind", "objective", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["kpi", "objective"]
    search_fields = ["kpi__name", "objective__title"]
    autocomplete_fields = ["kpi", "objective"]


class InterventionNoteInline(admin.TabularInline):
    model = InterventionNote
    extra = 1
    fields = ["created_at", "author", "text"]
    readonly_fields = ["created_at", "author"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")


@admin.register(Intervention)
class InterventionAdmin(HistoryAdmin):
    list_display = [
        "kpi",
        "objective",
        "state_display",
        "trigger_health",
        "trigger_value",
        "opened_at",
        "recovered_at",
    ]
    list_filter = ["state", "trigger_health"]
    list_select_related = ["kpi", "objective"]
    search_fields = ["kpi__name", "objective__title"]
    autocomplete_fields = ["kpi", "objective", "assignees", "acknowledged_by", "resolved_by"]
    inlines = [InterventionNoteInline]

    @admin.display(description=_("state"), ordering="state")
    def state_display(self, intervention: Intervention):
        code = {"open": "off_track", "acknowledged": "at_risk", "resolved": "on_track"}
        return status_badge(code[intervention.state], intervention.get_state_display())

    def save_formset(self, request, form, formset, change):
        for note in formset.save(commit=False):
            note.author = note.author or request.user
            note.save()
        formset.save_m2m()


@admin.register(InterventionNote)
class InterventionNoteAdmin(StyledAdmin):
    list_display = ["intervention", "author", "created_at", "__str__"]
    list_select_related = ["intervention__kpi", "intervention__objective", "author"]
    search_fields = ["text"]
    autocomplete_fields = ["intervention", "author"]
