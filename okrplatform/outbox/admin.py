from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from okrplatform.admin import StyledAdmin

from .models import EmailDelivery, OutboxTask
from .relay import after_commit


@admin.register(OutboxTask)
class OutboxTaskAdmin(StyledAdmin):
    """What waits for the broker, and what it took: readable here, never edited."""

    list_display = ["task", "kwargs", "created_at", "sent_at", "attempts", "last_error"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter), "task"]
    search_fields = ["task", "last_error"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(EmailDelivery)
class EmailDeliveryAdmin(StyledAdmin):
    """Every e-mail the platform sent or tried to: failures stay here for staff to see."""

    list_display = ["recipient", "subject", "state", "attempts", "created_at", "sent_at"]
    list_filter = ["state"]
    search_fields = ["recipient", "subject", "last_error"]
    readonly_fields = [
        "recipient",
        "subject",
        "body",
        "state",
        "attempts",
        "last_error",
        "created_at",
        "sent_at",
    ]
    actions = ["send_again"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Send again"))
    def send_again(self, request: HttpRequest, queryset: QuerySet[EmailDelivery]) -> None:
        again = list(queryset.exclude(state=EmailDelivery.State.SENT))
        for delivery in again:
            EmailDelivery.objects.filter(pk=delivery.pk).update(state=EmailDelivery.State.WAITING)
            after_commit("okrplatform.outbox.tasks.deliver_email", delivery_id=delivery.pk)
        self.message_user(
            request,
            ngettext(
                "%(count)d e-mail will be sent again.",
                "%(count)d e-mails will be sent again.",
                len(again),
            )
            % {"count": len(again)},
            messages.SUCCESS,
        )
