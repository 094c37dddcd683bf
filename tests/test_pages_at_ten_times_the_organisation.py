"""No page grows with the organisation beyond what a person reads: grown tenfold, every page
keeps its size (within a fifth) and runs the same queries.

The organisation is a company with three regions of three departments; each department has
three teams, then forty. Every team has six objectives, five aligned up the cascade and one
to nothing, key results with weekly check-ins, two weekly KPIs (one in trouble), an
intervention, a decision and an initiative; every other team a tension. Rows are written with
``bulk_create``, so the large organisation (about 370 units, 2,200 objectives, 5,500 key
results, 22,000 check-ins) builds in seconds.

The caps that the small organisation would not fill yet (the alignment map's budget, the
quality list's rows per kind) are lowered so that it fills them: what is checked is that
nothing beyond a cap grows, whatever the cap.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alignment import cascade, quality
from alignment.models import Tension
from kpis.health import Frequency, KPIDirection
from kpis.models import KPI, Measurement, Perspective
from kpis.rollups import refresh_kpis
from objectives.models import (
    CheckIn,
    Cycle,
    Initiative,
    InitiativeContribution,
    Intervention,
    KeyResult,
    Objective,
)
from objectives.progress import MetricType
from objectives.rollups import recompute_all
from okrplatform.org.models import Membership, OrgUnit, User
from reviews.models import Decision, ReviewMeeting

pytestmark = pytest.mark.django_db

REGIONS, DEPARTMENTS = 3, 3
SMALL_TEAMS, LARGE_TEAMS = 3, 40  # per department: 27 teams, then 360
OBJECTIVES_PER_TEAM = 6
KEY_RESULTS_PER_OBJECTIVE = 3
WEEKS_OF_CHECK_INS = 4
HTML_GROWTH = 1.2
QUERY_SLACK = 0  # the same queries, exactly
sequence = itertools.count()


@dataclass
class Organisation:
    """What the pages are opened on, and the rows the teams hang from."""

    cycle: Cycle
    company: OrgUnit
    region: OrgUnit
    departments: list[tuple[OrgUnit, Objective]]
    ceo: User
    team_lead: User | None = None
    team_objective: Objective | None = None
    review: ReviewMeeting | None = None
    pending: dict[str, list] = field(default_factory=dict)


def _users(count: int, prefix: str) -> list[User]:
    return User.objects.bulk_create(
        User(username=f"{prefix}{next(sequence)}", first_name=prefix.title(), password="!")
        for _ in range(count)
    )


def _objective(title: str, unit: OrgUnit, owner: User, cycle: Cycle, **fields) -> Objective:
    return Objective(
        title=f"{title} {next(sequence)}",
        unit=unit,
        owner=owner,
        cycle=cycle,
        perspective=Perspective.CUSTOMER,
        **fields,
    )


def _key_results(objectives: list[Objective], owner_of) -> list[KeyResult]:
    rows = []
    for objective in objectives:
        for number in range(KEY_RESULTS_PER_OBJECTIVE):
            rows.append(
                KeyResult(
                    objective=objective,
                    title=f"Key result {next(sequence)}",
                    owner=owner_of(objective),
                    metric_type=MetricType.BOOLEAN if number == 2 else MetricType.NUMBER,
                    start_value=Decimal(0),
                    target_value=Decimal(1) if number == 2 else Decimal(100),
                )
            )
    return KeyResult.objects.bulk_create(rows)


def _check_ins(key_results: list[KeyResult]) -> None:
    now = timezone.now()
    rows = [
        CheckIn(
            key_result=key_result,
            # Spread evenly, objective by objective: a quarter off track, a sixth at risk.
            value=Decimal(key_result.objective_id % 2)
            if key_result.metric_type == MetricType.BOOLEAN
            else Decimal((key_result.objective_id * 37) % 97 + week),
            confidence=(key_result.pk + week) % 11,
            author=key_result.owner,
            created_at=now - timedelta(weeks=WEEKS_OF_CHECK_INS - week, hours=key_result.pk % 24),
        )
        for key_result in key_results
        for week in range(WEEKS_OF_CHECK_INS)
    ]
    CheckIn.objects.bulk_create(rows, batch_size=2_000)


def build_top(cycle: Cycle) -> Organisation:
    """The company, its regions and departments, with the strategy they cascade."""
    year = Cycle.objects.create(
        name="FY",
        code=f"fy-{next(sequence)}",
        kind=Cycle.Kind.YEAR,
        start_date=cycle.start_date - timedelta(days=200),
        end_date=cycle.end_date + timedelta(days=100),
    )
    cycle.parent = year
    cycle.save()
    company = OrgUnit.objects.create(name="Helix", code="helix", kind=OrgUnit.Kind.COMPANY)
    (ceo,) = _users(1, "ceo")
    Membership.objects.create(user=ceo, unit=company, role=Membership.Role.MANAGER)
    breakthrough = Objective.objects.bulk_create(
        _objective("Breakthrough", company, ceo, year, level=Objective.Level.BREAKTHROUGH)
        for _ in range(7)
    )
    annual = Objective.objects.bulk_create(
        _objective("Annual", company, ceo, year, level=Objective.Level.ANNUAL, parent=top)
        for top in breakthrough * 2
    )
    _check_ins(_key_results(annual, lambda objective: ceo))
    departments = []
    for region_number in range(REGIONS):
        region = OrgUnit.objects.create(
            name=f"Region {region_number}",
            code=f"region-{region_number}",
            kind=OrgUnit.Kind.REGION,
            parent=company,
        )
        regional = Objective.objects.create(
            title=f"Regional {next(sequence)}",
            unit=region,
            owner=ceo,
            cycle=cycle,
            parent=annual[region_number],
            perspective=Perspective.CUSTOMER,
        )
        for department_number in range(DEPARTMENTS):
            department = OrgUnit.objects.create(
                name=f"Department {region_number}.{department_number}",
                code=f"department-{region_number}-{department_number}",
                kind=OrgUnit.Kind.DEPARTMENT,
                parent=region,
            )
            objective = Objective.objects.create(
                title=f"Departmental {next(sequence)}",
                unit=department,
                owner=ceo,
                cycle=cycle,
                parent=regional,
                perspective=Perspective.FINANCIAL,
            )
            departments.append((department, objective))
    first_region = OrgUnit.objects.get(code="region-0")
    return Organisation(cycle, company, first_region, departments, ceo)


def add_teams(organisation: Organisation, per_department: int) -> None:
    """``per_department`` more teams below each department, with everything a team has."""
    cycle = organisation.cycle
    departments = organisation.departments
    teams = OrgUnit.objects.bulk_create(
        OrgUnit(
            name=f"Team {next(sequence)}",
            code=f"team-{next(sequence)}",
            kind=OrgUnit.Kind.TEAM,
            parent=department,
        )
        for department, _objective_above in departments
        for _ in range(per_department)
    )
    leads = _users(len(teams), "lead")
    Membership.objects.bulk_create(
        Membership(user=lead, unit=team, role=Membership.Role.MANAGER)
        for lead, team in zip(leads, teams, strict=True)
    )
    above = {department.pk: objective for department, objective in departments}
    lead_of = {team.pk: lead for lead, team in zip(leads, teams, strict=True)}
    objectives = Objective.objects.bulk_create(
        _objective(
            "Objective",
            team,
            lead_of[team.pk],
            cycle,
            parent=above[team.parent_id] if number else None,  # one aligns to nothing
            level=Objective.Level.QUARTERLY,
        )
        for team in teams
        for number in range(OBJECTIVES_PER_TEAM)
    )
    # The last objective of each team has no key results (a quality warning).
    measured = [o for index, o in enumerate(objectives) if index % OBJECTIVES_PER_TEAM != 5]
    key_results = _key_results(measured, lambda objective: objective.owner)
    _check_ins(key_results)
    _kpis(teams, lead_of, objectives)
    initiatives = Initiative.objects.bulk_create(
        Initiative(
            title=f"Initiative {next(sequence)}", unit=team, owner=lead_of[team.pk], cycle=cycle
        )
        for team in teams
    )
    first_key_result = {}
    for key_result in key_results:
        first_key_result.setdefault(key_result.objective.unit_id, key_result)
    InitiativeContribution.objects.bulk_create(
        InitiativeContribution(
            initiative=initiative, key_result=first_key_result[initiative.unit_id]
        )
        for initiative in initiatives
    )
    if organisation.team_lead is None:
        organisation.team_lead = leads[0]
        organisation.team_objective = objectives[1]


def _kpis(teams: list[OrgUnit], lead_of: dict, objectives: list[Objective]) -> None:
    kpis = KPI.objects.bulk_create(
        KPI(
            name=f"KPI {next(sequence)}",
            code=f"kpi-{next(sequence)}",
            unit=team,
            owner=lead_of[team.pk] if number == 0 or index % 2 else None,
            direction=KPIDirection.HIGHER_IS_BETTER,
            frequency=Frequency.WEEKLY,
            target=Decimal(100),
            warning_threshold=Decimal(90),
            critical_threshold=Decimal(80),
            perspective=Perspective.INTERNAL_PROCESS,
        )
        for index, team in enumerate(teams)
        for number in range(2)
    )
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    Measurement.objects.bulk_create(
        Measurement(
            kpi=kpi,
            # The second KPI of a team is in trouble: falling, or stale when every third.
            period=monday - timedelta(weeks=week + (10 if number % 3 == 1 else 1)),
            value=Decimal(95 - (week * 3 if number % 2 else 0)),
        )
        for number, kpi in enumerate(kpis)
        for week in range(8)
    )
    first_objective = {}
    for objective in objectives:
        first_objective.setdefault(objective.unit_id, objective)
    troubled = kpis[1::2]
    Intervention.objects.bulk_create(
        Intervention(
            kpi=kpi,
            objective=first_objective[kpi.unit_id],
            trigger_health="warning",
            trigger_value=Decimal(85),
            trigger_period=date(2026, 11, 1),
        )
        for kpi in troubled
    )
    Tension.objects.bulk_create(
        Tension(
            objective=first_objective[kpi.unit_id],
            kpi=kpi,
            description="Pursuing the objective pulls the KPI down.",
        )
        for kpi in troubled[::2]
    )


def plan_review(organisation: Organisation) -> None:
    """The company's review of the quarter, after one a month ago, with decisions in between."""
    company, cycle, ceo = organisation.company, organisation.cycle, organisation.ceo
    ReviewMeeting.objects.create(
        unit=company,
        cycle=cycle,
        title="Last month",
        scheduled_for=timezone.now() - timedelta(days=30),
    )
    organisation.review = ReviewMeeting.objects.create(
        unit=company,
        cycle=cycle,
        title="Company review",
        scheduled_for=timezone.now(),
        facilitator=ceo,
    )


def add_decisions(organisation: Organisation) -> None:
    """A decision about each team's first objective not decided on yet, in the last weeks."""
    decided = set(Decision.objects.values_list("objectives", flat=True))
    firsts = {}
    for objective in Objective.objects.filter(unit__kind=OrgUnit.Kind.TEAM).order_by("pk"):
        firsts.setdefault(objective.unit_id, objective)
    new = [objective for objective in firsts.values() if objective.pk not in decided]
    decisions = Decision.objects.bulk_create(
        Decision(
            title=f"Decision {next(sequence)}",
            decided_by=organisation.ceo,
            decided_on=timezone.localdate() - timedelta(days=7),
        )
        for _ in new
    )
    Decision.objectives.through.objects.bulk_create(
        Decision.objectives.through(decision=decision, objective=objective)
        for decision, objective in zip(decisions, new, strict=True)
    )


def refresh() -> None:
    recompute_all()
    refresh_kpis()


def pages(organisation: Organisation) -> dict[str, tuple[User, str]]:
    company, cycle, review = organisation.company, organisation.cycle, organisation.review
    scope = f"?unit={company.pk}&cycle={cycle.pk}"
    ceo = organisation.ceo
    return {
        "review agenda": (ceo, reverse("review_detail", args=[review.pk])),
        "review presentation": (ceo, reverse("review_present", args=[review.pk])),
        "alignment map": (ceo, reverse("alignment_map") + scope),
        "X-matrix": (ceo, reverse("x_matrix") + scope),
        "quality list": (ceo, reverse("quality") + scope),
        "KPI board": (ceo, reverse("kpi_board") + f"?unit={company.pk}&below=on"),
        "company dashboard": (
            ceo,
            reverse("unit_dashboard", args=[company.pk]) + f"?cycle={cycle.pk}",
        ),
        "unit page": (
            ceo,
            reverse("unit_dashboard", args=[organisation.region.pk]) + f"?cycle={cycle.pk}",
        ),
        "My work, a team lead": (organisation.team_lead, reverse("home")),
        "My work, the company's manager": (ceo, reverse("home")),
        "objective page": (
            ceo,
            reverse("objective_detail", args=[organisation.team_objective.pk]),
        ),
    }


def measure(client, organisation: Organisation) -> dict[str, tuple[int, int]]:
    """Each page's queries and bytes of HTML, opened once to warm up and once measured."""
    figures = {}
    for name, (person, url) in pages(organisation).items():
        client.force_login(person)
        assert client.get(url).status_code == 200, name
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, name
        figures[name] = (len(queries.captured_queries), len(response.content))
    return figures


@pytest.fixture
def caps_the_small_organisation_fills(monkeypatch):
    monkeypatch.setattr(cascade, "MAP_BUDGET", 40)
    monkeypatch.setattr(cascade, "UNALIGNED_LISTED", 10)
    monkeypatch.setattr(quality, "LISTED_PER_KIND", 5)


def test_every_page_keeps_its_size_and_queries_when_the_organisation_grows_tenfold(
    client, caps_the_small_organisation_fills
):
    today = timezone.localdate()
    cycle = Cycle.objects.create(
        name="This quarter",
        code="this-quarter",
        kind=Cycle.Kind.QUARTER,
        start_date=today - timedelta(days=45),
        end_date=today + timedelta(days=45),
        state=Cycle.State.ACTIVE,
    )
    organisation = build_top(cycle)
    add_teams(organisation, SMALL_TEAMS)
    plan_review(organisation)
    add_decisions(organisation)
    refresh()
    small = measure(client, organisation)
    small_objectives = Objective.objects.count()

    add_teams(organisation, LARGE_TEAMS - SMALL_TEAMS)
    add_decisions(organisation)
    refresh()
    large = measure(client, organisation)

    assert Objective.objects.count() >= 9 * small_objectives, "tenfold, near enough"
    for name, (queries, size) in small.items():
        grown_queries, grown_size = large[name]
        assert abs(grown_queries - queries) <= QUERY_SLACK, (
            f"{name}: {queries} queries, then {grown_queries}"
        )
        assert grown_size <= HTML_GROWTH * size, f"{name}: {size:,} bytes, then {grown_size:,}"
