"""Sending one delivery once: signed, with short timeouts, and what happened written down.

Any answer but 2xx is a failure, and so is a redirect (it is not followed: the guard checked the
address given, not the one a redirect names). A failure is tried again later, waiting twice as
long each time, up to an hour, until ``WEBHOOKS_TRIES`` tries have failed.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass
from datetime import timedelta

import requests
from django.conf import settings
from django.utils import timezone

from .models import WebhookDelivery
from .signing import signature
from .targets import TargetRefused, TargetUnresolved, target_check

logger = logging.getLogger(__name__)

RESPONSE_KEPT = 1000  # characters of the receiver's answer kept in the log
LONGEST_WAIT = 3600.0
USER_AGENT = "okrplatform-webhooks/1"


@dataclass(frozen=True)
class Outcome:
    """What a try did; ``retry_in`` seconds when it is to be tried again."""

    state: str
    retry_in: float | None = None


def backoff(attempts: int) -> float:
    """Seconds to wait after the ``attempts``-th failed try: doubling, up to an hour."""
    return min(math.ldexp(float(settings.WEBHOOKS_BACKOFF_SECONDS), attempts - 1), LONGEST_WAIT)


def delivery_headers(delivery: WebhookDelivery, *, body: bytes, timestamp: int) -> dict[str, str]:
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "X-OKR-Event": delivery.event_type,
        "X-OKR-Delivery": str(delivery.uuid),
        "X-OKR-Timestamp": str(timestamp),
        "X-OKR-Signature": signature(
            secret=delivery.subscription.secret, timestamp=timestamp, body=body
        ),
    }


def delivery_attempt(*, delivery_id: int, last_try: bool = False) -> Outcome | None:
    """Try one waiting delivery now; ``last_try`` gives up after a failure whatever the count.
    None when there is nothing to send (sent already, or never written)."""
    delivery = (
        WebhookDelivery.objects.select_related("subscription")
        .filter(pk=delivery_id, state=WebhookDelivery.State.WAITING)
        .first()
    )
    if delivery is None:
        return None  # a task delivered twice sends once
    subscription = delivery.subscription
    if not subscription.active:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            state=WebhookDelivery.State.CANCELLED, next_attempt_at=None
        )
        return Outcome(WebhookDelivery.State.CANCELLED)
    body = delivery.body.encode()
    code: int | None = None
    answer = ""
    error = ""
    retryable = True
    try:
        target_check(subscription.target_url)
        with requests.Session() as session:
            # No proxy or .netrc from the environment: the guard checked this very address.
            session.trust_env = False
            response = session.post(
                subscription.target_url,
                data=body,
                headers=delivery_headers(delivery, body=body, timestamp=int(time.time())),
                timeout=(settings.WEBHOOKS_CONNECT_TIMEOUT, settings.WEBHOOKS_READ_TIMEOUT),
                allow_redirects=False,
            )
        code, answer = response.status_code, response.text[:RESPONSE_KEPT]
        if not 200 <= code < 300:
            error = f"HTTP {code}"
    except TargetUnresolved as refused:
        error = str(refused)
    except TargetRefused as refused:
        error, retryable = str(refused), False  # trying again would be refused again
    except requests.RequestException as failure:
        error = f"{type(failure).__name__}: {failure}"
    attempts = delivery.attempts + 1
    now = timezone.now()
    if not error:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            state=WebhookDelivery.State.DELIVERED,
            attempts=attempts,
            last_response_code=code,
            last_response_body=answer,
            last_error="",
            next_attempt_at=None,
            delivered_at=now,
        )
        return Outcome(WebhookDelivery.State.DELIVERED)
    gives_up = last_try or not retryable or attempts >= settings.WEBHOOKS_TRIES
    wait = None if gives_up else backoff(attempts)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        state=WebhookDelivery.State.FAILED if gives_up else WebhookDelivery.State.WAITING,
        attempts=attempts,
        last_response_code=code,
        last_response_body=answer,
        last_error=error[:2000],
        next_attempt_at=None if wait is None else now + timedelta(seconds=wait),
    )
    logger.warning(
        "webhook %s to %s not delivered (try %d): %s",
        delivery.uuid,
        subscription.name,
        attempts,
        error,
    )
    if wait is None:
        return Outcome(WebhookDelivery.State.FAILED)
    return Outcome(WebhookDelivery.State.WAITING, wait)
