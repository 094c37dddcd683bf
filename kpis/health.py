"""KPI periods and health, as pure functions.

A threshold is breached when the value is worse than it; a value exactly at a threshold is still
in the better band. A KPI is stale when it has no measurement for the current period or the two
before it. ``kpis.rollups`` holds the set-based SQL twin of ``kpi_health``; both are tested on the
same table of cases.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

STALE_AFTER_PERIODS = 2


class Frequency(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")


class KPIDirection(models.TextChoices):
    HIGHER_IS_BETTER = "higher", _("Higher is better")
    LOWER_IS_BETTER = "lower", _("Lower is better")


class Health(models.TextChoices):
    ON_TARGET = "on_target", _("On target")
    WARNING = "warning", _("Warning")
    CRITICAL = "critical", _("Critical")
    STALE = "stale", _("Stale: no recent measurement")
    NO_DATA = "no_data", _("No data yet")


# Inside a sentence ("went into warning"): lower case in English, a capital noun in German, so
# never the label passed through .lower().
IN_A_SENTENCE = {
    Health.ON_TARGET: pgettext_lazy("KPI health inside a sentence", "on target"),
    Health.WARNING: pgettext_lazy("KPI health inside a sentence", "warning"),
    Health.CRITICAL: pgettext_lazy("KPI health inside a sentence", "critical"),
    Health.STALE: pgettext_lazy("KPI health inside a sentence", "stale"),
    Health.NO_DATA: pgettext_lazy("KPI health inside a sentence", "no data"),
}


def health_in_a_sentence(health: str) -> str:
    return str(IN_A_SENTENCE.get(health, health))


TARGET_MET = _("Target met")
WITHIN_TOLERANCE = {
    KPIDirection.HIGHER_IS_BETTER: _("Below target, within tolerance"),
    KPIDirection.LOWER_IS_BETTER: _("Above target, within tolerance"),
}


def health_words(
    *, health: str, direction: str, latest_value: Decimal | None, target: Decimal
) -> str:
    """What a person reads for a KPI's health. "On target" covers the band from the target to
    the warning threshold, so it is told apart: the target met, or short of it within tolerance."""
    if health == Health.ON_TARGET and latest_value is not None:
        if direction == KPIDirection.HIGHER_IS_BETTER:
            met = latest_value >= target
        else:
            met = latest_value <= target
        return str(TARGET_MET if met else WITHIN_TOLERANCE[direction])
    return str(Health(health).label)


def period_start(day: date, frequency: str) -> date:
    """The first day of the period that contains ``day``: Monday, the 1st, or a quarter's start."""
    if frequency == Frequency.DAILY:
        return day
    if frequency == Frequency.WEEKLY:
        return day - timedelta(days=day.weekday())
    if frequency == Frequency.MONTHLY:
        return day.replace(day=1)
    if frequency == Frequency.QUARTERLY:
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    raise ValueError(f"Unknown frequency {frequency!r}")


def shift_periods(start: date, frequency: str, periods: int) -> date:
    """The start of the period ``periods`` after (or, if negative, before) ``start``'s period."""
    if frequency == Frequency.DAILY:
        return start + timedelta(days=periods)
    if frequency == Frequency.WEEKLY:
        return start + timedelta(weeks=periods)
    months = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3}[frequency] * periods
    month_index = start.year * 12 + start.month - 1 + months
    return date(month_index // 12, month_index % 12 + 1, 1)


def stale_before(frequency: str, today: date) -> date:
    """A KPI whose latest period starts before this date is stale."""
    return shift_periods(period_start(today, frequency), frequency, -STALE_AFTER_PERIODS)


def thresholds_in_order(
    *, direction: str, target: Decimal, warning: Decimal, critical: Decimal
) -> bool:
    """Critical lies beyond warning, and warning no further than the target, going worse."""
    if direction == KPIDirection.HIGHER_IS_BETTER:
        return critical < warning <= target
    return target <= warning < critical


def kpi_health(
    *,
    direction: str,
    frequency: str,
    warning: Decimal,
    critical: Decimal,
    latest_value: Decimal | None,
    latest_period: date | None,
    today: date,
) -> str:
    """Health of a KPI from its latest measurement, its thresholds and its freshness."""
    if latest_period is None or latest_value is None:
        return Health.NO_DATA
    if latest_period < stale_before(frequency, today):
        return Health.STALE
    if direction == KPIDirection.HIGHER_IS_BETTER:
        if latest_value < critical:
            return Health.CRITICAL
        if latest_value < warning:
            return Health.WARNING
        return Health.ON_TARGET
    if latest_value > critical:
        return Health.CRITICAL
    if latest_value > warning:
        return Health.WARNING
    return Health.ON_TARGET
