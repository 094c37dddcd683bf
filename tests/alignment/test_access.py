"""Who sees which units, and which role they hold where."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from objectives.models import Objective
from okrplatform.org.access import CONTRIBUTOR, MANAGER, VIEWER, Access
from okrplatform.org.models import Membership
from tests.factories import MembershipFactory, ObjectiveFactory, OrgUnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_role_holds_in_the_unit_and_everything_below(alice, emea, emea_logistics):
    team = OrgUnitFactory(parent=emea_logistics)
    access = Access(alice)
    assert access.rank_at(emea.pk) == MANAGER
    assert access.rank_at(emea_logistics.pk) == MANAGER
    assert access.rank_at(team.pk) == MANAGER


def test_people_see_the_units_above_theirs_without_a_role_there(bob, company, emea, apac):
    access = Access(bob)
    assert access.sees(company.pk)
    assert access.sees(emea.pk)
    assert access.rank_at(emea.pk) == 0
    assert not access.is_contributor_at(emea.pk)


def test_sibling_branches_stay_hidden(bob, apac):
    assert not Access(bob).sees(apac.pk)


def test_the_best_of_several_roles_wins(bob, emea, emea_logistics):
    MembershipFactory(user=bob, unit=emea, role=Membership.Role.VIEWER)
    access = Access(bob)
    assert access.rank_at(emea.pk) == VIEWER
    assert access.rank_at(emea_logistics.pk) == CONTRIBUTOR


def test_staff_see_and_manage_everything(sam, apac):
    access = Access(sam)
    assert access.sees(apac.pk)
    assert access.is_manager_at(apac.pk)


def test_someone_without_a_membership_sees_nothing(db, company):
    access = Access(UserFactory())
    assert not access.sees(company.pk)
    assert access.visible_unit_ids == frozenset()


def test_access_costs_one_query_however_often_it_is_asked(
    alice, emea, emea_logistics, django_assert_num_queries
):
    access = Access(alice)
    with django_assert_num_queries(1):
        for _ in range(5):
            access.sees(emea.pk)
            access.is_manager_at(emea_logistics.pk)


def test_a_role_at_the_top_means_seeing_every_unit_and_nothing_else_does(
    alice, bob, sam, company, apac
):
    ceo = UserFactory()
    MembershipFactory(user=ceo, unit=company, role=Membership.Role.VIEWER)

    assert Access(ceo).sees_every_unit
    assert Access(sam).sees_every_unit
    assert not Access(alice).sees_every_unit, "a region is not the organisation"
    assert not Access(bob).sees_every_unit, "seeing the units above is not a role there"
    assert not Access(AnonymousUser()).sees_every_unit
    # A second organisation tree: a role at the top of one is not enough.
    OrgUnitFactory(parent=None)
    assert not Access(ceo).sees_every_unit


def test_a_company_wide_person_still_holds_the_best_role_on_the_way_down(
    company, emea, emea_logistics, apac
):
    ceo = UserFactory()
    MembershipFactory(user=ceo, unit=company, role=Membership.Role.VIEWER)
    MembershipFactory(user=ceo, unit=emea, role=Membership.Role.MANAGER)
    access = Access(ceo)

    assert access.sees_every_unit
    assert access.rank_at(emea_logistics.pk) == MANAGER
    assert access.rank_at(apac.pk) == VIEWER
    assert access.sees(apac.pk)


def test_a_company_wide_list_is_filtered_without_walking_the_tree(company, emea, quarter):
    ceo = UserFactory()
    MembershipFactory(user=ceo, unit=company, role=Membership.Role.VIEWER)
    ObjectiveFactory(unit=emea, cycle=quarter)

    access = Access(ceo)
    with CaptureQueriesContext(connection) as queries:
        seen = list(access.restrict(Objective.objects.all()))

    assert len(seen) == 1
    assert len(queries) == 2, "one look at the person's roles, then the objectives"
    # The walk down the tree would visit every unit of the organisation: it was skipped, as
    # the list needs no rank.
    assert access._first_look is None
    assert "_ranks" not in vars(access)
