"""Celery tasks of the KPI app: thin, idempotent wrappers around health and interventions."""

from __future__ import annotations

from celery import shared_task

from . import interventions, reminders, rollups


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def kpis_changed(kpi_ids: list[int]) -> dict[str, int]:
    """After new measurements: open interventions for breaches, note recoveries."""
    return interventions.interventions_update(kpi_ids).as_dict()


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def evaluate_kpi_health() -> dict[str, int]:
    """The periodic sweep: health of every KPI (so quiet ones turn stale), key results that
    missed their KPI's value, interventions that a lost message did not open."""
    from .services import follow_kpis_into_key_results

    changed = rollups.refresh_kpis()
    followed = follow_kpis_into_key_results()
    return {
        "kpis_changed": changed,
        "check_ins": followed,
        **interventions.interventions_update().as_dict(),
    }


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def send_stale_kpi_reminders() -> int:
    """The weekly digest: each owner hears of their KPIs that have gone without measurements."""
    return reminders.remind_owners_of_stale_kpis()
