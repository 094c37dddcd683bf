"""Admin for review meetings, decisions and grades."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from okrplatform.admin import HistoryAdmin, StyledAdmin, VersionedAdmin
from okrplatform.display import status_badge

from .models import Decision, KeyResultGrade, ObjectiveGrade, ReviewMeeting


class DecisionInline(admin.StackedInline):
    model = Decision
    extra = 0
    autocomplete_fields = ["decided_by", "kpis", "objectives"]
    fields = ["title", "details", "decided_by", "decided_on", "kpis", "objectives"]


@admin.register(ReviewMeeting)
class ReviewMeetingAdmin(VersionedAdmin):
    list_display = ["title", "unit", "cycle", "scheduled_for", "state", "facilitator"]
    list_filter = ["state", "cycle", ("unit", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["unit", "cycle", "facilitator"]
    search_fields = ["title", "unit__name"]
    autocomplete_fields = ["unit", "cycle", "facilitator", "participants"]
    date_hierarchy = "scheduled_for"
    inlines = [DecisionInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "unit",
                    "cycle",
                    "scheduled_for",
                    "location",
                    "facilitator",
                    "participants",
                    "state",
                    "version",
                ]
            },
        ),
        (_("Retrospective"), {"fields": ["what_worked", "what_did_not", "what_we_change"]}),
    ]


@admin.register(Decision)
class DecisionAdmin(HistoryAdmin):
    list_display = ["title", "decided_by", "decided_on", "review"]
    list_filter = ["decided_on", "review__cycle"]
    list_select_related = ["decided_by", "review"]
    search_fields = ["title", "details"]
    autocomplete_fields = ["review", "decided_by", "kpis", "objectives"]
    date_hierarchy = "decided_on"


@admin.register(ObjectiveGrade)
class ObjectiveGradeAdmin(HistoryAdmin):
    list_display = ["objective", "score", "success_display", "miss_cause", "graded_by", "graded_at"]
    list_filter = ["miss_cause", "objective__cycle", "objective__kind"]
    list_select_related = ["objective", "graded_by"]
    search_fields = ["objective__title", "reason"]
    autocomplete_fields = ["objective", "review", "graded_by"]

    @admin.display(description=_("success"))
    def success_display(self, grade: ObjectiveGrade):
        if grade.is_success:
            return status_badge("success", _("Success"))
        return status_badge("miss", _("Missed"))


@admin.register(KeyResultGrade)
class KeyResultGradeAdmin(StyledAdmin):
    list_display = ["key_result", "score", "graded_by", "graded_at"]
    list_filter = ["key_result__objective__cycle"]
    list_select_related = ["key_result", "graded_by"]
    search_fields = ["key_result__title", "reason"]
    autocomplete_fields = ["key_result", "graded_by"]
