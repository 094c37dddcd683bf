"""Admin for people, org units, roles, tensions and the stored unit figures."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin

from okrplatform.admin import HistoryAdmin, StyledAdmin, VersionedAdmin

from .models import Membership, Notification, OrgUnit, Reminder, User
from .resources import OrgUnitResource


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user", "unit"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "unit")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = [
        "username",
        "first_name",
        "last_name",
        "email",
        "is_staff",
        "timezone",
        "language",
    ]
    list_filter = [*DjangoUserAdmin.list_filter, "language"]
    fieldsets = [
        *DjangoUserAdmin.fieldsets,
        (_("Preferences"), {"fields": ["timezone", "language"]}),
    ]
    inlines = [MembershipInline]


@admin.register(OrgUnit)
class OrgUnitAdmin(ImportExportMixin, VersionedAdmin):
    resource_classes = [OrgUnitResource]
    list_display = ["indented_name", "kind", "lead", "country", "currency", "timezone"]
    list_filter = ["kind", "country", "currency"]
    list_select_related = ["lead"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent", "lead"]
    prepopulated_fields = {"code": ["name"]}
    inlines = [MembershipInline]
    fields = [
        "name",
        "code",
        "kind",
        "parent",
        "lead",
        "description",
        "country",
        "timezone",
        "language",
        "currency",
        "version",
    ]

    def get_queryset(self, request):
        # The tree order (with depth) reads like an org chart; it costs one recursive CTE.
        return super().get_queryset(request).with_tree_fields()

    @admin.display(description=_("unit"))
    def indented_name(self, unit: OrgUnit):
        depth = getattr(unit, "tree_depth", 0)
        return format_html('<span class="okr-indent">{}</span>{}', "— " * depth, unit.name)


@admin.register(Membership)
class MembershipAdmin(HistoryAdmin):
    list_display = ["user", "unit", "role", "created_at"]
    list_filter = ["role", ("unit", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["user", "unit"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "unit__name"]
    autocomplete_fields = ["user", "unit"]


@admin.register(Notification)
class NotificationAdmin(StyledAdmin):
    list_display = ["recipient", "message", "created_at", "read_at"]
    list_filter = ["read_at"]
    list_select_related = ["recipient"]
    search_fields = ["message", "recipient__username", "recipient__last_name"]
    autocomplete_fields = ["recipient"]


@admin.register(Reminder)
class ReminderAdmin(StyledAdmin):
    """A log of the weekly digests sent, so that none is sent twice."""

    list_display = ["user", "kind", "week", "item_count", "sent_at"]
    list_filter = ["kind", "week"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__last_name"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
