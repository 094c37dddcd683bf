"""Every OKR page runs the same number of queries when the organisation grows tenfold."""

from __future__ import annotations

import pytest
from django.urls import reverse

from objectives.models import Objective
from objectives.rollups import recompute_all
from okrplatform.org.models import Membership
from tests.factories import (
    CheckInFactory,
    InitiativeFactory,
    KeyResultFactory,
    MembershipFactory,
    ObjectiveFactory,
    OrgUnitFactory,
)

pytestmark = pytest.mark.django_db


def grow(*, parent_unit, cycle, owner, parent_objective, teams: int) -> None:
    """Teams under the unit, each with an objective aligned to the parent, three key results
    owned by ``owner`` with check-ins, and an initiative."""
    for _ in range(teams):
        team = OrgUnitFactory(parent=parent_unit)
        MembershipFactory(unit=team, role=Membership.Role.CONTRIBUTOR)
        objective = ObjectiveFactory(unit=team, cycle=cycle, owner=owner, parent=parent_objective)
        for value in (10, 40, 80):
            key_result = KeyResultFactory(objective=objective, owner=owner)
            CheckInFactory(key_result=key_result, value=value)
            CheckInFactory(key_result=key_result, value=value + 5)
        InitiativeFactory(unit=team, cycle=cycle).key_results.add(key_result)
    recompute_all()


@pytest.fixture
def top_objective(emea, quarter, alice):
    objective = ObjectiveFactory(
        unit=emea, cycle=quarter, owner=alice, progress_source=Objective.ProgressSource.KEY_RESULTS
    )
    for value in (20, 60):
        key_result = KeyResultFactory(objective=objective, owner=alice)
        CheckInFactory(key_result=key_result, value=value)
    return objective


def test_my_work(client, alice, emea, quarter, top_objective, django_assert_num_queries):
    client.force_login(alice)
    grow(parent_unit=emea, cycle=quarter, owner=alice, parent_objective=top_objective, teams=2)
    # session, user, my objectives, their key results (owning them settles the check-in rights),
    # the interventions I am on, my unread notifications, catchball waiting for me
    with django_assert_num_queries(7):
        client.get(reverse("home"))
    grow(parent_unit=emea, cycle=quarter, owner=alice, parent_objective=top_objective, teams=18)
    with django_assert_num_queries(7):
        response = client.get(reverse("home"))
    # two check-in buttons per key result: one for phones, one for wider screens
    assert response.content.decode().count("check_in=1") == 2 * (2 + 20 * 3)


def test_objective_page(client, vera, emea, quarter, top_objective, django_assert_num_queries):
    client.force_login(vera)
    url = reverse("objective_detail", args=[top_objective.pk])
    grow(parent_unit=emea, cycle=quarter, owner=vera, parent_objective=top_objective, teams=2)
    # session, user, the objective (with unit, cycle, owner, parent, grade), its key results,
    # children, tensions, KPI links, open interventions, the catchball thread, local copies,
    # access, check-ins for the chart, what it also supports and is supported by, objectives in
    # the unit (for the warning), initiatives
    with django_assert_num_queries(15):
        client.get(url)
    grow(parent_unit=emea, cycle=quarter, owner=vera, parent_objective=top_objective, teams=18)
    with django_assert_num_queries(15):
        response = client.get(url)
    assert response.content.decode().count('href="/objectives/') >= 20


def test_check_in_history_page(client, vera, top_objective, django_assert_num_queries):
    key_result = top_objective.key_results.first()
    client.force_login(vera)
    url = reverse("key_result_check_ins", args=[key_result.pk])
    # session, user, the key result (with owner, objective, cycle, unit), access, check-ins
    with django_assert_num_queries(5):
        client.get(url)
    for value in range(30):
        CheckInFactory(key_result=key_result, value=value)
    with django_assert_num_queries(5):
        client.get(url)
