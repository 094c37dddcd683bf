"""Creating and editing an objective with its key results, as the page renders the form."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from objectives.models import Objective
from tests.factories import CheckInFactory, KeyResultFactory, ObjectiveFactory

from .conftest import error_texts, field_errors, form_holding, reading, written

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivery_objective(emea, quarter, alice):
    objective = ObjectiveFactory(
        title="Make EMEA the benchmark for on-time delivery", unit=emea, cycle=quarter, owner=alice
    )
    KeyResultFactory(
        objective=objective,
        title="On-time delivery rate",
        unit_label="%",
        start_value=Decimal("84"),
        target_value=Decimal("95"),
    )
    KeyResultFactory(
        objective=objective,
        title="Average delay",
        unit_label="h",
        direction="decrease",
        start_value=Decimal("8.4"),
        target_value=Decimal("5.7"),
    )
    return objective


def edit_page(django_app, objective, person):
    return django_app.get(reverse("objective_edit", args=[objective.pk]), user=person)


def test_a_manager_saves_an_objective_with_only_its_title_changed(
    django_app, alice, delivery_objective, language
):
    page = edit_page(django_app, delivery_objective, reading(alice, language))
    form = form_holding(page, "title")
    form["title"] = "Make EMEA the benchmark for on-time, low-cost delivery"

    response = form.submit()

    assert response.status_code == 302, (error_texts(response), field_errors(response))
    delivery_objective.refresh_from_db()
    assert delivery_objective.title == "Make EMEA the benchmark for on-time, low-cost delivery"
    assert delivery_objective.key_results.count() == 2


def test_the_edit_form_shows_each_number_as_the_person_writes_it(
    django_app, alice, delivery_objective, language
):
    page = edit_page(django_app, delivery_objective, reading(alice, language))
    form = form_holding(page, "title")

    assert form["key_results-1-start_value"].value == written("8.4", language)
    assert form["key_results-1-target_value"].value == written("5.7", language)
    assert form["key_results-0-target_value"].value == "95"
    assert form["key_results-0-weight"].value == "1"
    assert form["weight"].value == "1"
    assert "8.4000" not in page.text
    assert "8,4000" not in page.text


def test_a_manager_changes_a_key_results_target(django_app, alice, delivery_objective, language):
    page = edit_page(django_app, delivery_objective, reading(alice, language))
    form = form_holding(page, "title")
    form["key_results-0-target_value"] = written("96.5", language)

    response = form.submit()

    assert response.status_code == 302, (error_texts(response), field_errors(response))
    on_time = delivery_objective.key_results.get(title="On-time delivery rate")
    assert on_time.target_value == Decimal("96.5")
    delay = delivery_objective.key_results.get(title="Average delay")
    assert (delay.start_value, delay.target_value) == (Decimal("8.4"), Decimal("5.7"))


def test_a_manager_adds_a_key_result_in_the_blank_row(
    django_app, alice, delivery_objective, language
):
    page = edit_page(django_app, delivery_objective, reading(alice, language))
    form = form_holding(page, "title")
    assert form["key_results-2-owner"].value == str(alice.pk)
    form["key_results-2-title"] = "Parcels damaged in transit"
    form["key_results-2-direction"] = "decrease"
    form["key_results-2-start_value"] = written("1.2", language)
    form["key_results-2-target_value"] = written("0.5", language)

    response = form.submit()

    assert response.status_code == 302, (error_texts(response), field_errors(response))
    damaged = delivery_objective.key_results.get(title="Parcels damaged in transit")
    assert (damaged.start_value, damaged.target_value) == (Decimal("1.2"), Decimal("0.5"))
    assert damaged.owner == alice
    assert delivery_objective.key_results.count() == 3


def test_a_manager_removes_a_key_result_without_check_ins(
    django_app, alice, delivery_objective, language
):
    page = edit_page(django_app, delivery_objective, reading(alice, language))
    form = form_holding(page, "title")
    form["key_results-1-DELETE"] = True

    response = form.submit()

    assert response.status_code == 302, (error_texts(response), field_errors(response))
    assert list(delivery_objective.key_results.values_list("title", flat=True)) == [
        "On-time delivery rate"
    ]


def test_a_key_result_with_check_ins_is_kept_and_the_page_says_why(
    django_app, alice, delivery_objective, language
):
    CheckInFactory(key_result=delivery_objective.key_results.get(title="Average delay"), value=7)
    page = edit_page(django_app, delivery_objective, reading(alice, language))
    form = form_holding(page, "title")
    form["key_results-1-DELETE"] = True

    response = form.submit()

    assert response.status_code == 200
    assert delivery_objective.key_results.count() == 2
    assert any("Average delay" in error for error in error_texts(response))


def test_a_manager_creates_an_objective_whose_key_result_she_owns(
    django_app, alice, emea, quarter, language
):
    url = reverse("objective_create") + f"?unit={emea.pk}&cycle={quarter.pk}"
    page = django_app.get(url, user=reading(alice, language))
    form = form_holding(page, "title")
    assert form["key_results-0-owner"].value == str(alice.pk)
    form["title"] = "Cut last-mile cost per parcel"
    form["perspective"] = "financial"
    form["key_results-0-title"] = "Cost per parcel"
    form["key_results-0-unit_label"] = "EUR"
    form["key_results-0-direction"] = "decrease"
    form["key_results-0-start_value"] = written("4.8", language)
    form["key_results-0-target_value"] = written("4.1", language)

    response = form.submit()

    assert response.status_code == 302, (error_texts(response), field_errors(response))
    objective = Objective.objects.get(title="Cut last-mile cost per parcel")
    assert (objective.unit, objective.cycle, objective.owner) == (emea, quarter, alice)
    key_result = objective.key_results.get()
    assert (key_result.title, key_result.owner) == ("Cost per parcel", alice)
    assert (key_result.start_value, key_result.target_value) == (Decimal("4.8"), Decimal("4.1"))


def test_a_key_result_weighted_zero_is_refused_with_the_reason_and_nothing_is_saved(
    django_app, alice, delivery_objective, language
):
    page = edit_page(django_app, delivery_objective, reading(alice, language))
    form = form_holding(page, "title")
    form["key_results-0-weight"] = "0"

    response = form.submit()

    assert response.status_code == 200
    expected = {
        "en": "The weight must be greater than zero.",
        "de": "Das Gewicht muss größer als null sein.",
    }[language]
    assert expected in " ".join(error_texts(response)), field_errors(response)
    on_time = delivery_objective.key_results.get(title="On-time delivery rate")
    assert on_time.weight == Decimal(1)
