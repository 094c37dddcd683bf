"""Through a real Celery worker on Redis: a check-in made while the broker is down is written
down with its delivery; once Redis is back, beat relays it and the worker posts it to a receiver
that answers 500 twice before it takes it. Nothing is lost, and the log counts the tries."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import transaction

from objectives.services import check_in_record
from okrplatform.celery import app
from okrplatform.outbox.models import OutboxTask
from okrplatform.webhooks.models import EventType, WebhookDelivery
from okrplatform.webhooks.signing import signature_holds
from tests.faults.conftest import own_redis  # noqa: F401 - a redis-server of the test's own
from tests.workers import forget_broker_pools, start_worker, stop_worker, wait_until

from .conftest import subscribe

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_delivery_survives_a_broker_outage_and_a_failing_receiver(
    own_redis,  # noqa: F811 - the fixture imported above
    alice,
    emea,
    bob,
    key_result,
    receiver,
    tmp_path,
    monkeypatch,
):
    hook = subscribe(
        owner=alice, url=receiver.url(), events=[EventType.CHECK_IN_RECORDED], scope=emea
    )
    receiver.answers = [500, 500]
    monkeypatch.setenv("CELERY_BROKER_URL", own_redis.url)
    forget_broker_pools()
    eager, broker = app.conf.task_always_eager, app.conf.broker_url
    app.conf.update(task_always_eager=False, broker_url=own_redis.url)
    worker = None
    try:
        own_redis.stop()  # the broker is down while Bob checks in
        with transaction.atomic():
            check_in_record(key_result=key_result, author=bob, value=Decimal(150), confidence=8)
        delivery = WebhookDelivery.objects.get(subscription=hook)
        assert (delivery.state, delivery.attempts) == (WebhookDelivery.State.WAITING, 0)
        assert OutboxTask.objects.filter(
            task="okrplatform.webhooks.tasks.deliver_webhook", sent_at__isnull=True
        ).exists()

        own_redis.start()
        forget_broker_pools()
        worker, log = start_worker(
            own_redis.url,
            tmp_path / "beat-schedule",
            WEBHOOKS_ALLOW_PRIVATE_TARGETS="true",
            WEBHOOKS_TARGET_HOSTS="127.0.0.1",
            WEBHOOKS_BACKOFF_SECONDS="0.5",
        )

        def delivered() -> bool:
            delivery.refresh_from_db()
            return delivery.state == WebhookDelivery.State.DELIVERED

        assert wait_until(delivered, timeout=60), log.text()
    finally:
        app.conf.update(task_always_eager=eager, broker_url=broker)
        forget_broker_pools()
        if worker is not None:
            stop_worker(worker)

    assert (delivery.attempts, delivery.last_response_code) == (3, 200)
    assert len(receiver.received) == 3
    assert {post.headers["X-OKR-Delivery"] for post in receiver.received} == {str(delivery.uuid)}
    for post in receiver.received:
        assert signature_holds(
            secret=hook.secret,
            timestamp=int(post.headers["X-OKR-Timestamp"]),
            body=post.body,
            header=post.headers["X-OKR-Signature"],
        )
    assert receiver.received[0].json()["data"]["value"] == "150"
