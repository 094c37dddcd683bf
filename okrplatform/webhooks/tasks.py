"""Celery task of the webhooks: one delivery, tried again with backoff while it fails."""

from __future__ import annotations

from celery import Task, shared_task

from .delivery import delivery_attempt


@shared_task(bind=True, max_retries=None, ignore_result=True)
def deliver_webhook(self: Task, delivery_id: int) -> None:
    """Send one delivery. A failure waits and tries again (the delivery counts the tries and
    decides when to stop); in the embedded mode, without a worker to wait, it is tried once and
    left for *Send again* in admin, as e-mail is."""
    outcome = delivery_attempt(delivery_id=delivery_id, last_try=self.request.is_eager)
    if outcome is not None and outcome.retry_in is not None:
        raise self.retry(countdown=outcome.retry_in)
