"""Celery tasks of the objectives app: thin, idempotent wrappers around the rollups."""

from __future__ import annotations

from dataclasses import asdict

from celery import shared_task

from . import rollups


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def recompute_rollups() -> dict[str, int]:
    """Recompute every stored progress, status, alignment and unit figure (beat, and on demand)."""
    return asdict(rollups.recompute_all())
