"""Set-based evaluation of every KPI's latest measurement and health.

``kpi_health_sql`` is the SQL twin of ``kpis.health.kpi_health``; the tests run one table of cases
against both.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from django.db.models import Case, F, OuterRef, Subquery, Value, When
from django.utils import timezone

from okrplatform.db import update_changed

from .events import health_before_refresh, kpi_health_changes_emit
from .health import Frequency, Health, KPIDirection, stale_before
from .models import KPI, Measurement


def kpi_health_sql(today: date) -> Case:
    higher, lower = KPIDirection.HIGHER_IS_BETTER, KPIDirection.LOWER_IS_BETTER
    stale = [
        When(
            frequency=frequency,
            latest_period__lt=stale_before(frequency, today),
            then=Value(Health.STALE),
        )
        for frequency in Frequency
    ]
    return Case(
        When(latest_period__isnull=True, then=Value(Health.NO_DATA)),
        *stale,
        When(
            direction=higher, latest_value__lt=F("critical_threshold"), then=Value(Health.CRITICAL)
        ),
        When(direction=higher, latest_value__lt=F("warning_threshold"), then=Value(Health.WARNING)),
        When(
            direction=lower, latest_value__gt=F("critical_threshold"), then=Value(Health.CRITICAL)
        ),
        When(direction=lower, latest_value__gt=F("warning_threshold"), then=Value(Health.WARNING)),
        default=Value(Health.ON_TARGET),
    )


def refresh_kpis(ids: Collection[int] | None = None, today: date | None = None) -> int:
    """Store each KPI's latest measurement and its health on ``today``, writing only the KPIs
    that change; returns how many changed."""
    kpis = KPI.objects.all() if ids is None else KPI.objects.filter(pk__in=ids)
    health_before = health_before_refresh(kpis)
    latest = Measurement.objects.filter(kpi=OuterRef("pk")).order_by("-period")
    changed = update_changed(
        kpis,
        latest_value=Subquery(latest.values("value")[:1]),
        latest_period=Subquery(latest.values("period")[:1]),
    )
    changed += update_changed(kpis, health=kpi_health_sql(today or timezone.localdate()))
    if health_before is not None:
        kpi_health_changes_emit(kpis, health_before)
    return changed
