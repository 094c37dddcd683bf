"""Celery tasks of the objectives app: thin, idempotent wrappers around rollups and reminders."""

from __future__ import annotations

from dataclasses import asdict

from celery import shared_task

from . import reminders, rollups


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def recompute_rollups() -> dict[str, int]:
    """Recompute every stored progress, status, alignment and unit figure (beat, and on demand)."""
    return asdict(rollups.recompute_all())


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def rollup_key_result(key_result_id: int) -> None:
    """Roll up one check-in: its KR, objective, the objectives above and the units above."""
    rollups.rollup_after_check_in(key_result_id)


# Beyond this many key results at once (a bulk upload), one full recompute is cheaper.
INCREMENTAL_LIMIT = 50


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def rollup_key_results(key_result_ids: list[int]) -> None:
    """Roll up many check-ins at once, e.g. from KPI measurements."""
    if len(key_result_ids) > INCREMENTAL_LIMIT:
        rollups.recompute_all()
        return
    for key_result_id in key_result_ids:
        rollups.rollup_after_check_in(key_result_id)


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def send_check_in_reminders() -> int:
    """The weekly digest: each owner hears of the KRs they have not checked in on for 7 days."""
    return reminders.remind_owners_of_stale_key_results()
