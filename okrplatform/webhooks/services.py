"""Writes of the webhooks: subscriptions made, changed and given a new secret, deliveries sent
again. Pages, admin and the API go through these; who may do so is ``may_manage``'s answer."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet

from okrplatform.org.access import access_for
from okrplatform.org.models import OrgUnit, User
from okrplatform.outbox.relay import after_commit

from .events import DELIVER
from .models import WebhookDelivery, WebhookSubscription, new_secret


def may_manage(user: User, scope: OrgUnit | int | None) -> bool:
    """Staff manage every subscription; a manager those scoped to a unit they manage (their
    unit or one below it). A subscription for the whole organisation is staff's."""
    access = access_for(user)
    if access.sees_everything:
        return True
    if scope is None:
        return False
    return access.is_manager_at(scope if isinstance(scope, int) else scope.pk)


def subscriptions_managed_by(user: User) -> QuerySet[WebhookSubscription]:
    subscriptions = WebhookSubscription.objects.select_related("owner", "scope")
    access = access_for(user)
    if access.sees_everything:
        return subscriptions
    return subscriptions.filter(scope_id__in=access.managed_unit_ids)


@transaction.atomic
def subscription_save(*, subscription: WebhookSubscription) -> WebhookSubscription:
    """Create or change a subscription validated by the caller (a new one gets its secret)."""
    subscription.save()
    return subscription


@transaction.atomic
def subscription_delete(*, subscription: WebhookSubscription) -> None:
    """Stop and forget a subscription, with its delivery log."""
    subscription.delete()


@transaction.atomic
def subscription_secret_renew(*, subscription: WebhookSubscription) -> str:
    """A new secret, shown this once: deliveries from now on are signed with it."""
    subscription.secret = new_secret()
    WebhookSubscription.objects.filter(pk=subscription.pk).update(secret=subscription.secret)
    return subscription.secret


@transaction.atomic
def deliveries_send_again(*, deliveries: QuerySet[WebhookDelivery]) -> int:
    """Try failed, cancelled or delivered ones once more, counting on from their tries; those
    still waiting are on their way already. Returns how many go again."""
    again = list(
        deliveries.exclude(state=WebhookDelivery.State.WAITING).values_list("pk", flat=True)
    )
    WebhookDelivery.objects.filter(pk__in=again).update(
        state=WebhookDelivery.State.WAITING, next_attempt_at=None
    )
    for delivery_id in again:
        after_commit(DELIVER, delivery_id=delivery_id)
    return len(again)
