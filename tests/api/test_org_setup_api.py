"""What an integrator sets up besides OKRs: units and roles (from the unit above, or staff),
cycles (staff), and the people to name as owners (those the caller sees)."""

from __future__ import annotations

import pytest

from objectives.models import Cycle
from okrplatform.org.models import Membership, OrgUnit
from tests.factories import MembershipFactory, OrgUnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def new_team(**fields) -> dict:
    return {"code": "emea-last-mile", "name": "Last Mile EMEA", "kind": "team", **fields}


def test_a_manager_adds_a_unit_below_one_she_manages(api, alice, bob, emea_logistics):
    response = api(alice).post(
        "/api/org-units/", new_team(parent="emea-logistics", lead="bob", currency="EUR")
    )
    assert response.status_code == 201, response.json()
    team = OrgUnit.objects.get(code="emea-last-mile")
    assert (team.parent, team.lead) == (emea_logistics, bob)


def test_units_are_not_added_by_contributors_nor_at_the_top_by_managers(
    api, alice, bob, charlie, emea_logistics
):
    assert api(bob).post("/api/org-units/", new_team(parent="emea-logistics")).status_code == 403
    assert api(alice).post("/api/org-units/", new_team()).status_code == 403
    unseen = api(charlie).post("/api/org-units/", new_team(parent="emea-logistics"))
    assert (unseen.status_code, list(unseen.json())) == (400, ["parent"])
    assert not OrgUnit.objects.filter(code="emea-last-mile").exists()


def test_staff_add_the_top_of_an_organisation(api, sam):
    response = api(sam).post("/api/org-units/", new_team(code="acme", kind="company"))
    assert response.status_code == 201, response.json()
    assert OrgUnit.objects.get(code="acme").parent is None


def test_a_unit_is_changed_from_the_unit_above_with_the_version_read(
    api, alice, emea, emea_logistics
):
    url = f"/api/org-units/{emea_logistics.pk}/"
    read = api(alice).get(url).json()
    renamed = api(alice).patch(url, {"name": "Logistics EMEA", "version": read["version"]})
    assert renamed.status_code == 200, renamed.json()
    stale = api(alice).patch(url, {"name": "Again", "version": read["version"]})
    assert stale.status_code == 409
    assert OrgUnit.objects.get(pk=emea_logistics.pk).name == "Logistics EMEA"


def test_a_unit_is_not_changed_by_its_own_manager_nor_moved_out_of_sight(
    api, alice, company, emea, emea_logistics, apac
):
    lukas = UserFactory(username="lukas")
    MembershipFactory(user=lukas, unit=emea_logistics, role=Membership.Role.MANAGER)
    url = f"/api/org-units/{emea_logistics.pk}/"
    version = emea_logistics.version
    assert api(lukas).patch(url, {"name": "Mine", "version": version}).status_code == 403
    unseen = api(alice).patch(url, {"parent": "apac", "version": version})
    assert (unseen.status_code, list(unseen.json())) == (400, ["parent"])
    # The company is in sight (above her), but she does not manage it.
    assert api(alice).patch(url, {"parent": "helix", "version": version}).status_code == 403
    looped = api(alice).patch(
        f"/api/org-units/{emea.pk}/", {"parent": "emea-logistics", "version": emea.version}
    )
    assert looped.status_code == 403  # EMEA's place is set from the company, by staff
    assert OrgUnit.objects.get(pk=emea_logistics.pk).parent == emea


def test_roles_are_given_from_the_unit_above(api, alice, emea, emea_logistics):
    anna = UserFactory(username="anna", first_name="Anna")
    body = {"user": "anna", "unit": "emea-logistics", "role": "contributor"}
    response = api(alice).post("/api/memberships/", body)
    assert response.status_code == 201, response.json()
    membership = Membership.objects.get(user=anna, unit=emea_logistics)
    assert membership.role == "contributor"

    url = f"/api/memberships/{membership.pk}/"
    assert api(alice).patch(url, {"role": "manager"}).json()["role"] == "manager"
    moved = api(alice).patch(url, {"unit": "emea"})
    assert moved.status_code == 200, "a membership keeps its unit: only the role changes"
    assert moved.json()["unit"] == "emea-logistics"
    assert api(alice).post("/api/memberships/", body).status_code == 409  # one role per unit
    assert api(alice).delete(url).status_code == 204
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_a_manager_does_not_give_roles_in_her_own_unit_and_outsiders_see_none(
    api, alice, charlie, emea
):
    UserFactory(username="anna")
    refused = api(alice).post(
        "/api/memberships/", {"user": "anna", "unit": "emea", "role": "manager"}
    )
    assert refused.status_code == 403
    own = Membership.objects.get(user=alice, unit=emea)
    assert api(alice).patch(f"/api/memberships/{own.pk}/", {"role": "viewer"}).status_code == 403
    assert api(charlie).get(f"/api/memberships/{own.pk}/").status_code == 404
    assert api(charlie).delete(f"/api/memberships/{own.pk}/").status_code == 404
    assert Membership.objects.get(pk=own.pk).role == "manager"


def test_staff_add_and_change_cycles_with_the_version_read(api, sam):
    body = {
        "code": "2027-q1",
        "name": "Q1 2027",
        "kind": "quarter",
        "start_date": "2027-01-01",
        "end_date": "2027-03-31",
        "state": "planning",
    }
    created = api(sam).post("/api/cycles/", body)
    assert created.status_code == 201, created.json()
    url = created.json()["url"]
    active = api(sam).patch(url, {"state": "active", "version": created.json()["version"]})
    assert (active.status_code, active.json()["state"]) == (200, "active")
    assert (
        api(sam).patch(url, {"state": "closed", "version": created.json()["version"]}).status_code
        == 409
    )
    backwards = api(sam).post("/api/cycles/", {**body, "code": "x", "end_date": "2026-12-01"})
    assert backwards.status_code == 400


def test_managers_do_not_add_or_change_cycles(api, alice, quarter):
    body = {
        "code": "2027-q1",
        "name": "Q1 2027",
        "kind": "quarter",
        "start_date": "2027-01-01",
        "end_date": "2027-03-31",
    }
    assert api(alice).post("/api/cycles/", body).status_code == 403
    url = f"/api/cycles/{quarter.pk}/"
    assert api(alice).patch(url, {"state": "closed", "version": quarter.version}).status_code == 403
    assert Cycle.objects.get(pk=quarter.pk).state == Cycle.State.ACTIVE
    assert not Cycle.objects.filter(code="2027-q1").exists()


def test_people_are_listed_as_far_as_the_caller_sees(api, alice, bob, charlie, vera, sam):
    everyone = api(sam).get("/api/people/", {"page_size": 100}).json()["results"]
    assert {"alice", "bob", "charlie", "vera", "sam"} <= {row["username"] for row in everyone}

    seen_by_alice = api(alice).get("/api/people/").json()["results"]
    assert {row["username"] for row in seen_by_alice} == {"alice", "bob", "vera"}
    bob_row = next(row for row in seen_by_alice if row["username"] == "bob")
    assert bob_row["name"] == "Bob Keller"
    assert bob_row["units"] == [{"unit": "emea-logistics", "role": "contributor"}]

    seen_by_charlie = api(charlie).get("/api/people/").json()["results"]
    assert [row["username"] for row in seen_by_charlie] == ["charlie"]
    assert api(charlie).get(f"/api/people/{alice.pk}/").status_code == 404
    found = api(alice).get("/api/people/", {"unit": "emea-logistics"}).json()["results"]
    assert [row["username"] for row in found] == ["bob"]
    assert [
        row["username"]
        for row in api(alice).get("/api/people/", {"search": "kell"}).json()["results"]
    ] == ["bob"]


def test_other_units_of_a_person_stay_out_of_sight(api, charlie, apac, emea):
    both = UserFactory(username="dana")
    MembershipFactory(user=both, unit=apac, role=Membership.Role.VIEWER)
    MembershipFactory(user=both, unit=OrgUnitFactory(parent=emea, code="emea-x"))
    [dana] = [
        row
        for row in api(charlie).get("/api/people/").json()["results"]
        if row["username"] == "dana"
    ]
    assert dana["units"] == [{"unit": "apac", "role": "viewer"}]
