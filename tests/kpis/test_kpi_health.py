"""KPI health: thresholds respect the direction, a value exactly at a threshold is not a breach,
and a KPI without a measurement for the current period or the two before it is stale."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import NamedTuple

import pytest

from kpis.health import Frequency, Health, KPIDirection, kpi_health, period_start, stale_before
from kpis.rollups import refresh_kpis
from tests.factories import KPIFactory, MeasurementFactory

TODAY = date(2026, 11, 19)  # a Thursday in November, in Q4
HIGHER, LOWER = KPIDirection.HIGHER_IS_BETTER, KPIDirection.LOWER_IS_BETTER
D = Decimal


class Case(NamedTuple):
    name: str
    direction: str
    frequency: str
    value: Decimal | None
    period: date | None
    health: str


# Higher is better: target 100, warning 90, critical 80. Lower is better: target 5, warning 8,
# critical 12 (e.g. days of delivery delay).
CASES = [
    Case(
        "higher: above target",
        HIGHER,
        Frequency.MONTHLY,
        D(104),
        date(2026, 11, 1),
        Health.ON_TARGET,
    ),
    Case(
        "higher: between warning and target",
        HIGHER,
        Frequency.MONTHLY,
        D(95),
        date(2026, 11, 1),
        Health.ON_TARGET,
    ),
    Case(
        "higher: exactly at warning",
        HIGHER,
        Frequency.MONTHLY,
        D(90),
        date(2026, 11, 1),
        Health.ON_TARGET,
    ),
    Case(
        "higher: just below warning",
        HIGHER,
        Frequency.MONTHLY,
        D("89.99"),
        date(2026, 11, 1),
        Health.WARNING,
    ),
    Case(
        "higher: exactly at critical",
        HIGHER,
        Frequency.MONTHLY,
        D(80),
        date(2026, 11, 1),
        Health.WARNING,
    ),
    Case(
        "higher: below critical",
        HIGHER,
        Frequency.MONTHLY,
        D(79),
        date(2026, 11, 1),
        Health.CRITICAL,
    ),
    Case(
        "lower: below target", LOWER, Frequency.MONTHLY, D(3), date(2026, 11, 1), Health.ON_TARGET
    ),
    Case(
        "lower: exactly at warning",
        LOWER,
        Frequency.MONTHLY,
        D(8),
        date(2026, 11, 1),
        Health.ON_TARGET,
    ),
    Case("lower: above warning", LOWER, Frequency.MONTHLY, D(9), date(2026, 11, 1), Health.WARNING),
    Case(
        "lower: exactly at critical",
        LOWER,
        Frequency.MONTHLY,
        D(12),
        date(2026, 11, 1),
        Health.WARNING,
    ),
    Case(
        "lower: above critical", LOWER, Frequency.MONTHLY, D(13), date(2026, 11, 1), Health.CRITICAL
    ),
    Case("no measurement at all", HIGHER, Frequency.MONTHLY, None, None, Health.NO_DATA),
    Case(
        "monthly, two months back is fresh",
        HIGHER,
        Frequency.MONTHLY,
        D(100),
        date(2026, 9, 1),
        Health.ON_TARGET,
    ),
    Case(
        "monthly, three months back is stale",
        HIGHER,
        Frequency.MONTHLY,
        D(100),
        date(2026, 8, 1),
        Health.STALE,
    ),
    Case("stale beats critical", HIGHER, Frequency.MONTHLY, D(10), date(2026, 8, 1), Health.STALE),
    Case(
        "weekly, two weeks back is fresh",
        HIGHER,
        Frequency.WEEKLY,
        D(100),
        date(2026, 11, 2),
        Health.ON_TARGET,
    ),
    Case(
        "weekly, three weeks back is stale",
        HIGHER,
        Frequency.WEEKLY,
        D(100),
        date(2026, 10, 26),
        Health.STALE,
    ),
    Case(
        "daily, two days back is fresh",
        LOWER,
        Frequency.DAILY,
        D(5),
        date(2026, 11, 17),
        Health.ON_TARGET,
    ),
    Case(
        "daily, three days back is stale",
        LOWER,
        Frequency.DAILY,
        D(5),
        date(2026, 11, 16),
        Health.STALE,
    ),
    Case(
        "quarterly, two quarters back is fresh",
        HIGHER,
        Frequency.QUARTERLY,
        D(100),
        date(2026, 4, 1),
        Health.ON_TARGET,
    ),
    Case(
        "quarterly, three quarters back is stale",
        HIGHER,
        Frequency.QUARTERLY,
        D(100),
        date(2026, 1, 1),
        Health.STALE,
    ),
]


def thresholds(direction: str) -> dict[str, Decimal]:
    if direction == HIGHER:
        return {"target": D(100), "warning_threshold": D(90), "critical_threshold": D(80)}
    return {"target": D(5), "warning_threshold": D(8), "critical_threshold": D(12)}


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_formula(case: Case):
    limits = thresholds(case.direction)
    health = kpi_health(
        direction=case.direction,
        frequency=case.frequency,
        warning=limits["warning_threshold"],
        critical=limits["critical_threshold"],
        latest_value=case.value,
        latest_period=case.period,
        today=TODAY,
    )
    assert health == case.health


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_stored_evaluation(db, case: Case):
    kpi = KPIFactory(
        direction=case.direction, frequency=case.frequency, **thresholds(case.direction)
    )
    if case.value is not None:
        MeasurementFactory(kpi=kpi, period=date(2025, 1, 1), value=D(0))  # an older one
        MeasurementFactory(kpi=kpi, period=case.period, value=case.value)

    refresh_kpis([kpi.pk], today=TODAY)

    kpi.refresh_from_db()
    assert kpi.latest_value == case.value
    assert kpi.latest_period == case.period
    assert kpi.health == case.health
    assert kpi.calculated_health(today=TODAY) == case.health


@pytest.mark.parametrize(
    ("day", "frequency", "start"),
    [
        (date(2026, 11, 19), Frequency.DAILY, date(2026, 11, 19)),
        (date(2026, 11, 19), Frequency.WEEKLY, date(2026, 11, 16)),
        (date(2026, 11, 16), Frequency.WEEKLY, date(2026, 11, 16)),
        (date(2026, 11, 19), Frequency.MONTHLY, date(2026, 11, 1)),
        (date(2026, 11, 19), Frequency.QUARTERLY, date(2026, 10, 1)),
        (date(2026, 3, 31), Frequency.QUARTERLY, date(2026, 1, 1)),
    ],
)
def test_period_start(day, frequency, start):
    assert period_start(day, frequency) == start


@pytest.mark.parametrize(
    ("frequency", "cutoff"),
    [
        (Frequency.DAILY, date(2026, 11, 17)),
        (Frequency.WEEKLY, date(2026, 11, 2)),
        (Frequency.MONTHLY, date(2026, 9, 1)),
        (Frequency.QUARTERLY, date(2026, 4, 1)),
    ],
)
def test_stale_cutoff_is_two_periods_before_the_current_one(frequency, cutoff):
    assert stale_before(frequency, TODAY) == cutoff


def test_stale_cutoff_crosses_a_year_boundary():
    assert stale_before(Frequency.MONTHLY, date(2027, 1, 15)) == date(2026, 11, 1)
    assert stale_before(Frequency.QUARTERLY, date(2027, 2, 1)) == date(2026, 7, 1)
