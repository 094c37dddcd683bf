"""A small strategy in three horizons: a breakthrough objective of the company's plan, an annual
objective under it, and quarterly objectives of the regions and a team; plus one that aligns to
nothing."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from django.urls import reverse

from objectives.models import Cycle, Objective
from objectives.rollups import recompute_all
from tests.factories import CycleFactory, MembershipFactory, ObjectiveFactory, OrgUnitFactory


@pytest.fixture
def cycles(db):
    plan = CycleFactory(
        name="Plan 2025–2029",
        kind=Cycle.Kind.MULTI_YEAR,
        start_date=date(2025, 1, 1),
        end_date=date(2029, 12, 31),
    )
    year = CycleFactory(
        name="FY 2026",
        kind=Cycle.Kind.YEAR,
        parent=plan,
        start_date=date(2026, 1, 1),
        end_date=date(2026, 12, 31),
    )
    q3 = CycleFactory(
        name="Q3 2026", parent=year, start_date=date(2026, 7, 1), end_date=date(2026, 9, 30)
    )
    q4 = CycleFactory(name="Q4 2026", parent=year)
    return SimpleNamespace(plan=plan, year=year, q3=q3, q4=q4)


@pytest.fixture
def strategy(company, emea, emea_logistics, apac, cycles, alice):
    def objective(title, unit, cycle, level=Objective.Level.QUARTERLY, **fields):
        return ObjectiveFactory(title=title, unit=unit, cycle=cycle, level=level, **fields)

    reliable = objective(
        "Be the most reliable partner", company, cycles.plan, Objective.Level.BREAKTHROUGH
    )
    on_time = objective("Deliver on time", company, cycles.year, Objective.Level.ANNUAL)
    on_time.parent = reliable
    on_time.save()
    emea_on_time = objective("EMEA on time at 97%", emea, cycles.q4, parent=on_time, owner=alice)
    dock = objective("Dock to stock in a day", emea_logistics, cycles.q4, parent=emea_on_time)
    apac_on_time = objective("APAC on time at 95%", apac, cycles.q4, parent=on_time)
    earlier = objective("EMEA carriers scored", emea, cycles.q3, parent=on_time)
    repaint = objective("Repaint the warehouse", emea_logistics, cycles.q4)
    signs = objective("New signs in the warehouse", emea_logistics, cycles.q4, parent=repaint)
    recompute_all(on=cycles.q4.start_date)
    return SimpleNamespace(
        reliable=reliable,
        on_time=on_time,
        emea_on_time=emea_on_time,
        dock=dock,
        apac_on_time=apac_on_time,
        earlier=earlier,
        repaint=repaint,
        signs=signs,
    )


def grow_teams(*, under, objective, cycle, teams: int) -> None:
    """Teams below ``under``, each with an objective aligned to ``objective`` and one aligned to
    nothing, to show that a page's query count does not grow with the organisation."""
    for _ in range(teams):
        team = OrgUnitFactory(parent=under)
        MembershipFactory(unit=team)
        aligned = ObjectiveFactory(unit=team, cycle=cycle, parent=objective)
        ObjectiveFactory(unit=team, cycle=cycle, parent=aligned)
        ObjectiveFactory(unit=team, cycle=cycle)
    recompute_all(on=cycle.start_date)


@pytest.fixture
def stays_bounded(client, emea, cycles, strategy, django_assert_max_num_queries):
    """``stays_bounded(person, view, unit, queries)``: the page runs at most that many queries on
    the organisation as it is, then again with ten times as many teams below EMEA."""

    def check(person, view: str, unit, queries: int):
        client.force_login(person)
        params = {"unit": unit.pk, "cycle": cycles.q4.pk}
        for teams in (3, 30):
            grow_teams(under=emea, objective=strategy.emea_on_time, cycle=cycles.q4, teams=teams)
            with django_assert_max_num_queries(queries):
                response = client.get(reverse(view), params)
            assert response.status_code == 200
        return response

    return check
