"""The Hoshin X-matrix: the four lists of a unit's plan and the correlations the data implies."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.urls import reverse

from alignment import xmatrix
from alignment.xmatrix import STRONG, WEAK, x_matrix
from objectives.models import InitiativeContribution, KPILink
from okrplatform.org.access import access_for
from tests.factories import (
    InitiativeFactory,
    KeyResultFactory,
    KPIFactory,
    KPILinkFactory,
    ObjectiveFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(company, emea, emea_logistics, apac, cycles, strategy):
    """Initiatives driving key results, KPIs leading, guarding and driving, around `strategy`."""
    service = ObjectiveFactory(
        title="Grow service revenue", unit=company, cycle=cycles.year, level="annual"
    )
    service.supports.add(strategy.reliable)
    launch = ObjectiveFactory(
        title="Launch X7", unit=company, cycle=cycles.q4, parent=strategy.on_time
    )
    regions = KeyResultFactory(objective=launch, title="Regions where X7 can be ordered")
    dock_hours = KPIFactory(name="Dock-to-stock hours", unit=emea_logistics)
    dock_kr = KeyResultFactory(
        objective=strategy.dock, title="Dock to stock in 24 hours", driving_kpi=dock_hours
    )
    apac_kr = KeyResultFactory(objective=strategy.apac_on_time, title="APAC late orders halved")
    on_time_kpi = KPIFactory(name="On-time delivery EMEA", unit=emea)
    KPILinkFactory(kpi=on_time_kpi, objective=strategy.emea_on_time, kind=KPILink.Kind.LEADS)
    throughput = KPIFactory(name="Throughput", unit=emea)
    KPILinkFactory(kpi=throughput, objective=strategy.dock, kind=KPILink.Kind.GUARDS)

    def initiative(title, unit, *contributions):
        made = InitiativeFactory(title=title, unit=unit, cycle=cycles.year)
        for key_result, strength in contributions:
            InitiativeContribution.objects.create(
                initiative=made, key_result=key_result, strength=strength
            )
        return made

    return SimpleNamespace(
        service=service,
        launch=launch,
        regions=regions,
        dock_hours=dock_hours,
        on_time_kpi=on_time_kpi,
        throughput=throughput,
        routes=initiative("Route optimisation", emea_logistics, (dock_kr, STRONG), (apac_kr, WEAK)),
        scorecards=initiative("Carrier scorecards", apac, (apac_kr, WEAK)),
        pilot=initiative("X7 pilot line", company, (regions, STRONG)),
    )


PREFIX = {"Objective": "o", "Initiative": "i", "KPI": "k", "KeyResult": "r"}


def mark(matrix, first, second) -> str:
    """The mark in the corner where ``first`` and ``second`` meet."""

    def key(thing) -> str:
        return f"{PREFIX[type(thing).__name__]}{thing.pk}"

    return matrix.marks.get((key(first), key(second)), "")


@pytest.fixture
def matrix(sam, company, cycles, plan):
    return x_matrix(company, cycles.q4, access_for(sam))


def test_the_four_lists(matrix):
    assert [item.title for item in matrix.breakthrough] == ["Be the most reliable partner"]
    assert [item.title for item in matrix.annual] == ["Deliver on time", "Grow service revenue"]
    assert [item.title for item in matrix.priorities] == [
        "Carrier scorecards",
        "Route optimisation",
        "X7 pilot line",
    ]
    assert [item.title for item in matrix.targets] == [
        "Regions where X7 can be ordered",  # a key result of the company's own objective
        "Dock-to-stock hours",  # drives a key result in scope
        "On-time delivery EMEA",  # leads an objective in scope
        "Throughput",  # guards one
    ]


def test_annual_objectives_correlate_strongly_with_the_breakthrough_they_align_to(
    matrix, strategy, plan
):
    assert mark(matrix, strategy.on_time, strategy.reliable) == STRONG
    assert mark(matrix, plan.service, strategy.reliable) == WEAK, "it only also supports it"


def test_initiatives_correlate_with_the_annual_objectives_their_key_results_serve(
    matrix, strategy, plan
):
    assert mark(matrix, strategy.on_time, plan.routes) == STRONG, "the strongest contribution"
    assert mark(matrix, strategy.on_time, plan.scorecards) == WEAK
    assert mark(matrix, plan.service, plan.routes) == ""


def test_initiatives_correlate_with_the_targets_they_move(matrix, plan):
    assert mark(matrix, plan.pilot, plan.regions) == STRONG, "it drives that key result"
    assert mark(matrix, plan.routes, plan.dock_hours) == STRONG, "it drives the KR the KPI drives"
    assert mark(matrix, plan.routes, plan.on_time_kpi) == WEAK, "the KPI leads an objective above"
    assert mark(matrix, plan.routes, plan.throughput) == WEAK
    assert mark(matrix, plan.scorecards, plan.on_time_kpi) == ""


def test_targets_correlate_with_the_breakthrough_objectives_they_serve(matrix, strategy, plan):
    assert mark(matrix, plan.regions, strategy.reliable) == STRONG
    assert mark(matrix, plan.on_time_kpi, strategy.reliable) == STRONG, "a lead indicator"
    assert mark(matrix, plan.dock_hours, strategy.reliable) == STRONG, "it drives a key result"
    assert mark(matrix, plan.throughput, strategy.reliable) == WEAK, "a guard only"


def test_the_rows_carry_their_marks_in_column_order(matrix, strategy, plan):
    routes = next(row for row in matrix.north_rows if row["item"].title == "Route optimisation")
    annual_titles = [item.title for item in matrix.annual_columns]
    assert annual_titles == ["Grow service revenue", "Deliver on time"], "nearest the X first"
    assert [cell["strength"] for cell in routes["west"]] == ["", STRONG]
    assert [cell["strength"] for cell in routes["east"]] == ["", STRONG, WEAK, WEAK]


def test_a_crowded_matrix_says_what_it_left_out(sam, company, cycles, plan, monkeypatch):
    monkeypatch.setitem(xmatrix.LIMITS, "priorities", 1)
    crowded = x_matrix(company, cycles.q4, access_for(sam))
    assert len(crowded.priorities) == 1
    assert crowded.left_out == {"priorities": 2}


def test_a_region_sees_its_part_of_the_plan(alice, emea, cycles, strategy, plan):
    regional = x_matrix(emea, cycles.q4, access_for(alice))
    assert [item.title for item in regional.annual] == ["Deliver on time"]
    assert [item.title for item in regional.priorities] == ["Route optimisation"]
    assert "Regions where X7 can be ordered" not in [item.title for item in regional.targets]


def test_the_page_draws_the_matrix_with_labelled_marks(client, sam, company, cycles, plan):
    client.force_login(sam)
    page = client.get(reverse("x_matrix"), {"unit": company.pk, "cycle": cycles.q4.pk})
    html = page.content.decode()
    assert page.status_code == 200
    for label in (
        "Improvement priorities",
        "Targets to improve",
        "Breakthrough objectives",
        "Annual objectives",
    ):
        assert label in html
    assert 'aria-label="strong correlation: Deliver on time · Route optimisation"' in html
    assert "Print (landscape)" in html


def test_the_page_runs_a_bounded_number_of_queries(sam, company, plan, stays_bounded):
    # the header, the cycle family, the objectives above the scope, the first breakthrough and
    # annual objectives, what they also support, the unit's key results, the KPI links and the
    # key results KPIs drive, the parent chains of what they concern, the KPIs, the
    # initiatives, their contributions and the chains of those
    stays_bounded(sam, "x_matrix", company, queries=23)
