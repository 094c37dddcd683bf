"""Outbound webhooks: subscriptions of other systems to what happens here, and each delivery."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from okrplatform.languages import offered_languages
from okrplatform.org.models import OrgUnit

from .targets import TargetRefused, target_check


class EventType(models.TextChoices):
    CHECK_IN_RECORDED = "check_in.recorded", _("A check-in was recorded")
    OBJECTIVE_STATUS_CHANGED = "objective.status_changed", _("An objective's status changed")
    KPI_HEALTH_CHANGED = "kpi.health_changed", _("A KPI's health changed")
    INTERVENTION_OPENED = "intervention.opened", _("An intervention was opened")
    INTERVENTION_RESOLVED = "intervention.resolved", _("An intervention was resolved")
    REVIEW_CLOSED = "review.closed", _("A review was closed")
    WEEKLY_DIGEST = "digest.weekly", _("The weekly digest")


def new_secret() -> str:
    return secrets.token_hex(32)


class WebhookSubscription(models.Model):
    """Another system that wants to hear of some events, at one address, signed with a secret."""

    class Format(models.TextChoices):
        JSON = "json", _("JSON, signed")
        SLACK = "slack", _("Slack incoming webhook")
        TEAMS = "teams", _("Microsoft Teams incoming webhook (Adaptive Card)")

    name = models.CharField(
        _("name"), max_length=100, help_text=_("What receives it, e.g. “ERP alerts”.")
    )
    target_url = models.URLField(
        _("target URL"),
        max_length=500,
        help_text=_("The address events are sent to with POST, http:// or https://."),
    )
    format = models.CharField(
        _("format"), max_length=10, choices=Format.choices, default=Format.JSON
    )
    events = models.JSONField(
        _("events"), default=list, help_text=_("The kinds of event to send, at least one.")
    )
    scope = models.ForeignKey(
        OrgUnit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="webhook_subscriptions",
        help_text=_(
            "Only events of this unit and the units below it. Empty: the whole organisation."
        ),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="webhook_subscriptions",
        help_text=_("Only events about what this person may see are sent."),
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        choices=offered_languages,
        help_text=_("The language of the messages. Empty: the site's default."),
    )
    secret = models.CharField(
        _("secret"),
        max_length=64,
        default=new_secret,
        editable=False,
        help_text=_("Signs every delivery; shown once, when it is made."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        events = self.events if isinstance(self.events, list) else []
        if not events or any(event not in EventType.values for event in events):
            errors["events"] = str(_("Choose at least one of the events offered."))
        if self.target_url:
            try:
                target_check(self.target_url)
            except TargetRefused as refused:
                errors["target_url"] = str(refused)
        if errors:
            raise ValidationError(errors)

    def wants(self, event_type: str) -> bool:
        return event_type in (self.events or [])


class WebhookDelivery(models.Model):
    """One event sent to one subscription, with what happened each time it was tried."""

    class State(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed: tried too often")
        CANCELLED = "cancelled", _("Not sent: the subscription is off")

    uuid = models.UUIDField(_("delivery id"), default=uuid.uuid4, unique=True, editable=False)
    subscription = models.ForeignKey(
        WebhookSubscription,
        verbose_name=_("subscription"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    event_type = models.CharField(_("event"), max_length=40, choices=EventType.choices)
    event_id = models.UUIDField(_("event id"))
    occurred_at = models.DateTimeField(_("occurred"))
    body = models.TextField(_("body"))
    once_key = models.CharField(
        _("sent once per"),
        max_length=100,
        blank=True,
        help_text=_("Deliveries with the same key go to a subscription once (the weekly digest)."),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.WAITING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_response_code = models.PositiveSmallIntegerField(
        _("last response code"), null=True, blank=True
    )
    last_response_body = models.TextField(_("last response"), blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "once_key"],
                condition=~models.Q(once_key=""),
                name="webhook_delivery_once_per_key",
                violation_error_message=_("This subscription got this delivery already."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_event_type_display()} → {self.subscription}"
