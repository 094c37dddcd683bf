"""Checking in on a key result from My work, the objective page and the check-in page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import KeyResultFactory, ObjectiveFactory

from .conftest import error_texts, form_holding, reading, written

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_time_rate(emea_logistics, quarter, bob):
    objective = ObjectiveFactory(
        title="Deliver on time", unit=emea_logistics, cycle=quarter, owner=bob
    )
    return KeyResultFactory(
        objective=objective,
        title="On-time delivery rate",
        owner=bob,
        unit_label="%",
        start_value=Decimal(80),
        target_value=Decimal(95),
    )


def inline_check_in_form(django_app, key_result, person, *, on: str):
    """The form htmx opens in the key result's row, as the page's link asks for it."""
    page = django_app.get(on, user=person)
    link = page.html.select_one(f'#key-result-{key_result.pk} a[hx-get*="check_in=1"]')
    assert link is not None, "the row offers a check-in"
    fragment = django_app.get(link["hx-get"], user=person, headers={"HX-Request": "true"})
    return form_holding(fragment, "value")


@pytest.mark.parametrize("page_name", ["home", "objective_detail"])
def test_a_contributor_checks_in_in_the_row_of_either_page(
    django_app, bob, on_time_rate, language, page_name
):
    on = (
        reverse("home")
        if page_name == "home"
        else reverse("objective_detail", args=[on_time_rate.objective_id])
    )
    form = inline_check_in_form(django_app, on_time_rate, reading(bob, language), on=on)
    assert form["value"].value == "80"
    form["value"] = written("91.5", language)
    form["confidence"] = "8"
    form["note"] = "Two new carriers on the Lyon route."

    response = form.submit(headers={"HX-Request": "true"})

    assert response.status_code == 200, error_texts(response)
    check_in = on_time_rate.check_ins.get()
    assert (check_in.value, check_in.confidence, check_in.author) == (Decimal("91.5"), 8, bob)
    assert written("91.5", language) in response.text


def test_a_contributor_checks_in_on_the_check_in_page_without_javascript(
    django_app, bob, on_time_rate, language
):
    url = reverse("key_result_check_ins", args=[on_time_rate.pk])
    form = form_holding(django_app.get(url, user=reading(bob, language)), "value")
    form["value"] = written("88.25", language)
    form["confidence"] = "7"

    response = form.submit()

    assert response.status_code == 302, error_texts(response)
    assert on_time_rate.check_ins.get().value == Decimal("88.25")


def test_an_off_track_check_in_must_say_what_blocks_it(django_app, bob, on_time_rate, language):
    url = reverse("key_result_check_ins", args=[on_time_rate.pk])
    form = form_holding(django_app.get(url, user=reading(bob, language)), "value")
    form["value"] = written("80.5", language)
    form["confidence"] = "6"

    refused = form.submit(status=400)

    blocks = {
        "en": "This value leaves the key result off track: say what blocks it.",
        "de": "blockiert",
    }[language]
    assert any(blocks in error for error in error_texts(refused))
    assert not on_time_rate.check_ins.exists()
    form = form_holding(refused, "value")
    assert form["value"].value == written("80.5", language), "the input is kept"
    form["note"] = "The Lyon hub lost two drivers."

    form.submit(status=302)

    assert on_time_rate.check_ins.get().note == "The Lyon hub lost two drivers."
