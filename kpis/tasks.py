"""Celery tasks of the KPI app: thin, idempotent wrappers around its reminders."""

from __future__ import annotations

from celery import shared_task

from . import reminders


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def send_stale_kpi_reminders() -> int:
    """The weekly digest: each owner hears of their KPIs that have gone without measurements."""
    return reminders.remind_owners_of_stale_kpis()
