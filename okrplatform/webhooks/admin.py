"""Admin for webhook subscriptions and the log of every delivery, with *Send again*."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from okrplatform.admin import StyledAdmin

from .models import EventType, WebhookDelivery, WebhookSubscription
from .services import deliveries_send_again, subscription_save, subscription_secret_renew


class WebhookSubscriptionForm(forms.ModelForm):
    target_url = forms.URLField(
        label=_("target URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_("The address events are sent to with POST, http:// or https://."),
    )
    events = forms.MultipleChoiceField(
        label=_("events"), choices=EventType.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookSubscription
        fields = ["name", "target_url", "format", "events", "scope", "owner", "language", "active"]


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(StyledAdmin):
    """Who hears of what: the secret is shown once, when it is made or renewed."""

    form = WebhookSubscriptionForm
    list_display = ["name", "target_url", "format", "scope", "owner", "active", "created_at"]
    list_filter = ["active", "format"]
    list_select_related = ["scope", "owner"]
    search_fields = ["name", "target_url"]
    autocomplete_fields = ["scope", "owner"]
    actions = ["renew_secret"]

    def save_model(
        self, request: HttpRequest, obj: WebhookSubscription, form: forms.ModelForm, change: bool
    ) -> None:
        subscription_save(subscription=obj)
        if not change:
            self._show_secret(request, obj, obj.secret)

    def _show_secret(
        self, request: HttpRequest, subscription: WebhookSubscription, secret: str
    ) -> None:
        self.message_user(
            request,
            _("The secret of “%(name)s” is %(secret)s. Copy it now: it is not shown again.")
            % {"name": subscription.name, "secret": secret},
            messages.WARNING,
        )

    @admin.action(description=_("Give a new secret"))
    def renew_secret(self, request: HttpRequest, queryset: QuerySet[WebhookSubscription]) -> None:
        for subscription in queryset:
            self._show_secret(
                request, subscription, subscription_secret_renew(subscription=subscription)
            )


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(StyledAdmin):
    """Every delivery tried, with the receiver's last answer: failures stay here to send again."""

    list_display = [
        "event_type",
        "subscription",
        "state",
        "attempts",
        "last_response_code",
        "next_attempt_at",
        "created_at",
        "delivered_at",
    ]
    list_filter = ["state", "event_type", "subscription"]
    list_select_related = ["subscription"]
    search_fields = ["uuid", "event_id", "last_error", "subscription__name"]
    readonly_fields = [
        "uuid",
        "subscription",
        "event_type",
        "event_id",
        "occurred_at",
        "state",
        "attempts",
        "last_response_code",
        "last_response_body",
        "last_error",
        "next_attempt_at",
        "created_at",
        "delivered_at",
        "once_key",
        "body",
    ]
    actions = ["send_again"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Send again"))
    def send_again(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        count = deliveries_send_again(deliveries=queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d delivery will be sent again.",
                "%(count)d deliveries will be sent again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
