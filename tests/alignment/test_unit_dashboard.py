"""The org dashboard: a unit and its subtree, exceptions first, with drill-down."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from objectives.rollups import recompute_all
from tests.factories import (
    CheckInFactory,
    CycleFactory,
    KeyResultFactory,
    ObjectiveFactory,
    OrgUnitFactory,
)

pytestmark = pytest.mark.django_db


def objective_at(unit, cycle, percent, title=None):
    objective = ObjectiveFactory(unit=unit, cycle=cycle, **({"title": title} if title else {}))
    CheckInFactory(key_result=KeyResultFactory(objective=objective), value=Decimal(percent))
    return objective


@pytest.fixture
def organisation(company, emea, emea_logistics, apac, quarter):
    objective_at(emea_logistics, quarter, 5, "Badly behind in logistics")
    objective_at(apac, quarter, 95, "APAC flying")
    objective_at(company, quarter, 50, "Company-wide")
    recompute_all(on=quarter.end_date)  # the cycle is over: 5% is off track, 95% on track


def test_the_company_shows_the_whole_organisation_exceptions_first(
    client, sam, company, quarter, organisation
):
    client.force_login(sam)
    page = client.get(reverse("unit_dashboard", args=[company.pk]), {"cycle": quarter.pk})
    html = page.content.decode()

    assert page.status_code == 200
    assert html.index(">EMEA<") < html.index(">APAC<"), "EMEA has the off-track objective"
    assert "Badly behind in logistics" in html, "furthest behind, anywhere below"
    assert "Company-wide" in html
    assert "33%" in html, "alignment index: the company's objective is aligned, two are not"


def test_drilling_down_loads_the_children_of_a_unit(client, sam, emea, quarter, organisation):
    client.force_login(sam)
    rows = client.get(reverse("unit_children", args=[emea.pk]), {"cycle": quarter.pk, "depth": 1})
    html = rows.content.decode()
    assert html.lstrip().startswith("<tr")
    assert "EMEA Logistics" in html
    assert "okr-unit-row--depth-1" in html


def test_the_cycle_switcher_shows_another_cycle(client, sam, company, emea, organisation):
    next_quarter = CycleFactory(name="Q1 2027", start_date="2027-01-01", end_date="2027-03-31")
    objective_at(emea, next_quarter, 10, "Next quarter's plan")
    recompute_all()
    client.force_login(sam)

    html = client.get(
        reverse("unit_dashboard", args=[emea.pk]), {"cycle": next_quarter.pk}
    ).content.decode()

    assert "Next quarter&#x27;s plan" in html
    assert "Badly behind in logistics" not in html


def test_a_person_sees_only_their_branch_below_the_company(
    client, bob, company, quarter, organisation
):
    client.force_login(bob)
    html = client.get(
        reverse("unit_dashboard", args=[company.pk]), {"cycle": quarter.pk}
    ).content.decode()
    assert ">EMEA<" in html
    assert ">APAC<" not in html
    assert "APAC flying" not in html


def test_organisation_leads_to_the_top_the_person_sees(client, bob, company):
    client.force_login(bob)
    response = client.get(reverse("organisation"))
    assert response["Location"] == reverse("unit_dashboard", args=[company.pk])


def test_a_unit_without_objectives_says_so_rather_than_zero(client, sam, apac, quarter):
    client.force_login(sam)
    html = client.get(reverse("unit_dashboard", args=[apac.pk]), {"cycle": quarter.pk})
    assert "No objectives in this cycle." in html.content.decode()


def test_the_dashboard_runs_the_same_queries_at_ten_times_the_organisation(
    client, sam, company, quarter, django_assert_num_queries
):
    def grow(regions: int) -> None:
        for _ in range(regions):
            region = OrgUnitFactory(parent=company)
            for _ in range(3):
                team = OrgUnitFactory(parent=region)
                objective_at(team, quarter, 40)
            objective_at(region, quarter, 20)
        objective_at(company, quarter, 30)
        recompute_all()

    client.force_login(sam)
    grow(1)
    url = reverse("unit_dashboard", args=[company.pk])
    # session, user, unit, cycle, rollup, children, their rollups, the unit's objectives,
    # furthest behind (the subtree a subquery in it), cycles for the switcher, the members with
    # their roles (the top unit has no ancestors to load, staff need no access query)
    with django_assert_num_queries(11):
        client.get(url, {"cycle": quarter.pk})
    grow(9)
    with django_assert_num_queries(11):
        response = client.get(url, {"cycle": quarter.pk})
    assert response.content.decode().count("okr-unit-row ") == 10


def test_someone_without_a_role_is_told_so(client, company):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    response = client.get(reverse("organisation"), follow=True)
    assert "You have no role in any unit yet" in response.content.decode()


def test_a_units_page_lists_its_people_and_roles_inherited_ones_marked(
    client, alice, bob, vera, emea_logistics, quarter
):
    client.force_login(alice)

    page = client.get(reverse("unit_dashboard", args=[emea_logistics.pk])).content.decode()

    people = page.split('id="members-heading"')[1].split("</section>")[0]
    assert "Bob Keller · Contributor" in people
    assert "Alice Martin · Manager <span" in people
    assert "(inherited from EMEA)" in people
    assert people.index("Bob Keller") < people.index("Alice Martin"), "own members first"


def test_the_cycle_picker_shows_plan_year_and_quarter_nested(client, alice, emea):
    plan = CycleFactory(
        name="Plan 2026–2030",
        kind="multi_year",
        start_date=date(2026, 1, 1),
        end_date=date(2030, 12, 31),
    )
    year = CycleFactory(
        name="FY 2026",
        kind="year",
        parent=plan,
        start_date=date(2026, 1, 1),
        end_date=date(2026, 12, 31),
    )
    CycleFactory(name="Q4 2026", code="q4-nested", parent=year)
    client.force_login(alice)

    page = client.get(reverse("unit_dashboard", args=[emea.pk])).content.decode()

    assert page.index(">Plan 2026–2030") < page.index("↳ FY 2026") < page.index("↳ Q4 2026")
    assert "\u2003\u2003↳ Q4 2026" in page
