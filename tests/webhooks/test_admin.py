"""Staff run webhooks from Django admin: a subscription made there shows its secret once, and a
failed delivery is sent again from the delivery log."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from objectives.services import check_in_record
from okrplatform.webhooks.models import EventType, WebhookDelivery, WebhookSubscription

from .conftest import subscribe

pytestmark = pytest.mark.django_db


def test_staff_add_a_subscription_and_see_its_secret_once(django_app, sam, emea, receiver):
    page = django_app.get(reverse("admin:webhooks_webhooksubscription_add"), user=sam)
    form = page.forms["webhooksubscription_form"]
    form["name"] = "EMEA in Teams"
    form["target_url"] = receiver.url()
    form["format"] = "teams"
    form["events"] = ["intervention.opened", "digest.weekly"]
    form["scope"].force_value(str(emea.pk))  # an autocomplete widget: the browser sends the id
    form["owner"].force_value(str(sam.pk))
    form["language"] = "de"

    listed = form.submit().follow()

    subscription = WebhookSubscription.objects.get()
    assert subscription.events == ["intervention.opened", "digest.weekly"]
    assert (subscription.scope, subscription.owner, subscription.format) == (emea, sam, "teams")
    assert f"The secret of “EMEA in Teams” is {subscription.secret}." in listed.text
    assert (
        subscription.secret
        not in django_app.get(
            reverse("admin:webhooks_webhooksubscription_change", args=[subscription.pk]), user=sam
        ).text
    )


def test_admin_refuses_a_subscription_without_events_or_to_a_private_address(
    django_app, sam, settings
):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    page = django_app.get(reverse("admin:webhooks_webhooksubscription_add"), user=sam)
    form = page.forms["webhooksubscription_form"]
    form["name"] = "Inside"
    form["target_url"] = "http://127.0.0.1:9/hook"
    form["owner"].force_value(str(sam.pk))

    answer = form.submit()

    assert answer.status_code == 200
    assert "is a loopback, private or reserved address" in answer.text
    assert "This field is required." in answer.text  # the events
    assert not WebhookSubscription.objects.exists()


def test_a_failed_delivery_is_sent_again_from_the_log(
    django_app, sam, alice, emea, bob, key_result, receiver, django_capture_on_commit_callbacks
):
    hook = subscribe(
        owner=alice, url=receiver.url(), events=[EventType.CHECK_IN_RECORDED], scope=emea
    )
    receiver.answers = [500]
    with django_capture_on_commit_callbacks(execute=True):
        check_in_record(key_result=key_result, author=bob, value=Decimal(150), confidence=8)
    delivery = WebhookDelivery.objects.get(subscription=hook)
    assert delivery.state == WebhookDelivery.State.FAILED

    log = django_app.get(reverse("admin:webhooks_webhookdelivery_changelist"), user=sam)
    assert "Failed: tried too often" in log.text
    form = log.forms["changelist-form"]
    form["action"] = "send_again"
    form["_selected_action"] = [str(delivery.pk)]
    with django_capture_on_commit_callbacks(execute=True):
        answer = form.submit("index").follow()

    assert "1 delivery will be sent again." in answer.text
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_response_code) == (
        WebhookDelivery.State.DELIVERED,
        2,
        200,
    )
    assert len(receiver.received) == 2
    page = django_app.get(
        reverse("admin:webhooks_webhookdelivery_change", args=[delivery.pk]), user=sam
    )
    assert str(delivery.uuid) in page.text
