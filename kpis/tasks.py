"""Celery tasks of the KPI app: thin, idempotent wrappers around the health evaluation."""

from __future__ import annotations

from celery import shared_task

from . import rollups


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def evaluate_kpi_health() -> int:
    """Re-evaluate every KPI's latest value and health, so stale KPIs show as stale."""
    return rollups.refresh_kpis()
