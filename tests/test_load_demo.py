"""`manage.py load_demo` builds a realistic, living organisation, and running it twice is safe."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import Count, Min
from django.urls import reverse
from django.utils import timezone

from alignment.cascade import alignment_map
from alignment.models import Tension
from alignment.strategy_map import strategy_map
from alignment.xmatrix import x_matrix
from kpis.models import KPI
from objectives.models import CheckIn, Cycle, Intervention, KeyResult, KPILink, Objective
from okrplatform.exchange.spreadsheets import (
    apply_import,
    export_workbook,
    plan_import,
    read_spreadsheet,
)
from okrplatform.org.access import access_for
from okrplatform.org.models import Membership, OrgUnit, User
from reviews.models import Decision, ObjectiveGrade, ReviewMeeting

pytestmark = pytest.mark.django_db


def load_demo(*args: str) -> str:
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


@pytest.fixture
def demo():
    return load_demo()


def test_it_builds_a_global_organisation(demo):
    company = OrgUnit.objects.get(parent=None)
    regions = OrgUnit.objects.filter(parent=company)
    assert {region.name for region in regions} == {"Americas", "EMEA", "APAC"}
    for region in regions:
        departments = {unit.name.removeprefix(f"{region.name} ") for unit in region.children.all()}
        assert departments == {"Operations", "Sales", "R&D", "Finance", "Logistics"}
    assert OrgUnit.objects.filter(kind=OrgUnit.Kind.TEAM).count() >= 6
    assert OrgUnit.objects.count() >= 25
    assert OrgUnit.objects.values("currency").distinct().count() >= 5


def test_people_hold_every_role(demo):
    roles = set(Membership.objects.values_list("role", flat=True))
    assert roles == {"viewer", "contributor", "manager"}
    admin = User.objects.get(username="admin")
    assert admin.is_staff
    assert admin.check_password("admin")
    assert User.objects.get(username="anna").check_password("demo")


def test_cycles_sit_around_today(demo):
    today = timezone.localdate()
    plan = Cycle.objects.get(kind=Cycle.Kind.MULTI_YEAR)
    assert (plan.end_date.year - plan.start_date.year + 1) == 5
    current = Cycle.objects.get(kind=Cycle.Kind.QUARTER, state=Cycle.State.ACTIVE)
    assert current.start_date <= today <= current.end_date
    fiscal_year = Cycle.objects.get(kind=Cycle.Kind.YEAR, start_date__year=today.year)
    assert current.parent == fiscal_year
    assert fiscal_year.parent == plan
    previous = Cycle.objects.get(kind=Cycle.Kind.QUARTER, state=Cycle.State.CLOSED)
    assert previous.end_date == current.start_date - timedelta(days=1)


def test_strategy_cascades_with_weeks_of_check_ins(demo):
    assert Objective.objects.count() >= 30
    assert set(Objective.objects.values_list("perspective", flat=True)) == {
        "financial",
        "customer",
        "internal_process",
        "learning_growth",
    }
    assert set(Objective.objects.values_list("level", flat=True)) == {
        "breakthrough",
        "annual",
        "quarterly",
    }
    assert KeyResult.objects.count() >= 80
    checked_in_for_weeks = KeyResult.objects.annotate(n=Count("check_ins")).filter(n__gte=3)
    assert checked_in_for_weeks.count() >= 70
    assert CheckIn.objects.filter(source=CheckIn.Source.KPI).exists()
    deployed = Objective.objects.filter(deployed_from__isnull=False)
    assert deployed.count() == 3
    assert {copy.parent_id for copy in deployed} == {deployed.first().deployed_from_id}
    assert Objective.objects.filter(is_aligned=False).exists(), "an unaligned objective to flag"
    assert Objective.objects.exclude(progress=None).count() == Objective.objects.count()


def test_kpis_have_a_year_of_history_and_some_need_attention(demo):
    assert KPI.objects.count() >= 15
    today = timezone.localdate()
    oldest = KPI.objects.annotate(first=Min("measurements__period"))
    for kpi in oldest:
        assert kpi.first <= today - timedelta(days=365), kpi
    health = set(KPI.objects.values_list("health", flat=True))
    assert {"on_target", "warning", "critical", "stale"} <= health
    assert KPILink.objects.filter(kind=KPILink.Kind.GUARDS).exists()
    assert Intervention.objects.exclude(state=Intervention.State.RESOLVED).exists()


def test_the_logistics_conflict_is_recorded(demo):
    tension = Tension.objects.get(kpi__name="Delivery volume throughput")
    assert tension.objective.title == "Reduce last-mile delivery cost by 15%"
    assert tension.state == Tension.State.OPEN
    assert KPILink.objects.filter(
        kpi=tension.kpi, objective=tension.objective, kind=KPILink.Kind.GUARDS
    ).exists()


def test_last_quarter_is_closed_and_reviewed_and_this_one_is_scheduled(demo):
    previous = Cycle.objects.get(kind=Cycle.Kind.QUARTER, state=Cycle.State.CLOSED)
    graded = ObjectiveGrade.objects.filter(objective__cycle=previous)
    assert graded.count() == Objective.objects.filter(cycle=previous).count()
    assert {"execution", "strategy"} <= set(graded.values_list("miss_cause", flat=True))
    assert ReviewMeeting.objects.filter(cycle=previous, state=ReviewMeeting.State.CLOSED).exists()
    assert Decision.objects.filter(review__cycle=previous).count() >= 2
    upcoming = ReviewMeeting.objects.filter(state=ReviewMeeting.State.SCHEDULED)
    assert upcoming.filter(scheduled_for__gt=timezone.now()).exists()


def test_it_prints_progress_the_url_and_the_logins(demo):
    assert "org units" in demo
    assert "http://127.0.0.1:8000/" in demo
    assert "admin    admin" in demo


def test_loading_twice_changes_nothing(demo):
    before = row_counts()

    output = load_demo()

    assert "already loaded; nothing changed" in output
    assert row_counts() == before


def test_reset_starts_over_with_the_same_organisation(demo):
    before = row_counts()
    first_unit = OrgUnit.objects.get(code="helix").pk

    output = load_demo("--reset")

    assert "Deleting all organisation data" in output
    assert OrgUnit.objects.get(code="helix").pk != first_unit
    assert row_counts() == before


def test_the_strategy_shows_as_a_map_a_matrix_and_a_strategy_map(demo, client):
    """Issue 5's demo: the plan cascades to regional teams with an unaligned objective flagged,
    the X-matrix and strategy map fill from the data, the summary serves the index, and the
    global last-mile objective is compared across the three regions."""
    elena = User.objects.get(username="elena")
    company = OrgUnit.objects.get(parent=None)
    quarter = Cycle.objects.get(kind=Cycle.Kind.QUARTER, state=Cycle.State.ACTIVE)
    client.force_login(elena)
    scope = {"unit": company.pk, "cycle": quarter.pk}

    alignment = alignment_map(company, quarter, access_for(elena))
    chain = {node.pk: node for node in alignment.aligned}
    team_objective = next(
        node for node in alignment.aligned if node.unit_name == "Rotterdam Distribution Centre"
    )
    levels = [team_objective.level]
    node = team_objective
    while node.parent_id in chain:
        node = chain[node.parent_id]
        levels.append(node.level)
    assert levels == ["quarterly", "quarterly", "annual", "breakthrough"], "team → region → plan"
    assert "Grow wallet share with our top five OEMs" in {
        node.title for node in alignment.unaligned
    }
    assert alignment.negotiation_count >= 1

    matrix = x_matrix(company, quarter, access_for(elena))
    assert len(matrix.breakthrough) == 4
    assert len(matrix.annual) >= 7
    assert len(matrix.priorities) >= 8
    assert len(matrix.marks) >= 40
    smap = strategy_map(company, quarter, access_for(elena))
    assert {edge.kind for edge in smap.edges} == {"aligns", "supports"}
    assert all(any(cell.objectives for cell in band.cells) for band in smap.bands)

    summary = client.get(f"/api/org-units/{company.pk}/summary/", {"cycle": quarter.pk}).json()
    assert 0 < summary["alignment_index"] < 1

    last_mile = Objective.objects.get(
        title="Reduce last-mile delivery cost by 15%", deployed_from=None
    )
    page = client.get(f"/objectives/{last_mile.pk}/deployments/").content.decode()
    for region in ("Americas Logistics", "EMEA Logistics", "APAC Logistics"):
        assert f">{region}</a>" in page
    for view in ("alignment_map", "x_matrix", "strategy_map", "quality"):
        assert client.get(reverse(view), scope).status_code == 200


def test_the_organisation_round_trips_through_its_spreadsheet_unchanged(demo):
    company = OrgUnit.objects.get(parent=None)
    strategic_plan = Cycle.objects.get(parent=None)  # every year and quarter lies within it
    elena = User.objects.get(username="elena")

    def everything() -> tuple:
        return (
            row_counts(),
            list(Objective.objects.order_by("pk").values()),
            list(KeyResult.objects.order_by("pk").values()),
            list(KPI.objects.order_by("pk").values()),
        )

    before = everything()
    workbook = export_workbook(company, strategic_plan, elena)
    plan = plan_import(read_spreadsheet(io.BytesIO(workbook), "demo.xlsx"), elena, "auto")

    assert plan.problems == []
    assert (plan.created, plan.updated) == (0, 0)
    assert plan.unchanged == (
        Objective.objects.active().count()
        + KeyResult.objects.filter(objective__archived_at=None).count()
        + KPI.objects.count()
    )
    apply_import(plan)
    assert everything() == before
