"""Subscriptions through the API: staff manage all of them, a manager those of the units they
manage; nobody else makes or sees any. The secret is answered once."""

from __future__ import annotations

import pytest

from okrplatform.webhooks.models import EventType, WebhookDelivery, WebhookSubscription

from .conftest import subscribe

pytestmark = pytest.mark.django_db

LIST = "/api/webhooks/"


def body(receiver, **fields):
    return {
        "name": "EMEA alerts",
        "target_url": receiver.url(),
        "events": ["intervention.opened", "check_in.recorded"],
        "format": "json",
        **fields,
    }


def test_a_manager_subscribes_for_their_unit_and_gets_the_secret_once(api, alice, emea, receiver):
    created = api(alice).post(LIST, body(receiver, scope="emea", language="de"), format="json")

    assert created.status_code == 201, created.json()
    answer = created.json()
    subscription = WebhookSubscription.objects.get()
    assert answer["secret"] == subscription.secret
    assert len(subscription.secret) == 64
    assert (answer["owner"], answer["scope"], answer["language"]) == ("alice", "emea", "de")
    assert subscription.events == ["intervention.opened", "check_in.recorded"]

    listed = api(alice).get(LIST).json()
    assert [item["name"] for item in listed["results"]] == ["EMEA alerts"]
    assert "secret" not in listed["results"][0]
    assert "secret" not in api(alice).get(answer["url"]).json()


def test_a_new_secret_is_answered_once_and_signs_from_then_on(api, alice, emea, receiver):
    hook = subscribe(owner=alice, url=receiver.url(), events=[EventType.REVIEW_CLOSED], scope=emea)
    old = hook.secret

    renewed = api(alice).post(f"{LIST}{hook.pk}/renew-secret/")

    assert renewed.status_code == 200
    hook.refresh_from_db()
    assert renewed.json()["secret"] == hook.secret != old


def test_a_manager_may_not_subscribe_to_the_whole_organisation_or_above_their_unit(
    api, alice, company, receiver
):
    whole = api(alice).post(LIST, body(receiver), format="json")
    above = api(alice).post(LIST, body(receiver, scope="helix"), format="json")

    assert whole.status_code == 403
    assert whole.json()["detail"] == "Only staff subscribe the whole organisation."
    assert above.status_code == 403
    assert not WebhookSubscription.objects.exists()


def test_a_unit_nobody_showed_them_is_unknown(api, alice, apac, receiver):
    refused = api(alice).post(LIST, body(receiver, scope="apac"), format="json")
    assert refused.status_code == 400
    assert "scope" in refused.json()


def test_contributors_and_viewers_neither_make_nor_see_subscriptions(
    api, alice, bob, vera, emea, emea_logistics, receiver
):
    hook = subscribe(owner=alice, url=receiver.url(), events=[EventType.REVIEW_CLOSED], scope=emea)

    made = api(bob).post(LIST, body(receiver, scope="emea-logistics"), format="json")
    assert made.status_code == 403
    assert made.json()["detail"] == "Only a manager of this unit, or staff, manages its webhooks."
    for person in (bob, vera):
        assert api(person).get(LIST).json()["results"] == []
        assert api(person).get(f"{LIST}{hook.pk}/").status_code == 404
        assert api(person).delete(f"{LIST}{hook.pk}/").status_code == 404
    assert WebhookSubscription.objects.count() == 1


def test_an_outsider_cannot_read_change_or_renew_a_subscription(
    api, alice, charlie, emea, receiver
):
    hook = subscribe(owner=alice, url=receiver.url(), events=[EventType.REVIEW_CLOSED], scope=emea)
    outsider = api(charlie)
    assert outsider.get(f"{LIST}{hook.pk}/").status_code == 404
    assert outsider.patch(f"{LIST}{hook.pk}/", {"active": False}, format="json").status_code == 404
    assert outsider.post(f"{LIST}{hook.pk}/renew-secret/").status_code == 404
    assert outsider.get(f"{LIST}{hook.pk}/deliveries/").status_code == 404
    hook.refresh_from_db()
    assert hook.active


def test_a_manager_changes_their_subscription_but_cannot_widen_it(
    api, alice, emea, company, receiver
):
    hook = subscribe(owner=alice, url=receiver.url(), events=[EventType.REVIEW_CLOSED], scope=emea)

    changed = api(alice).patch(
        f"{LIST}{hook.pk}/", {"events": ["kpi.health_changed"], "active": False}, format="json"
    )
    widened = api(alice).patch(f"{LIST}{hook.pk}/", {"scope": "helix"}, format="json")
    to_all = api(alice).patch(f"{LIST}{hook.pk}/", {"scope": None}, format="json")

    assert changed.status_code == 200
    assert (widened.status_code, to_all.status_code) == (403, 403)
    hook.refresh_from_db()
    assert (hook.events, hook.active, hook.scope) == (["kpi.health_changed"], False, emea)


def test_staff_subscribe_the_whole_organisation_and_see_every_subscription(
    api, sam, alice, emea, receiver
):
    subscribe(owner=alice, url=receiver.url(), events=[EventType.REVIEW_CLOSED], scope=emea)
    created = api(sam).post(LIST, body(receiver, name="Everything"), format="json")
    assert created.status_code == 201
    assert created.json()["scope"] is None
    names = [item["name"] for item in api(sam).get(LIST).json()["results"]]
    assert names == ["ERP alerts", "Everything"]
    assert api(sam).delete(created.json()["url"]).status_code == 204


def test_bad_subscriptions_are_refused_field_by_field(api, sam, receiver, settings):
    no_events = api(sam).post(LIST, body(receiver, events=[]), format="json")
    unknown_event = api(sam).post(LIST, body(receiver, events=["objective.deleted"]), format="json")
    not_http = api(sam).post(LIST, body(receiver, target_url="ftp://127.0.0.1/in"), format="json")
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    private = api(sam).post(LIST, body(receiver), format="json")

    assert no_events.status_code == unknown_event.status_code == 400
    assert "events" in no_events.json()
    assert "events" in unknown_event.json()
    assert not_http.status_code == 400
    assert "target_url" in not_http.json()
    assert private.status_code == 400
    assert private.json()["target_url"] == [
        "127.0.0.1 is a loopback, private or reserved address: webhooks go only to public "
        "addresses unless the operator allows private ones."
    ]
    assert not WebhookSubscription.objects.exists()


def test_the_delivery_log_is_readable_by_who_manages_the_subscription(
    api, alice, emea, bob, key_result, receiver, django_capture_on_commit_callbacks
):
    from decimal import Decimal

    from objectives.services import check_in_record

    hook = subscribe(
        owner=alice, url=receiver.url(), events=[EventType.CHECK_IN_RECORDED], scope=emea
    )
    receiver.answers = [500]
    with django_capture_on_commit_callbacks(execute=True):
        check_in_record(key_result=key_result, author=bob, value=Decimal(150), confidence=8)

    [line] = api(alice).get(f"{LIST}{hook.pk}/deliveries/").json()
    delivery = WebhookDelivery.objects.get()
    assert line["delivery_id"] == str(delivery.uuid)
    assert (line["event_type"], line["state"], line["attempts"]) == (
        "check_in.recorded",
        "failed",
        1,
    )
    assert (line["last_response_code"], line["last_error"]) == (500, "HTTP 500")
