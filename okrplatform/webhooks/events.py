"""Telling subscribers what happened: services describe each event once, and this writes one
delivery for each subscription that may hear of it, in the service's own transaction, relayed to
the delivery task after commit (through the outbox: a broker outage delays it, loses nothing).

A subscription hears of an event when it is active and wants that kind of event, the event
belongs to its unit or a unit below (when it has one), and its owner may see the resource: the
check is ``Access.restrict`` on the resource's own rows, the one place visibility is decided.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation

from okrplatform.languages import language_for
from okrplatform.org.access import access_for
from okrplatform.org.models import OrgUnit
from okrplatform.outbox.relay import after_commit

from .formats import CHAT_LINES, Message, body_for
from .models import EventType, WebhookDelivery, WebhookSubscription

DELIVER = "okrplatform.webhooks.tasks.deliver_webhook"
# The items a digest's JSON lists; its count says how many there are in all.
DIGEST_ITEMS = 100


@dataclass(frozen=True)
class Event:
    """Something that happened to one resource, as every subscriber is told of it."""

    type: str
    resource_pk: int  # the row of ``visible_in`` whose visibility decides who hears of it
    unit_ids: Collection[int]  # the units it belongs to, for subscriptions scoped to a unit
    data: dict[str, Any]
    headline: Callable[[], str]  # one sentence, called under the subscription's language
    path: str = ""  # the page on this site that shows it
    occurred_at: datetime = field(default_factory=timezone.now)


def _subscriptions_wanting(event_type: str) -> list[WebhookSubscription]:
    active = WebhookSubscription.objects.filter(active=True, owner__is_active=True)
    return [
        subscription
        for subscription in active.select_related("owner")
        if subscription.wants(event_type)
    ]


def wanted(event_type: str) -> bool:
    """Whether any active subscription wants this kind of event: work that only serves webhooks
    (reading rows before they change) is skipped otherwise."""
    return bool(_subscriptions_wanting(event_type))


def _with_ancestors(unit_ids: Collection[int]) -> dict[int, set[int]]:
    """Each unit with every unit above it, from one read of the tree's parent links."""
    parent_of = dict(OrgUnit.objects.values_list("id", "parent_id"))
    lineage: dict[int, set[int]] = {}
    for unit_id in unit_ids:
        seen: set[int] = set()
        current: int | None = unit_id
        while current is not None and current not in seen:
            seen.add(current)
            current = parent_of.get(current)
        lineage[unit_id] = seen
    return lineage


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}" if path else ""


def events_emit(
    event_type: str, make_events: Callable[[], Iterable[Event]], *, visible_in: QuerySet
) -> int:
    """Write down a delivery of each event of ``event_type`` for each subscription that may hear
    of it; returns how many. ``make_events`` is called only if someone subscribes, so that an
    event nobody wants costs one query and no reading of its data."""
    subscriptions = _subscriptions_wanting(event_type)
    if not subscriptions:
        return 0
    events = list(make_events())
    if not events:
        return 0
    lineage: dict[int, set[int]] = {}
    if any(subscription.scope_id for subscription in subscriptions):
        lineage = _with_ancestors({unit for event in events for unit in event.unit_ids})
    event_ids = {id(event): str(uuid.uuid4()) for event in events}
    messages: dict[tuple[int, str], Message] = {}
    deliveries = []
    for subscription in subscriptions:
        heard = [
            event
            for event in events
            if subscription.scope_id is None
            or any(subscription.scope_id in lineage[unit] for unit in event.unit_ids)
        ]
        access = access_for(subscription.owner)
        if heard and not access.sees_every_unit:
            pks = {event.resource_pk for event in heard}
            seen = set(access.restrict(visible_in.filter(pk__in=pks)).values_list("pk", flat=True))
            heard = [event for event in heard if event.resource_pk in seen]
        with translation.override(language_for(subscription.language)):
            for event in heard:
                key = (id(event), translation.get_language())
                if key not in messages:
                    messages[key] = Message(
                        title=str(EventType(event.type).label),
                        headline=str(event.headline()),
                        link=_absolute(event.path),
                    )
                body = body_for(
                    subscription,
                    event_id=event_ids[id(event)],
                    event_type=event.type,
                    occurred_at=event.occurred_at,
                    data=event.data,
                    message=messages[key],
                )
                deliveries.append(
                    WebhookDelivery(
                        subscription=subscription,
                        event_type=event.type,
                        event_id=event_ids[id(event)],
                        occurred_at=event.occurred_at,
                        body=body,
                    )
                )
    WebhookDelivery.objects.bulk_create(deliveries)
    for delivery in deliveries:
        after_commit(DELIVER, delivery_id=delivery.pk)
    return len(deliveries)


def digest_emit(
    *,
    kind: str,
    week: date,
    items: QuerySet,
    unit_lookup: str,
    headline: Callable[[int], str],
    line: Callable[[Any], str],
    data_of: Callable[[Any], dict[str, Any]],
    path: str = "",
) -> int:
    """This week's digest of ``kind`` to each subscription that wants it: the items its owner
    sees in its unit and below, once a week (a retried task sends nothing more). An empty digest
    is not sent. Returns how many subscriptions got one."""
    subscriptions = _subscriptions_wanting(EventType.WEEKLY_DIGEST)
    if not subscriptions:
        return 0
    once_key = f"digest:{kind}:{week.isoformat()}"
    already = set(
        WebhookDelivery.objects.filter(
            once_key=once_key, subscription__in=subscriptions
        ).values_list("subscription_id", flat=True)
    )
    now = timezone.now()
    sent = 0
    for subscription in subscriptions:
        if subscription.pk in already:
            continue
        access = access_for(subscription.owner)
        rows = items if access.sees_every_unit else access.restrict(items)
        if subscription.scope_id:
            below = OrgUnit.objects.descendants(subscription.scope, include_self=True)
            rows = rows.filter(**{f"{unit_lookup}__in": below.values("pk")})
        count = rows.count()
        if not count:
            continue
        listed = list(rows[:DIGEST_ITEMS])
        event_id = str(uuid.uuid4())
        data = {
            "kind": kind,
            "week": week.isoformat(),
            "count": count,
            "items": [data_of(item) for item in listed],
        }
        with translation.override(language_for(subscription.language)):
            message = Message(
                title=str(EventType.WEEKLY_DIGEST.label),
                headline=str(headline(count)),
                lines=[str(line(item)) for item in listed[:CHAT_LINES]],
                more=count - min(count, CHAT_LINES),
                link=_absolute(path),
            )
            body = body_for(
                subscription,
                event_id=event_id,
                event_type=EventType.WEEKLY_DIGEST,
                occurred_at=now,
                data=data,
                message=message,
            )
        try:
            with transaction.atomic():
                delivery = WebhookDelivery.objects.create(
                    subscription=subscription,
                    event_type=EventType.WEEKLY_DIGEST,
                    event_id=event_id,
                    occurred_at=now,
                    once_key=once_key,
                    body=body,
                )
        except IntegrityError:
            continue  # sent meanwhile by another run: the database keeps it to one
        after_commit(DELIVER, delivery_id=delivery.pk)
        sent += 1
    return sent
