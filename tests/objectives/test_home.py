"""Signing in, and the first page a person sees: their objectives and key results."""

from __future__ import annotations

import pytest
from django.urls import reverse

from objectives.models import Cycle
from objectives.rollups import recompute_all
from tests.factories import KeyResultFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db


def test_every_page_requires_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_wrong_password_gets_a_clear_message(client, alice):
    response = client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_signing_in_lands_on_my_work(client, alice):
    response = client.post(
        reverse("login"), {"username": "alice", "password": "correct horse battery staple"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_my_work_shows_what_i_own_and_nothing_else(client, bob, charlie, emea_logistics, quarter):
    mine = ObjectiveFactory(title="Cut last-mile cost", unit=emea_logistics, cycle=quarter)
    KeyResultFactory(objective=mine, owner=bob, title="Cost per parcel down to €7.14")
    ObjectiveFactory(title="Someone else's objective", owner=charlie, cycle=quarter)
    recompute_all()
    client.force_login(bob)

    page = client.get(reverse("home")).content.decode()

    assert "Cut last-mile cost" in page
    assert "Cost per parcel down to €7.14" in page
    assert "Not started" in page
    assert "Someone else&#x27;s objective" not in page


def test_my_work_leaves_out_closed_quarters(client, bob, emea_logistics):
    closed = Cycle.objects.create(
        name="Q3",
        code="q3",
        kind="quarter",
        start_date="2026-07-01",
        end_date="2026-09-30",
        state=Cycle.State.CLOSED,
    )
    ObjectiveFactory(title="Last quarter's work", owner=bob, cycle=closed)
    client.force_login(bob)

    assert "Last quarter" not in client.get(reverse("home")).content.decode()


def test_my_work_runs_the_same_queries_whatever_the_number_of_objectives(
    client, bob, quarter, django_assert_num_queries
):
    def add_objectives(count: int) -> None:
        for _ in range(count):
            objective = ObjectiveFactory(owner=bob, cycle=quarter)
            KeyResultFactory.create_batch(3, objective=objective, owner=bob)
        recompute_all()

    client.force_login(bob)
    add_objectives(2)
    # session, user, objectives (with unit, cycle, owner), their key results (with owners)
    with django_assert_num_queries(4):
        client.get(reverse("home"))
    add_objectives(20)
    with django_assert_num_queries(4):
        response = client.get(reverse("home"))
    assert response.content.decode().count('role="progressbar"') == 22 * 4
