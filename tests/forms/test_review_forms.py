"""Planning a review, recording a decision, grading, closing and deciding a trade-off, as the
pages render the forms."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from alignment.models import Tension
from reviews.models import Decision, ObjectiveGrade, ReviewMeeting
from tests.factories import KPIFactory, ObjectiveFactory, TensionFactory

from .conftest import error_texts, form_holding, reading, written

pytestmark = pytest.mark.django_db


def test_a_manager_plans_a_review_of_her_unit(django_app, alice, emea, quarter, language):
    url = reverse("review_create") + f"?unit={emea.pk}"
    form = form_holding(django_app.get(url, user=reading(alice, language)), "title")
    assert form["facilitator"].value == str(alice.pk)
    form["scheduled_for"] = "2026-12-18T10:00"
    form["location"] = "Rotterdam, room 4"
    form.get("participants", index=0).checked = True  # a checkbox each, never a Ctrl-click list

    response = form.submit()

    assert response.status_code == 302, error_texts(response)
    review = ReviewMeeting.objects.get()
    assert (review.unit, review.cycle, review.location) == (emea, quarter, "Rotterdam, room 4")
    assert review.scheduled_for.hour == 10
    assert list(review.participants.all()) == [alice]


def test_a_decision_is_recorded_with_the_kpis_it_concerns_ticked(
    django_app, alice, review, emea_plan, language
):
    page = django_app.get(reverse("review_detail", args=[review.pk]), user=reading(alice, language))
    form = form_holding(page, "kpis")
    form["title"] = "Guard every cost objective with a throughput KPI"
    kpi = emea_plan.cost_per_parcel
    form.get("kpis", index=0).checked = True

    response = form.submit()

    assert response.status_code == 302, error_texts(response)
    decision = Decision.objects.get()
    assert decision.title == "Guard every cost objective with a throughput KPI"
    assert list(decision.kpis.all()) == [kpi]


def test_the_grading_sheet_is_saved_as_offered_with_one_grade_changed(
    django_app, alice, review, emea_plan, language
):
    url = reverse("review_grades", args=[review.pk])
    cost = f"objective-{emea_plan.cost.pk}"
    form = form_holding(django_app.get(url, user=reading(alice, language)), f"{cost}-score")
    assert form[f"{cost}-score"].value == written("0.9", language)
    form[f"{cost}-score"] = written("0.85", language)

    refused = form.submit(status=400)

    suggested = {"en": "the suggested 0.90", "de": "0,90"}[language]
    assert any(suggested in error for error in error_texts(refused)), error_texts(refused)
    form = form_holding(refused, f"{cost}-score")
    form[f"{cost}-reason"] = "Two carriers renegotiated late."
    response = form.submit()

    assert response.status_code == 302, error_texts(response)
    grade = ObjectiveGrade.objects.get(objective=emea_plan.cost)
    assert (grade.score, grade.miss_cause) == (Decimal("0.85"), "strategy")


def test_a_review_is_closed_with_a_retrospective(django_app, alice, review, emea_plan, language):
    alice = reading(alice, language)
    sheet = form_holding(
        django_app.get(reverse("review_grades", args=[review.pk]), user=alice),
        f"objective-{emea_plan.cost.pk}-score",
    )
    sheet.submit().follow()
    form = form_holding(
        django_app.get(reverse("review_close", args=[review.pk]), user=alice), "what_worked"
    )

    refused = form.submit(status=400)  # no retrospective yet
    assert refused.html.select(".alert-danger")
    review.refresh_from_db()
    assert review.state != ReviewMeeting.State.CLOSED
    form = form_holding(refused, "what_worked")
    form["what_we_change"] = "A throughput KPI guards every cost objective."
    form.submit().follow()

    review.refresh_from_db()
    assert review.state == ReviewMeeting.State.CLOSED
    assert review.what_we_change == "A throughput KPI guards every cost objective."


def test_a_manager_records_the_trade_off_of_a_tension(
    django_app, alice, emea_logistics, apac, quarter, charlie, language
):
    objective = ObjectiveFactory(
        title="Reduce last-mile cost by 15%", unit=emea_logistics, cycle=quarter
    )
    throughput = KPIFactory(name="Delivery throughput", unit=apac, owner=charlie)
    tension = TensionFactory(objective=objective, kpi=throughput)
    page = django_app.get(
        reverse("tension_detail", args=[tension.pk]), user=reading(alice, language)
    )
    form = form_holding(page, "trade_off")
    form["trade_off"] = "Throughput gives way up to 5% until the routes are re-planned."

    response = form.submit()

    assert response.status_code == 302, error_texts(response)
    tension.refresh_from_db()
    assert tension.state == Tension.State.DECIDED
    assert (
        tension.decision.details == "Throughput gives way up to 5% until the routes are re-planned."
    )
