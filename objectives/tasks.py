"""Celery tasks of the objectives app: thin, idempotent wrappers around rollups and reminders."""

from __future__ import annotations

from dataclasses import asdict

from celery import shared_task

from kpis.rollups import refresh_kpis

from . import interventions, reminders, rollups
from .services import check_ins_record_from_kpis


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


# Named as when they lived in the KPI app: the name is what the broker and beat know them by.
@shared_task(
    name="kpis.tasks.kpis_changed", autoretry_for=(Exception,), retry_backoff=True, max_retries=5
)
def kpis_changed(kpi_ids: list[int] | None) -> dict[str, int]:
    """After new measurements: open interventions for breaches, note recoveries."""
    return interventions.interventions_update(kpi_ids).as_dict()


@shared_task(
    name="kpis.tasks.evaluate_kpi_health",
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=5,
)
def evaluate_kpi_health() -> dict[str, int]:
    """The periodic sweep: health of every KPI (so quiet ones turn stale), key results that
    missed their KPI's value, interventions that a lost message did not open."""
    changed = refresh_kpis()
    followed = check_ins_record_from_kpis()
    return {
        "kpis_changed": changed,
        "check_ins": followed,
        **interventions.interventions_update().as_dict(),
    }
