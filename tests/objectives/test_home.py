"""Signing in, and the first page a person sees: their objectives and key results."""

from __future__ import annotations

import pytest
from django.urls import reverse

from objectives.models import Cycle
from objectives.rollups import recompute_all
from tests.factories import CheckInFactory, KeyResultFactory, ObjectiveFactory

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


def test_what_needs_attention_comes_first_most_urgent_on_top(client, bob, emea_logistics):
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    cycle = Cycle.objects.create(
        name="Now",
        code="now",
        kind="quarter",
        start_date=today - timedelta(days=60),
        end_date=today + timedelta(days=30),
        state=Cycle.State.ACTIVE,
    )
    objective = ObjectiveFactory(unit=emea_logistics, cycle=cycle)
    quiet = KeyResultFactory(objective=objective, owner=bob, title="Quiet but fine")
    CheckInFactory(key_result=quiet, value=70, created_at=timezone.now() - timedelta(days=10))
    behind = KeyResultFactory(objective=objective, owner=bob, title="Far behind")
    CheckInFactory(key_result=behind, value=5, confidence=2, note="Blocked.")
    fine = KeyResultFactory(objective=objective, owner=bob, title="All good")
    CheckInFactory(key_result=fine, value=70, confidence=8)
    recompute_all()
    client.force_login(bob)

    html = client.get(reverse("home")).content.decode()
    attention = html[html.index("Needs your attention first") : html.index("</ol>")]

    assert attention.index("Far behind") < attention.index("Quiet but fine")
    assert "off track, confidence 2 of 10" in attention
    assert "no check-in for a week" in attention
    assert "All good" not in attention


def test_people_see_the_pages_in_their_language_and_number_format(client, bob, quarter):
    bob.language = "de"
    bob.save()
    objective = ObjectiveFactory(owner=bob, cycle=quarter)
    key_result = KeyResultFactory(objective=objective, owner=bob, start_value=0, target_value=2000)
    CheckInFactory(key_result=key_result, value="1234.5")
    recompute_all()
    client.force_login(bob)

    page = client.get(reverse("home")).content.decode()

    assert "Meine Arbeit, Bob" in page
    assert '<html lang="de">' in page
    assert "1.234,5 → 2.000" in page
