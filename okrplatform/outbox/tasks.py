"""Celery tasks of the outbox: relaying waiting work, and sending e-mail with retries."""

from __future__ import annotations

import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from .models import EmailDelivery
from .relay import forget_sent, relay

logger = logging.getLogger(__name__)

EMAIL_TRIES = 8


@shared_task(ignore_result=True)
def relay_outbox() -> int:
    """Beat, every few seconds: hand waiting work to the broker (it answers again)."""
    handed = relay()
    forget_sent()
    return handed


@shared_task(bind=True, max_retries=EMAIL_TRIES - 1, ignore_result=True)
def deliver_email(self, delivery_id: int) -> None:
    """Send one e-mail; a refusing mail server is tried again, backing off up to an hour."""
    delivery = EmailDelivery.objects.filter(
        pk=delivery_id, state=EmailDelivery.State.WAITING
    ).first()
    if delivery is None:
        return  # sent already: a task delivered twice sends once
    try:
        send_mail(
            delivery.subject,
            delivery.body,
            settings.DEFAULT_FROM_EMAIL,
            [delivery.recipient],
        )
    except (smtplib.SMTPException, OSError) as error:
        attempts = delivery.attempts + 1
        gives_up = self.request.is_eager or attempts >= EMAIL_TRIES
        EmailDelivery.objects.filter(pk=delivery.pk).update(
            attempts=attempts,
            last_error=f"{type(error).__name__}: {error}"[:2000],
            state=EmailDelivery.State.FAILED if gives_up else EmailDelivery.State.WAITING,
        )
        logger.warning("e-mail %s to %s not sent: %s", delivery.pk, delivery.recipient, error)
        if gives_up:
            return
        raise self.retry(countdown=min(30 * 2**self.request.retries, 3600)) from error
    EmailDelivery.objects.filter(pk=delivery.pk).update(
        state=EmailDelivery.State.SENT, sent_at=timezone.now(), attempts=delivery.attempts + 1
    )
