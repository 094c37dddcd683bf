"""Admin for cycles, objectives, key results, check-ins and initiatives."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from import_export.admin import ImportExportMixin

from kpis.admin import KPIAdmin
from kpis.models import KPI
from okrplatform.admin import HistoryAdmin, StyledAdmin, VersionedAdmin
from okrplatform.display import percent, progress_bar, status_badge

from .display import key_result_values
from .models import (
    CatchballMessage,
    CheckIn,
    Cycle,
    Initiative,
    InitiativeContribution,
    Intervention,
    InterventionNote,
    KeyResult,
    KPILink,
    Objective,
    UnitRollup,
)
from .resources import CycleResource, InitiativeResource, KeyResultResource, ObjectiveResource
from .services import objectives_archive, objectives_restore, rollups_refresh_later


class RecomputesRollups:
    """After an admin change, the stored progress, status and unit figures follow."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        rollups_refresh_later()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        rollups_refresh_later()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        rollups_refresh_later()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        rollups_refresh_later()


class ArchivedFilter(admin.SimpleListFilter):
    title = _("archived")
    parameter_name = "archived"

    def lookups(self, request, model_admin):
        return [("no", _("Current")), ("yes", _("Archived"))]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(archived_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(archived_at__isnull=False)
        return queryset


@admin.register(Cycle)
class CycleAdmin(ImportExportMixin, RecomputesRollups, VersionedAdmin):
    resource_classes = [CycleResource]
    list_display = ["name", "kind", "start_date", "end_date", "state", "parent", "expected"]
    list_filter = ["kind", "state"]
    list_select_related = ["parent"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]
    prepopulated_fields = {"code": ["name"]}
    date_hierarchy = "start_date"
    fields = ["name", "code", "kind", "parent", "start_date", "end_date", "state", "version"]

    @admin.display(description=_("expected progress today"))
    def expected(self, cycle: Cycle) -> str:
        return percent(cycle.expected_progress())


class KeyResultInline(admin.TabularInline):
    model = KeyResult
    extra = 0
    fields = [
        "title",
        "owner",
        "metric_type",
        "direction",
        "start_value",
        "target_value",
        "unit_label",
        "weight",
        "driving_kpi",
        "progress_display",
    ]
    readonly_fields = ["progress_display"]
    autocomplete_fields = ["owner", "driving_kpi"]
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("owner", "driving_kpi")

    @admin.display(description=_("progress"))
    def progress_display(self, key_result: KeyResult):
        return progress_bar(key_result.progress, key_result.status, key_result.get_status_display())


class KPILinkInline(admin.TabularInline):
    model = KPILink
    extra = 0
    autocomplete_fields = ["kpi"]
    fields = ["kpi", "kind", "note"]


class CatchballThreadInline(admin.TabularInline):
    """The negotiation is a record: read here, taken turn by turn on the objective's page."""

    model = CatchballMessage
    extra = 0
    fields = ["created_at", "author", "action", "text"]
    readonly_fields = fields
    verbose_name_plural = _("catchball thread")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Objective)
class ObjectiveAdmin(ImportExportMixin, RecomputesRollups, VersionedAdmin):
    resource_classes = [ObjectiveResource]
    list_display = [
        "title",
        "progress_display",
        "status_display",
        "unit",
        "cycle",
        "owner",
        "level",
        "aligned_display",
    ]
    list_filter = [
        "cycle",
        "level",
        "perspective",
        "status",
        "kind",
        "is_aligned",
        "catchball",
        ArchivedFilter,
        ("unit", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["unit", "cycle", "owner", "grade"]
    search_fields = [
        "title",
        "description",
        "unit__name",
        "owner__first_name",
        "owner__last_name",
        "owner__username",
    ]
    autocomplete_fields = ["parent", "unit", "owner", "cycle", "supports", "deployed_from"]
    readonly_fields = [
        "progress_display",
        "status_display",
        "aligned_display",
        "archived_at",
        "catchball",
    ]
    inlines = [KeyResultInline, KPILinkInline, CatchballThreadInline]
    actions = ["archive", "restore"]
    fieldsets = [
        (None, {"fields": ["title", "description", "unit", "owner", "cycle", "version"]}),
        (_("Kind"), {"fields": ["level", "kind", "perspective"]}),
        (
            _("Alignment"),
            {
                "fields": [
                    "parent",
                    "supports",
                    "deployed_from",
                    "progress_source",
                    "weight",
                    "catchball",
                ]
            },
        ),
        (
            _("Where it stands"),
            {"fields": ["progress_display", "status_display", "aligned_display", "archived_at"]},
        ),
    ]

    @admin.display(description=_("progress"), ordering="progress")
    def progress_display(self, objective: Objective):
        return progress_bar(objective.progress, objective.status, objective.get_status_display())

    @admin.display(description=_("status or grade"), ordering="status")
    def status_display(self, objective: Objective):
        grade = getattr(objective, "grade", None)
        if objective.cycle.is_closed and grade is not None:
            verdict = _("success") if grade.is_success else _("missed")
            return status_badge(
                "success" if grade.is_success else "miss",
                _("Grade %(score)s · %(verdict)s") % {"score": grade.score, "verdict": verdict},
            )
        return status_badge(objective.status, objective.get_status_display())

    @admin.display(description=_("aligned"), ordering="is_aligned")
    def aligned_display(self, objective: Objective):
        if objective.is_aligned:
            return status_badge("on_track", _("Aligned"))
        return status_badge("at_risk", _("Not aligned"))

    @admin.action(description=_("Archive: leave rollups, keep in history"))
    def archive(self, request: HttpRequest, queryset: QuerySet[Objective]) -> None:
        count = objectives_archive(objectives=queryset)
        self.message_user(
            request,
            ngettext("%(count)d objective archived.", "%(count)d objectives archived.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    @admin.action(description=_("Restore from the archive"))
    def restore(self, request: HttpRequest, queryset: QuerySet[Objective]) -> None:
        count = objectives_restore(objectives=queryset)
        self.message_user(
            request,
            ngettext("%(count)d objective restored.", "%(count)d objectives restored.", count)
            % {"count": count},
            messages.SUCCESS,
        )


class CheckInHistoryInline(admin.TabularInline):
    """Past check-ins are a record, shown read-only; a new one can be added below them."""

    model = CheckIn
    extra = 0
    fields = ["created_at", "value", "confidence", "note", "author", "source"]
    readonly_fields = ["created_at", "author", "source"]
    ordering = ["-created_at"]
    verbose_name_plural = _("check-in history, newest first")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(KeyResult)
class KeyResultAdmin(ImportExportMixin, RecomputesRollups, VersionedAdmin):
    resource_classes = [KeyResultResource]
    list_display = [
        "title",
        "progress_display",
        "status_display",
        "current",
        "confidence",
        "objective",
        "owner",
        "last_check_in_at",
    ]
    list_filter = [
        "objective__cycle",
        "status",
        "metric_type",
        "direction",
        ("objective__unit", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["objective", "owner"]
    search_fields = [
        "title",
        "objective__title",
        "owner__first_name",
        "owner__last_name",
        "owner__username",
    ]
    autocomplete_fields = ["objective", "owner", "driving_kpi"]
    readonly_fields = ["current_value", "last_check_in_at", "progress_display", "status_display"]
    inlines = [CheckInHistoryInline]
    fieldsets = [
        (None, {"fields": ["objective", "title", "owner", "version"]}),
        (
            _("Measure"),
            {
                "fields": [
                    "metric_type",
                    "unit_label",
                    "direction",
                    "start_value",
                    "target_value",
                    "weight",
                    "driving_kpi",
                ]
            },
        ),
        (
            _("Where it stands"),
            {
                "fields": [
                    "current_value",
                    "confidence",
                    "last_check_in_at",
                    "progress_display",
                    "status_display",
                ]
            },
        ),
    ]

    @admin.display(description=_("progress"), ordering="progress")
    def progress_display(self, key_result: KeyResult):
        return progress_bar(key_result.progress, key_result.status, key_result.get_status_display())

    @admin.display(description=_("status"), ordering="status")
    def status_display(self, key_result: KeyResult):
        return status_badge(key_result.status, key_result.get_status_display())

    @admin.display(description=_("current → target"))
    def current(self, key_result: KeyResult):
        return key_result_values(key_result)

    def save_formset(self, request, form, formset, change):
        if formset.model is CheckIn:
            for check_in in formset.save(commit=False):
                check_in.author = request.user
                check_in.save()
            return
        super().save_formset(request, form, formset, change)


@admin.register(CheckIn)
class CheckInAdmin(RecomputesRollups, StyledAdmin):
    """Check-ins are append-only: they can be added here, never changed or deleted."""

    list_display = ["key_result", "value", "confidence", "author", "source", "created_at"]
    list_filter = ["source", "key_result__objective__cycle", "confidence"]
    list_select_related = ["key_result", "author"]
    search_fields = ["key_result__title", "note", "author__username", "author__last_name"]
    autocomplete_fields = ["key_result"]
    date_hierarchy = "created_at"
    fields = ["key_result", "value", "confidence", "note", "author", "source", "created_at"]
    readonly_fields = ["author", "source", "created_at"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        obj.author = request.user
        super().save_model(request, obj, form, change)


class InitiativeContributionInline(admin.TabularInline):
    model = InitiativeContribution
    extra = 0
    autocomplete_fields = ["key_result"]


@admin.register(Initiative)
class InitiativeAdmin(ImportExportMixin, VersionedAdmin):
    resource_classes = [InitiativeResource]
    list_display = ["title", "unit", "cycle", "owner", "state", "due_date"]
    list_filter = ["state", "cycle", ("unit", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["unit", "cycle", "owner"]
    search_fields = ["title", "description"]
    autocomplete_fields = ["unit", "owner", "cycle"]
    inlines = [InitiativeContributionInline]
    fields = [
        "title",
        "description",
        "unit",
        "owner",
        "cycle",
        "state",
        "start_date",
        "due_date",
        "version",
    ]


@admin.register(InitiativeContribution)
class InitiativeContributionAdmin(StyledAdmin):
    list_display = ["initiative", "key_result", "strength"]
    list_filter = ["strength"]
    list_select_related = ["initiative", "key_result"]
    search_fields = ["initiative__title", "key_result__title"]
    autocomplete_fields = ["initiative", "key_result"]


@admin.register(UnitRollup)
class UnitRollupAdmin(StyledAdmin):
    """Computed by the rollups: readable here, never edited by hand."""

    list_display = [
        "unit",
        "cycle",
        "progress_display",
        "alignment",
        "objective_count",
        "on_track_count",
        "at_risk_count",
        "off_track_count",
        "computed_at",
    ]
    list_filter = ["cycle", ("unit", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["unit", "cycle"]
    search_fields = ["unit__name"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    @admin.display(description=_("rollup"), ordering="progress")
    def progress_display(self, rollup: UnitRollup):
        return progress_bar(rollup.progress)

    @admin.display(description=_("alignment index"), ordering="alignment_index")
    def alignment(self, rollup: UnitRollup):
        return percent(rollup.alignment_index)


class KPILinkInline(admin.TabularInline):
    model = KPILink
    extra = 0
    autocomplete_fields = ["objective"]
    fields = ["objective", "kind", "note"]


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


class KPIWithLinksAdmin(KPIAdmin):
    """The KPI app's admin, with the objectives each KPI leads or guards: links live on this
    floor, so it is this floor that adds them."""

    inlines = [*KPIAdmin.inlines, KPILinkInline]


admin.site.unregister(KPI)
admin.site.register(KPI, KPIWithLinksAdmin)
