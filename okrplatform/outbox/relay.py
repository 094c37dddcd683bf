"""A transactional outbox: work to do after a commit is written down in that commit, then relayed
to Celery. A broker that is down delays the work and never fails the request or loses it.

Services call ``after_commit("objectives.tasks.rollup_key_result", key_result_id=7)``. The row
is written in the caller's transaction; once it commits, this process hands the task to the
broker at once. If the broker does not answer, the row waits: the next commit that relays, and
the ``relay_outbox`` beat task every few seconds, hand it over as soon as the broker is back.

Tasks are named rather than imported, so services never import the tasks that call them.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from datetime import timedelta

from celery import current_app
from django.db import transaction
from django.utils import timezone

from .models import EmailDelivery, OutboxTask

logger = logging.getLogger(__name__)

# Waiting rows a relay picks up beside its own: enough to drain a backlog in a few beats.
BACKLOG_PER_RELAY = 200
# Without a broker (the embedded default) a task that fails runs again with later relays, this
# often at most; with a broker a row waits as long as the broker is away.
EAGER_TRIES = 5
SENT_KEPT_FOR = timedelta(days=7)


def after_commit(
    task: str, /, *, once_per_transaction: bool = False, **kwargs
) -> OutboxTask | None:
    """Run the Celery task ``task`` with ``kwargs`` (JSON values) once this transaction commits.

    With ``once_per_transaction``, asking again for the same task and arguments in the same
    transaction adds nothing (an import's thousand rows ask for one recompute)."""
    key = (task, json.dumps(kwargs, sort_keys=True))
    connection = transaction.get_connection()
    if once_per_transaction and connection.in_atomic_block:
        for _savepoints, callback, _robust in connection.run_on_commit:
            if getattr(callback, "outbox_key", None) == key:
                return None
    row = OutboxTask.objects.create(task=task, kwargs=kwargs)

    def relay_this() -> None:
        relay([row.pk])

    relay_this.outbox_key = key  # type: ignore[attr-defined]
    transaction.on_commit(relay_this)
    return row


def email_after_commit(*, recipient: str, subject: str, body: str) -> EmailDelivery:
    """Send an e-mail once this transaction commits, by a task that retries and backs off."""
    delivery = EmailDelivery.objects.create(recipient=recipient, subject=subject, body=body)
    after_commit("okrplatform.outbox.tasks.deliver_email", delivery_id=delivery.pk)
    return delivery


def relay(ids: Iterable[int] = (), *, backlog: int = BACKLOG_PER_RELAY) -> int:
    """Hand the given rows, and up to ``backlog`` older waiting ones, to the broker.

    Returns how many were handed over; stops at the first the broker refuses (it is down, and
    the rest would be refused too)."""
    eager = current_app.conf.task_always_eager
    waiting = OutboxTask.objects.filter(sent_at__isnull=True)
    rows = list(waiting.filter(pk__in=list(ids)))
    if backlog:
        older = waiting.exclude(pk__in=[row.pk for row in rows])
        if eager:
            older = older.filter(attempts__lt=EAGER_TRIES)
        rows += list(older[:backlog])
    handed = 0
    for row in rows:
        if _hand_over(row):
            handed += 1
        elif not eager:
            break  # the broker is down: the rest would be refused too
    return handed


def forget_sent() -> int:
    """Rows handed over a week ago are history nobody reads."""
    deleted, _ = OutboxTask.objects.filter(sent_at__lt=timezone.now() - SENT_KEPT_FOR).delete()
    return deleted


def _hand_over(row: OutboxTask) -> bool:
    app = current_app
    try:
        if app.conf.task_always_eager:
            # The embedded default has no broker: the task runs here, after the commit. Task
            # modules are imported the first time one is missing, as a worker does at its start.
            if row.task not in app.tasks:
                app.loader.import_default_modules()
            app.tasks[row.task].apply(kwargs=row.kwargs, throw=True)
        else:
            app.send_task(row.task, kwargs=row.kwargs, retry=False)
    except Exception as error:
        OutboxTask.objects.filter(pk=row.pk).update(
            attempts=row.attempts + 1, last_error=f"{type(error).__name__}: {error}"[:2000]
        )
        logger.warning("outbox: %s waits for the broker (%s)", row.task, error)
        return False
    OutboxTask.objects.filter(pk=row.pk).update(sent_at=timezone.now(), attempts=row.attempts + 1)
    return True
