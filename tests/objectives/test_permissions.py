"""Each role's rights on pages and POSTs: viewers see their part of the organisation,
contributors also check in, managers also create, edit and archive, staff do everything.
Outside their rights people get 403, nothing changes, and the buttons are not shown."""

from __future__ import annotations

import pytest
from django.urls import reverse

from objectives.models import CheckIn, Objective
from tests.factories import KeyResultFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db
ALLOWED, REFUSED = "allowed", "refused"


@pytest.fixture
def logistics_objective(emea_logistics, quarter, alice):
    return ObjectiveFactory(
        title="Reduce last-mile delivery cost", unit=emea_logistics, cycle=quarter, owner=alice
    )


@pytest.fixture
def bobs_key_result(logistics_objective, bob):
    return KeyResultFactory(objective=logistics_objective, owner=bob, title="Cost per parcel")


@pytest.fixture
def people(alice, bob, vera, charlie, sam):
    return {"alice": alice, "bob": bob, "vera": vera, "charlie": charlie, "sam": sam}


def outcome(status_code: int) -> str:
    assert status_code in {200, 302, 403}, status_code
    return REFUSED if status_code == 403 else ALLOWED


@pytest.mark.parametrize(
    ("person", "expected"),
    [
        ("alice", ALLOWED),
        ("bob", ALLOWED),
        ("vera", ALLOWED),
        ("charlie", REFUSED),
        ("sam", ALLOWED),
    ],
)
def test_who_may_open_an_objective(client, people, logistics_objective, person, expected):
    client.force_login(people[person])
    response = client.get(reverse("objective_detail", args=[logistics_objective.pk]))
    assert outcome(response.status_code) == expected


@pytest.mark.parametrize(
    ("person", "unit", "expected"),
    [
        ("alice", "emea", ALLOWED),
        ("bob", "emea", ALLOWED),  # the unit above his own: he follows the alignment up
        ("vera", "emea_logistics", ALLOWED),
        ("charlie", "emea", REFUSED),
        ("bob", "apac", REFUSED),
        ("charlie", "apac", ALLOWED),
        ("sam", "apac", ALLOWED),
    ],
)
def test_who_may_open_a_unit_dashboard(client, request, people, quarter, person, unit, expected):
    client.force_login(people[person])
    unit = request.getfixturevalue(unit)
    response = client.get(reverse("unit_dashboard", args=[unit.pk]), {"cycle": quarter.pk})
    assert outcome(response.status_code) == expected


@pytest.mark.parametrize(
    ("person", "expected"),
    [
        ("bob", ALLOWED),
        ("alice", ALLOWED),
        ("sam", ALLOWED),
        ("vera", REFUSED),
        ("charlie", REFUSED),
    ],
    ids=["the owner", "a manager above", "staff", "a viewer", "an outsider"],
)
def test_who_may_check_in(client, people, bobs_key_result, person, expected):
    client.force_login(people[person])
    response = client.post(
        reverse("key_result_check_ins", args=[bobs_key_result.pk]),
        {"value": "60", "confidence": "7", "note": "Carrier talks done."},
    )
    assert outcome(response.status_code) == expected
    assert CheckIn.objects.filter(key_result=bobs_key_result).exists() == (expected == ALLOWED)


def test_a_contributor_checks_in_on_key_results_of_his_unit_he_does_not_own(
    client, bob, alice, logistics_objective
):
    alices_key_result = KeyResultFactory(objective=logistics_objective, owner=alice)
    client.force_login(bob)
    response = client.post(
        reverse("key_result_check_ins", args=[alices_key_result.pk]),
        {"value": "60", "confidence": "7", "note": "On her behalf."},
    )
    assert response.status_code == 302


def test_an_owner_checks_in_even_outside_the_units_he_belongs_to(
    client, charlie, logistics_objective
):
    charlies_key_result = KeyResultFactory(objective=logistics_objective, owner=charlie)
    client.force_login(charlie)
    response = client.post(
        reverse("key_result_check_ins", args=[charlies_key_result.pk]),
        {"value": "60", "confidence": "7"},
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("person", "expected"),
    [
        ("alice", ALLOWED),
        ("sam", ALLOWED),
        ("bob", REFUSED),
        ("vera", REFUSED),
        ("charlie", REFUSED),
    ],
)
def test_who_may_edit_an_objective(client, people, logistics_objective, person, expected):
    client.force_login(people[person])
    page = client.get(reverse("objective_edit", args=[logistics_objective.pk]))
    assert outcome(page.status_code) == expected

    post = client.post(reverse("objective_edit", args=[logistics_objective.pk]), {"title": "X"})
    if expected == REFUSED:
        assert post.status_code == 403
        logistics_objective.refresh_from_db()
        assert logistics_objective.title == "Reduce last-mile delivery cost"


@pytest.mark.parametrize(
    ("person", "expected"),
    [("alice", ALLOWED), ("bob", REFUSED), ("vera", REFUSED), ("charlie", REFUSED)],
)
def test_who_may_archive_an_objective(client, people, logistics_objective, person, expected):
    client.force_login(people[person])
    response = client.post(reverse("objective_archive", args=[logistics_objective.pk]))
    assert outcome(response.status_code) == expected
    logistics_objective.refresh_from_db()
    assert logistics_objective.is_archived == (expected == ALLOWED)


@pytest.mark.parametrize(
    ("person", "expected"),
    [
        ("alice", ALLOWED),
        ("sam", ALLOWED),
        ("bob", REFUSED),
        ("vera", REFUSED),
        ("charlie", REFUSED),
    ],
)
def test_who_may_create_an_objective_in_a_unit(
    client, people, emea_logistics, quarter, person, expected
):
    client.force_login(people[person])
    response = client.get(
        reverse("objective_create"), {"unit": emea_logistics.pk, "cycle": quarter.pk}
    )
    assert outcome(response.status_code) == expected


def test_a_manager_cannot_create_objectives_in_a_unit_he_does_not_manage(
    client, alice, apac, quarter
):
    client.force_login(alice)
    response = client.post(
        reverse("objective_create"),
        {
            "title": "Sneak in",
            "unit": apac.pk,
            "owner": alice.pk,
            "cycle": quarter.pk,
            "level": "quarterly",
            "kind": "committed",
            "perspective": "customer",
            "progress_source": "key_results",
            "weight": "1",
            "key_results-TOTAL_FORMS": "0",
            "key_results-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Objective.objects.filter(title="Sneak in").exists()


def test_a_viewer_sees_no_buttons_he_may_not_use(
    client, vera, logistics_objective, bobs_key_result
):
    client.force_login(vera)
    page = client.get(reverse("objective_detail", args=[logistics_objective.pk])).content.decode()
    assert "Cost per parcel" in page
    assert "check_in=1" not in page
    assert reverse("objective_edit", args=[logistics_objective.pk]) not in page


def test_the_owner_and_the_manager_see_their_buttons(
    client, bob, alice, logistics_objective, bobs_key_result
):
    client.force_login(bob)
    page = client.get(reverse("objective_detail", args=[logistics_objective.pk])).content.decode()
    assert "check_in=1" in page
    assert reverse("objective_edit", args=[logistics_objective.pk]) not in page
    client.force_login(alice)
    page = client.get(reverse("objective_detail", args=[logistics_objective.pk])).content.decode()
    assert reverse("objective_edit", args=[logistics_objective.pk]) in page


@pytest.mark.parametrize("url_name", ["home", "organisation", "objective_create", "parent_options"])
def test_every_page_requires_login(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_posts_require_login_too(client, bobs_key_result):
    response = client.post(
        reverse("key_result_check_ins", args=[bobs_key_result.pk]),
        {"value": "1", "confidence": "5"},
    )
    assert response.status_code == 302
    assert not CheckIn.objects.exists()
