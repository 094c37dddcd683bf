"""Catchball and deployment, submitted as their pages render the forms."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from objectives.models import Objective
from tests.factories import KeyResultFactory, ObjectiveFactory, UserFactory

from .conftest import error_texts, form_holding, reading

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal(emea_logistics, quarter, bob):
    return ObjectiveFactory(
        title="Dock to stock in a day", unit=emea_logistics, cycle=quarter, owner=bob
    )


def test_a_team_proposes_and_the_manager_above_returns_then_agrees(
    django_app, bob, alice, proposal, language
):
    page_url = reverse("objective_detail", args=[proposal.pk])
    bob, alice = reading(bob, language), reading(alice, language)
    form = form_holding(django_app.get(page_url, user=bob), "text")
    form["text"] = "The one lever we own for on-time delivery."
    form.submit("action", value="proposed").follow()

    form = form_holding(django_app.get(page_url, user=alice), "text")
    refused = form.submit("action", value="returned", status=400)  # returning needs a comment
    form = form_holding(refused, "text")
    form["text"] = "Align the dates with Rotterdam first."
    form.submit("action", value="returned").follow()

    form = form_holding(django_app.get(page_url, user=bob), "text")
    form.submit("action", value="proposed").follow()
    form = form_holding(django_app.get(page_url, user=alice), "text")
    form.submit("action", value="agreed").follow()

    proposal.refresh_from_db()
    assert proposal.catchball == Objective.Catchball.AGREED
    assert list(proposal.catchball_messages.values_list("action", "author__username")) == [
        ("proposed", "bob"),
        ("returned", "alice"),
        ("proposed", "bob"),
        ("agreed", "alice"),
    ]


def test_a_global_objective_is_deployed_to_the_regions_chosen(
    django_app, sam, company, emea, apac, quarter, language
):
    emea.lead = UserFactory(username="jonas", first_name="Jonas")
    emea.save()
    original = ObjectiveFactory(
        title="Reduce last-mile cost by 15%", unit=company, cycle=quarter, owner=sam
    )
    KeyResultFactory(
        objective=original,
        title="Cost per parcel",
        start_value=Decimal("8.4"),
        target_value=Decimal("7.14"),
        direction="decrease",
    )
    page = django_app.get(
        reverse("objective_deploy", args=[original.pk]), user=reading(sam, language)
    )
    form = form_holding(page, "units")
    form.get("units", index=1).checked = True  # APAC, then EMEA: in the order of their names
    assert form["copy_key_results"].checked

    response = form.submit()

    assert response.status_code == 302, error_texts(response)
    copy = Objective.objects.get(deployed_from=original)
    assert (copy.unit, copy.owner.username) == (emea, "jonas")
    assert copy.key_results.get().target_value == Decimal("7.14")
