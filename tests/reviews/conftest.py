"""EMEA's quarterly review: Alice manages EMEA; Bob's team in EMEA Logistics has an objective
whose key results were delivered while the cost it was about did not move."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from kpis.health import KPIDirection
from objectives.models import KPILink, Objective
from objectives.rollups import recompute_all
from tests.factories import (
    CheckInFactory,
    KeyResultFactory,
    KPIFactory,
    MeasurementFactory,
    ObjectiveFactory,
    ReviewMeetingFactory,
)


def check_in(key_result, percent: int, days_ago: int = 1, confidence: int = 7):
    return CheckInFactory(
        key_result=key_result,
        value=Decimal(percent),
        confidence=confidence,
        created_at=timezone.now() - timedelta(days=days_ago),
    )


@pytest.fixture
def review(emea, quarter, alice, bob):
    return ReviewMeetingFactory(
        unit=emea,
        cycle=quarter,
        title="EMEA quarterly review Q4 2026",
        facilitator=alice,
        scheduled_for=timezone.make_aware(datetime(2026, 12, 18, 10)),
    )


@pytest.fixture
def emea_plan(emea, emea_logistics, quarter, alice, bob):
    """Three objectives: one delivered, one whose KRs were delivered but whose cost KPI did not
    move (a strategy miss), one whose KRs were not delivered (an execution miss)."""
    delivered = ObjectiveFactory(
        title="Certify every dispatcher", unit=emea, cycle=quarter, owner=alice
    )
    check_in(KeyResultFactory(objective=delivered, title="Dispatchers certified"), 100)

    cost = ObjectiveFactory(
        title="Cut last-mile cost", unit=emea_logistics, cycle=quarter, owner=bob
    )
    for title in ("Carrier contracts renegotiated", "Routes optimised"):
        check_in(KeyResultFactory(objective=cost, title=title, owner=bob), 90)
    cost_per_parcel = KPIFactory(
        name="Cost per parcel",
        unit=emea_logistics,
        owner=bob,
        direction=KPIDirection.LOWER_IS_BETTER,
        target=Decimal("7.0"),
        warning_threshold=Decimal("8.0"),
        critical_threshold=Decimal("9.0"),
    )
    MeasurementFactory(kpi=cost_per_parcel, period=date(2026, 9, 1), value=Decimal("8.40"))
    MeasurementFactory(kpi=cost_per_parcel, period=date(2026, 11, 1), value=Decimal("8.41"))
    KPILink.objects.create(kpi=cost_per_parcel, objective=cost, kind=KPILink.Kind.LEADS)

    hiring = ObjectiveFactory(
        title="Staff the second shift",
        unit=emea_logistics,
        cycle=quarter,
        owner=bob,
        kind=Objective.Kind.ASPIRATIONAL,
    )
    operators = KeyResultFactory(objective=hiring, title="Operators hired", owner=bob, weight=2)
    check_in(operators, 20)
    check_in(KeyResultFactory(objective=hiring, title="Shift lead hired", owner=bob), 100)
    recompute_all(on=quarter.end_date)
    return SimpleNamespace(
        delivered=delivered, cost=cost, hiring=hiring, cost_per_parcel=cost_per_parcel
    )
