"""A check-in reaches a real receiver on 127.0.0.1: signed, with its headers and its data, after
commit; a receiver that fails or is down is tried again until it takes the delivery, and the
delivery log says how it went."""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from objectives.services import check_in_record
from okrplatform.webhooks.delivery import delivery_attempt
from okrplatform.webhooks.models import EventType, WebhookDelivery

from .conftest import Receiver, free_port, subscribe

pytestmark = pytest.mark.django_db

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_verifier():
    """The verification snippet the README gives integrators, run as they would run it."""
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)
    [snippet] = [block for block in blocks if "def okr_delivery_is_genuine" in block]
    namespace: dict = {}
    exec(snippet, namespace)  # noqa: S102 - our own README
    return namespace["okr_delivery_is_genuine"]


@pytest.fixture
def alices_hook(alice, emea, receiver):
    return subscribe(
        owner=alice, url=receiver.url(), events=[EventType.CHECK_IN_RECORDED], scope=emea
    )


def check_in(key_result, author, value="150", confidence=8):
    return check_in_record(
        key_result=key_result, author=author, value=Decimal(value), confidence=confidence
    )


def test_a_check_in_is_posted_signed_to_the_subscriber_after_commit(
    alices_hook, receiver, bob, key_result, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        recorded = check_in(key_result, bob)
        assert receiver.received == []  # nothing leaves before the commit

    [post] = receiver.received
    [delivery] = WebhookDelivery.objects.filter(subscription=alices_hook)
    assert post.path == "/hooks/okr"
    assert post.headers["Content-Type"] == "application/json; charset=utf-8"
    assert post.headers["X-OKR-Event"] == "check_in.recorded"
    assert post.headers["X-OKR-Delivery"] == str(delivery.uuid)
    assert abs(int(post.headers["X-OKR-Timestamp"]) - time.time()) < 60
    signed = post.headers["X-OKR-Timestamp"].encode() + b"." + post.body
    expected = hmac.new(alices_hook.secret.encode(), signed, hashlib.sha256).hexdigest()
    assert post.headers["X-OKR-Signature"] == f"sha256={expected}"
    assert readme_verifier()(alices_hook.secret, post.headers, post.body)
    assert not readme_verifier()("another secret", post.headers, post.body)
    assert not readme_verifier()(alices_hook.secret, post.headers, post.body + b" ")

    payload = post.json()
    assert payload["type"] == "check_in.recorded"
    assert payload["id"] == str(delivery.event_id)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", payload["occurred_at"])
    assert (
        payload["summary"]
        == "Bob Keller checked in 150 on “Parcels on dense routes” (confidence 8 of 10)."
    )
    assert payload["url"].endswith(f"/objectives/{key_result.objective_id}/")
    data = payload["data"]
    assert data["id"] == recorded.check_in.pk
    assert (data["value"], data["confidence"], data["author"]) == ("150", 8, "bob")
    assert data["key_result"]["title"] == "Parcels on dense routes"
    assert data["key_result"]["progress"] == 0.75
    assert data["objective"]["unit"] == "emea-logistics"

    delivery.refresh_from_db()
    assert delivery.state == WebhookDelivery.State.DELIVERED
    assert (delivery.attempts, delivery.last_response_code) == (1, 200)
    assert delivery.last_response_body == "thanks"
    assert delivery.delivered_at is not None


def test_a_replayed_delivery_fails_the_readme_check(
    alices_hook, receiver, bob, key_result, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        check_in(key_result, bob)
    [post] = receiver.received
    is_genuine = readme_verifier()
    stale = int(post.headers["X-OKR-Timestamp"]) - 600
    replayed = {**post.headers, "X-OKR-Timestamp": str(stale)}
    assert not is_genuine(alices_hook.secret, replayed, post.body)


def test_a_receiver_answering_500_is_tried_again_with_longer_waits_until_it_accepts(
    alices_hook, receiver, bob, key_result, django_capture_on_commit_callbacks
):
    receiver.answers = [500, 503]
    with django_capture_on_commit_callbacks(execute=False):  # the worker's part, step by step
        check_in(key_result, bob)
    [delivery] = WebhookDelivery.objects.filter(subscription=alices_hook)

    first = delivery_attempt(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert (first.state, first.retry_in) == (WebhookDelivery.State.WAITING, 30)
    assert (delivery.attempts, delivery.last_response_code) == (1, 500)
    assert delivery.last_error == "HTTP 500"
    assert delivery.last_response_body == "something broke here"
    assert delivery.next_attempt_at - timezone.now() > timedelta(seconds=25)

    second = delivery_attempt(delivery_id=delivery.pk)
    assert second.retry_in == 60  # twice as long
    third = delivery_attempt(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert third.state == WebhookDelivery.State.DELIVERED
    assert (delivery.state, delivery.attempts, delivery.last_response_code) == (
        WebhookDelivery.State.DELIVERED,
        3,
        200,
    )
    assert delivery.next_attempt_at is None
    assert delivery.last_error == ""
    # The same delivery each time: a receiver can tell a retry by its id.
    assert len({post.headers["X-OKR-Delivery"] for post in receiver.received}) == 1
    assert len({post.body for post in receiver.received}) == 1
    assert delivery_attempt(delivery_id=delivery.pk) is None  # delivered: sent once
    assert len(receiver.received) == 3


def test_a_receiver_that_is_down_gets_the_delivery_once_it_is_back(
    alice, emea, bob, key_result, django_capture_on_commit_callbacks
):
    port = free_port()  # nothing listens there yet
    hook = subscribe(
        owner=alice,
        url=f"http://127.0.0.1:{port}/hook",
        events=[EventType.CHECK_IN_RECORDED],
        scope=emea,
    )
    with django_capture_on_commit_callbacks(execute=False):
        check_in(key_result, bob)
    [delivery] = WebhookDelivery.objects.filter(subscription=hook)

    assert delivery_attempt(delivery_id=delivery.pk).retry_in == 30
    delivery.refresh_from_db()
    assert delivery.state == WebhookDelivery.State.WAITING
    assert "ConnectionError" in delivery.last_error
    assert delivery.last_response_code is None

    back = Receiver(port)
    try:
        assert delivery_attempt(delivery_id=delivery.pk).state == WebhookDelivery.State.DELIVERED
    finally:
        back.stop()
    [post] = back.received
    assert post.json()["data"]["value"] == "150"
    delivery.refresh_from_db()
    assert delivery.attempts == 2


def test_a_receiver_too_slow_to_answer_counts_as_a_failure(
    alices_hook, receiver, bob, key_result, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOKS_READ_TIMEOUT = 0.3
    receiver.delay = 1.0
    with django_capture_on_commit_callbacks(execute=False):
        check_in(key_result, bob)
    [delivery] = WebhookDelivery.objects.filter(subscription=alices_hook)

    started = time.monotonic()
    assert delivery_attempt(delivery_id=delivery.pk).state == WebhookDelivery.State.WAITING
    assert time.monotonic() - started < 1.0
    delivery.refresh_from_db()
    assert "ReadTimeout" in delivery.last_error


def test_it_gives_up_after_the_tries_allowed(
    alices_hook, receiver, bob, key_result, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOKS_TRIES = 2
    receiver.answers = [500, 500, 500]
    with django_capture_on_commit_callbacks(execute=False):
        check_in(key_result, bob)
    [delivery] = WebhookDelivery.objects.filter(subscription=alices_hook)

    assert delivery_attempt(delivery_id=delivery.pk).state == WebhookDelivery.State.WAITING
    last = delivery_attempt(delivery_id=delivery.pk)
    assert (last.state, last.retry_in) == (WebhookDelivery.State.FAILED, None)
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.next_attempt_at) == (
        WebhookDelivery.State.FAILED,
        2,
        None,
    )


def test_in_the_embedded_mode_a_failure_is_tried_once_and_left_to_send_again(
    alices_hook, receiver, bob, key_result, django_capture_on_commit_callbacks
):
    receiver.answers = [500]
    with django_capture_on_commit_callbacks(execute=True):
        check_in(key_result, bob)
    [delivery] = WebhookDelivery.objects.filter(subscription=alices_hook)
    assert (delivery.state, delivery.attempts) == (WebhookDelivery.State.FAILED, 1)
    assert len(receiver.received) == 1


def test_a_redirect_is_not_followed_and_counts_as_a_failure(
    alice, emea, bob, key_result, django_capture_on_commit_callbacks, receiver
):
    receiver.answers = [302]
    hook = subscribe(
        owner=alice, url=receiver.url(), events=[EventType.CHECK_IN_RECORDED], scope=emea
    )
    with django_capture_on_commit_callbacks(execute=False):
        check_in(key_result, bob)
    [delivery] = WebhookDelivery.objects.filter(subscription=hook)
    assert delivery_attempt(delivery_id=delivery.pk).state == WebhookDelivery.State.WAITING
    delivery.refresh_from_db()
    assert delivery.last_error == "HTTP 302"


def test_a_subscription_switched_off_meanwhile_sends_nothing(
    alices_hook, receiver, bob, key_result, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        check_in(key_result, bob)
    alices_hook.active = False
    alices_hook.save()
    [delivery] = WebhookDelivery.objects.filter(subscription=alices_hook)
    assert delivery_attempt(delivery_id=delivery.pk).state == WebhookDelivery.State.CANCELLED
    assert receiver.received == []


def test_a_proxy_in_the_environment_is_not_used(
    alices_hook, receiver, bob, key_result, monkeypatch, django_capture_on_commit_callbacks
):
    # The guard checked the target's own address; a proxy would make the request elsewhere.
    for name in ("HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy"):
        monkeypatch.setenv(name, f"http://127.0.0.1:{free_port()}")
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    with django_capture_on_commit_callbacks(execute=True):
        check_in(key_result, bob)
    assert len(receiver.received) == 1
    assert WebhookDelivery.objects.get().state == WebhookDelivery.State.DELIVERED
