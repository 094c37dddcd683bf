"""The REST API of webhook subscriptions and their deliveries.

Staff manage every subscription, managers those scoped to a unit they manage; anyone else sees
none. The secret is answered once: when the subscription is made, and by ``…/renew-secret/``.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from okrplatform.api import ModelSerializer, SelfLink, StrictCharField, as_saved
from okrplatform.languages import offered_languages
from okrplatform.org.api import UnitField
from okrplatform.org.models import OrgUnit, User

from .models import EventType, WebhookDelivery, WebhookSubscription
from .services import (
    may_manage,
    subscription_delete,
    subscription_save,
    subscription_secret_renew,
    subscriptions_managed_by,
)


class WebhookSubscriptionSerializer(ModelSerializer):
    url = SelfLink(view_name="webhooksubscription-detail")
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=EventType.choices),
        min_length=1,
        help_text="The kinds of event to send, at least one.",
    )
    scope = UnitField(
        required=False,
        allow_null=True,
        help_text="The unit's code: only events of this unit and the units below it. Null: the "
        "whole organisation (staff only).",
    )
    owner: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="username",
        read_only=True,
        help_text="The username of who made it: only events about what they may see are sent.",
    )
    language = serializers.ChoiceField(
        choices=[("", ""), *offered_languages()],
        required=False,
        allow_blank=True,
        help_text="The language of the messages; empty: the site's default.",
    )

    class Meta:
        model = WebhookSubscription
        fields = [
            "id",
            "url",
            "name",
            "target_url",
            "format",
            "events",
            "scope",
            "owner",
            "language",
            "active",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {
            "target_url": {
                "help_text": "Where events are sent with POST: a public http(s) address (loopback "
                "and private addresses are refused unless the operator allows them)."
            },
            "format": {
                "help_text": "json: our signed JSON; slack, teams: their incoming-webhook messages."
            },
            "active": {"help_text": "Off: nothing is sent, and waiting deliveries are dropped."},
            "name": {"help_text": "What the subscription is for, as people read it."},
            "created_at": {"help_text": "When it was made (ISO 8601, UTC)."},
            "updated_at": {"help_text": "When it was last changed (ISO 8601, UTC)."},
        }

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        owner = {} if self.instance else {"owner": self.context["request"].user}
        as_saved(WebhookSubscription, self.instance, {**attrs, **owner})
        return attrs


class SubscriptionWithSecretSerializer(WebhookSubscriptionSerializer):
    secret = StrictCharField(
        read_only=True,
        help_text="Signs every delivery (X-OKR-Signature). Answered only now: keep it.",
    )

    class Meta(WebhookSubscriptionSerializer.Meta):
        fields = [*WebhookSubscriptionSerializer.Meta.fields, "secret"]


class WebhookDeliverySerializer(ModelSerializer):
    delivery_id = serializers.UUIDField(
        source="uuid",
        read_only=True,
        help_text="The delivery's UUID, sent as the `X-OKR-Delivery` header: the same on every "
        "retry, so a receiver can drop a repeat.",
    )

    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "delivery_id",
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
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "The delivery's id."},
            "event_type": {"help_text": "The kind of event, e.g. `check_in.recorded`."},
            "event_id": {
                "help_text": "The event's UUID: the same in every subscription's delivery of it."
            },
            "occurred_at": {"help_text": "When the event happened (ISO 8601, UTC)."},
            "state": {
                "help_text": "`waiting` (to be sent or retried), `delivered`, `failed` (tried "
                "too often) or `cancelled` (the subscription was switched off)."
            },
            "attempts": {"help_text": "How often it was tried so far."},
            "last_response_code": {
                "help_text": "The HTTP status the receiver last answered; null if it never "
                "answered."
            },
            "last_response_body": {
                "help_text": "The first 1,000 characters of the receiver's last answer; empty "
                "if none."
            },
            "last_error": {
                "help_text": "Why the last try failed (a timeout, a refused address, …); empty "
                "if it did not."
            },
            "next_attempt_at": {
                "help_text": "When it is tried again (retries back off); null when no retry is due."
            },
            "created_at": {"help_text": "When the delivery was written (ISO 8601, UTC)."},
            "delivered_at": {
                "help_text": "When the receiver accepted it (a 2xx answer); null until then."
            },
        }


class WebhookSubscriptionFilter(django_filters.FilterSet):
    active = django_filters.BooleanFilter(
        help_text="`true`: only subscriptions that send; `false`: only those switched off."
    )
    format = django_filters.ChoiceFilter(
        choices=WebhookSubscription.Format.choices,
        help_text="Only subscriptions in this message format.",
    )

    class Meta:
        model = WebhookSubscription
        fields = ["active", "format"]


# A receiver on this machine: the one kind of target a test site allows (WEBHOOKS_TARGET_HOSTS);
# in production, a public https address of the receiving system.
SUBSCRIPTION_EVENTS = ["check_in.recorded", "kpi.health_changed", "intervention.opened"]
SUBSCRIPTION_EXAMPLE = {
    "name": "EMEA BI warehouse",
    "target_url": "http://127.0.0.1:8099/okr-events",
    "format": "json",
    "events": SUBSCRIPTION_EVENTS,
    "scope": "emea",
    "language": "en",
    "active": True,
}


@extend_schema_view(
    create=extend_schema(
        responses={201: SubscriptionWithSecretSerializer},
        description="Subscribe another system to events. Staff may subscribe to the whole "
        "organisation; a manager to a unit they manage (`scope`), and then hears only of that "
        "unit and the units below it. The answer carries the `secret`, this once.",
        examples=[
            OpenApiExample("EMEA's events as JSON", value=SUBSCRIPTION_EXAMPLE, request_only=True)
        ],
    ),
    update=extend_schema(
        description="Change a subscription you manage.",
        examples=[
            OpenApiExample(
                "Interventions too",
                value={
                    **SUBSCRIPTION_EXAMPLE,
                    "events": [*SUBSCRIPTION_EVENTS, "intervention.resolved"],
                },
                request_only=True,
            )
        ],
    ),
    partial_update=extend_schema(
        description="Change a subscription you manage.",
        examples=[OpenApiExample("Switched off", value={"active": False}, request_only=True)],
    ),
)
class WebhookSubscriptionViewSet(
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    mixins.ListModelMixin,
    viewsets.GenericViewSet,
):
    """Webhook subscriptions you manage."""

    queryset = WebhookSubscription.objects.none()  # for the schema; get_queryset() answers
    serializer_class = WebhookSubscriptionSerializer
    ordering_fields = ["name", "id", "created_at"]
    ordering = ["name", "id"]
    filterset_class = WebhookSubscriptionFilter

    def _person(self) -> User:
        """Who asks: signed in, as every API route requires."""
        person = self.request.user
        assert isinstance(person, User)
        return person

    def get_queryset(self) -> QuerySet[WebhookSubscription]:
        return subscriptions_managed_by(self._person())

    def _may_manage(self, scope: OrgUnit | None) -> None:
        if not may_manage(self._person(), scope):
            raise PermissionDenied(
                _("Only staff subscribe the whole organisation.")
                if scope is None
                else _("Only a manager of this unit, or staff, manages its webhooks.")
            )

    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self._may_manage(serializer.validated_data.get("scope"))
        subscription = subscription_save(
            subscription=WebhookSubscription(owner=self._person(), **serializer.validated_data)
        )
        answer = SubscriptionWithSecretSerializer(subscription, context={"request": request})
        return Response(answer.data, status=status.HTTP_201_CREATED)

    def perform_update(self, serializer: BaseSerializer) -> None:
        if "scope" in serializer.validated_data:
            self._may_manage(serializer.validated_data["scope"])
        subscription = serializer.instance
        assert isinstance(subscription, WebhookSubscription)
        for field, value in serializer.validated_data.items():
            setattr(subscription, field, value)
        subscription_save(subscription=subscription)

    def perform_destroy(self, instance: WebhookSubscription) -> None:
        subscription_delete(subscription=instance)

    @extend_schema(
        request=None,
        responses=SubscriptionWithSecretSerializer,
        summary="Give it a new secret",
        description="Deliveries from now on are signed with the new secret, answered this once.",
    )
    @action(detail=True, methods=["post"], url_path="renew-secret")
    def renew_secret(self, request: Request, pk: str | None = None) -> Response:
        subscription = self.get_object()
        subscription_secret_renew(subscription=subscription)
        answer = SubscriptionWithSecretSerializer(subscription, context={"request": request})
        return Response(answer.data)

    @extend_schema(
        responses=WebhookDeliverySerializer(many=True),
        summary="Its latest deliveries",
        description="The latest 100 deliveries, newest first, with the receiver's last answer.",
        filters=False,
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def deliveries(self, request: Request, pk: str | None = None) -> Response:
        subscription = self.get_object()
        latest = subscription.deliveries.order_by("-id")[:100]
        return Response(WebhookDeliverySerializer(latest, many=True).data)
