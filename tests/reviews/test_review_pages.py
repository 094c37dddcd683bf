"""Reviews in the browser, request by request: plan, the agenda, decisions, grading, closing,
the export."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from alignment.selectors import kpi_for_page
from kpis.selectors import chart_data
from objectives.models import Cycle, Intervention
from objectives.rollups import recompute_all
from okrplatform.org.models import Membership
from reviews.models import Decision, ObjectiveGrade, ReviewMeeting
from tests.factories import (
    DecisionFactory,
    InterventionFactory,
    MembershipFactory,
    ObjectiveFactory,
    OrgUnitFactory,
    ReviewMeetingFactory,
    TensionFactory,
)

pytestmark = pytest.mark.django_db


def test_a_manager_plans_a_review(client, alice, emea, quarter):
    client.force_login(alice)
    assert client.get(reverse("review_create")).status_code == 200

    response = client.post(
        reverse("review_create"),
        {
            "unit": emea.pk,
            "cycle": quarter.pk,
            "title": "EMEA review Q4",
            "scheduled_for": "2026-12-18T10:00",
            "location": "Berlin",
            "facilitator": alice.pk,
            "participants": [alice.pk],
        },
    )

    review = ReviewMeeting.objects.get()
    assert response.url == reverse("review_detail", args=[review.pk])
    assert review.unit == emea
    assert list(review.participants.all()) == [alice]


def test_a_review_needs_a_title_and_a_date(client, alice, emea, quarter):
    client.force_login(alice)
    response = client.post(reverse("review_create"), {"unit": emea.pk, "cycle": quarter.pk})
    assert response.status_code == 400
    assert not ReviewMeeting.objects.exists()


def test_only_managers_plan_reviews(client, vera, bob):
    for person in (vera, bob):
        client.force_login(person)
        assert client.get(reverse("review_create")).status_code == 403


def test_the_list_shows_the_reviews_of_the_units_one_sees(client, vera, review, apac, quarter):
    ReviewMeetingFactory(unit=apac, cycle=quarter, title="APAC review")
    client.force_login(vera)
    html = client.get(reverse("review_list")).content.decode()
    assert "EMEA quarterly review Q4 2026" in html
    assert "APAC review" not in html


def test_the_agenda_is_built_from_live_data(client, vera, review, emea_plan, emea_logistics):
    intervention = InterventionFactory(kpi=emea_plan.cost_per_parcel, objective=emea_plan.cost)
    TensionFactory(objective=emea_plan.cost, kpi=emea_plan.cost_per_parcel)
    previous = ReviewMeetingFactory(
        unit=review.unit,
        cycle=review.cycle,
        scheduled_for=timezone.now().replace(year=2026, month=10, day=1),
    )
    DecisionFactory(
        review=previous, title="Pause expedited shipping", decided_on=date(2026, 10, 20)
    )
    client.force_login(vera)

    html = client.get(reverse("review_detail", args=[review.pk])).content.decode()

    assert html.index("Staff the second shift") < html.index("Certify every dispatcher"), (
        "exceptions first"
    )
    assert "Cost per parcel" in html, "a KPI in warning"
    assert intervention.get_state_display() in html
    assert "pulls against Cost per parcel" in html
    assert "Tensions without a trade-off decision: 1" in html
    assert "Pause expedited shipping" in html, "decided since the last review"
    assert "Record the decision" not in html, "a viewer does not record decisions"


def test_a_decision_recorded_in_the_meeting_marks_the_kpi_chart_and_the_next_agenda(
    client, alice, review, emea_plan, quarter
):
    client.force_login(alice)
    response = client.post(
        reverse("review_decisions", args=[review.pk]),
        {
            "title": "Guard every cost objective with a throughput KPI",
            "details": "From next quarter.",
            "kpis": [emea_plan.cost_per_parcel.pk],
            "objectives": [emea_plan.cost.pk],
        },
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    assert "Decision recorded." in response.content.decode()
    decision = Decision.objects.get()
    assert (decision.review, decision.decided_by) == (review, alice)
    kpi = kpi_for_page().get(pk=emea_plan.cost_per_parcel.pk)
    markers = chart_data(kpi, list(kpi.measurements.all()))["decisions"]
    assert [marker["title"] for marker in markers] == [decision.title]
    following = ReviewMeetingFactory(
        unit=review.unit, cycle=quarter, scheduled_for=review.scheduled_for.replace(day=28)
    )
    next_agenda = client.get(reverse("review_detail", args=[following.pk])).content.decode()
    assert "Guard every cost objective with a throughput KPI" in next_agenda


def test_a_decision_without_a_title_is_refused_and_kept(client, alice, review, emea_plan):
    client.force_login(alice)
    response = client.post(
        reverse("review_decisions", args=[review.pk]),
        {"title": "", "details": "Something about cost"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "Say what was decided." in html
    assert 'value="Something about cost"' in html
    assert not Decision.objects.exists()


def test_viewers_do_not_record_decisions(client, vera, review):
    client.force_login(vera)
    response = client.post(reverse("review_decisions", args=[review.pk]), {"title": "Mine"})
    assert response.status_code == 403
    assert not Decision.objects.exists()


def sheet_post(review, client) -> dict:
    """The grading sheet as the page offers it, every field at its initial value."""
    page = client.get(reverse("review_grades", args=[review.pk]))
    data = {}
    for row in page.context["rows"]:
        forms = [row.form, *(form for _kr, form in row.key_results)]
        for form in forms:
            for name, field in form.fields.items():
                value = form.initial.get(name, field.initial)
                data[form.add_prefix(name)] = "" if value is None else str(value)
    return data


def test_grading_from_the_page_takes_the_suggestions_and_the_causes(
    client, alice, review, emea_plan
):
    client.force_login(alice)
    data = sheet_post(review, client)
    assert data[f"objective-{emea_plan.cost.pk}-miss_cause"] == "strategy"
    assert data[f"objective-{emea_plan.hiring.pk}-miss_cause"] == "execution"

    response = client.post(reverse("review_grades", args=[review.pk]), data)

    assert response.status_code == 302
    grades = {grade.objective.title: grade for grade in ObjectiveGrade.objects.all()}
    assert grades["Cut last-mile cost"].score == Decimal("0.90")
    assert grades["Cut last-mile cost"].miss_cause == "strategy"
    assert grades["Certify every dispatcher"].is_success


def test_a_grade_out_of_range_or_unexplained_is_refused_and_nothing_is_saved(
    client, alice, review, emea_plan
):
    client.force_login(alice)
    data = sheet_post(review, client)
    data[f"objective-{emea_plan.delivered.pk}-score"] = "1.5"
    data[f"objective-{emea_plan.cost.pk}-score"] = "0.95"

    response = client.post(reverse("review_grades", args=[review.pk]), data)

    html = response.content.decode()
    assert response.status_code == 400
    assert "A grade runs from 0.0 to 1.0, such as 0.7." in html
    assert "Say why the grade differs from the suggested 0.90." in html
    assert not ObjectiveGrade.objects.exists()


def test_closing_from_the_page(client, alice, review, emea_plan):
    client.force_login(alice)
    client.post(reverse("review_grades", args=[review.pk]), sheet_post(review, client))

    response = client.post(
        reverse("review_close", args=[review.pk]),
        {"what_worked": "Weekly check-ins", "what_did_not": "", "what_we_change": "Guards"},
    )

    assert response.status_code == 302
    review.refresh_from_db()
    assert review.state == ReviewMeeting.State.CLOSED
    assert client.get(reverse("review_grades", args=[review.pk])).status_code == 403


def test_closing_before_grading_lists_what_is_missing(client, alice, review, emea_plan):
    client.force_login(alice)
    response = client.post(reverse("review_close", args=[review.pk]), {})
    assert response.status_code == 400
    assert "“Cut last-mile cost” has no grade yet." in response.content.decode()


def test_only_a_manager_of_the_unit_grades_and_closes(client, bob, vera, review, emea_plan):
    for person in (bob, vera):
        client.force_login(person)
        assert client.get(reverse("review_grades", args=[review.pk])).status_code == 403
        assert client.post(reverse("review_close", args=[review.pk]), {}).status_code == 403


def test_the_export_holds_the_agenda_grades_and_decisions(client, alice, review, emea_plan):
    DecisionFactory(review=review, title="Guard every cost objective", decided_by=alice)
    client.force_login(alice)

    response = client.get(reverse("review_export", args=[review.pk]))

    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(BytesIO(response.content))
    assert workbook.sheetnames == [
        "Objectives",
        "Key results",
        "Decisions",
        "KPIs needing attention",
        "Retrospective",
    ]
    titles = [row[1] for row in workbook["Objectives"].iter_rows(min_row=2, values_only=True)]
    assert set(titles) == {
        "Certify every dispatcher",
        "Cut last-mile cost",
        "Staff the second shift",
    }
    assert workbook["Decisions"]["B2"].value == "Guard every cost objective"


def test_the_export_holds_a_decision_whose_title_carries_a_control_character(
    client, alice, review, emea_plan
):
    # Text pasted from another system may carry one; the xlsx format cannot hold it.
    DecisionFactory(review=review, title="Guard\x1e every cost objective", decided_by=alice)
    client.force_login(alice)

    response = client.get(reverse("review_export", args=[review.pk]))

    assert response.status_code == 200
    workbook = load_workbook(BytesIO(response.content))
    assert workbook["Decisions"]["B2"].value == "Guard every cost objective"


def test_presentation_and_agenda_run_a_bounded_number_of_queries(
    client, alice, review, emea, quarter, emea_plan, django_assert_max_num_queries
):
    def grow(teams):
        for _ in range(teams):
            team = OrgUnitFactory(parent=emea)
            MembershipFactory(unit=team, role=Membership.Role.CONTRIBUTOR)
            objective = ObjectiveFactory(unit=team, cycle=quarter)
            InterventionFactory(objective=objective, kpi=emea_plan.cost_per_parcel)
            DecisionFactory(review=review).objectives.add(objective)

    client.force_login(alice)
    for teams in (2, 20):
        grow(teams)
        for view in ("review_detail", "review_present", "review_present_live"):
            # 32: the objectives furthest behind are ranked on their bare rows, then the page's
            # twenty are read with their units, owners, key results and links.
            with django_assert_max_num_queries(32):
                assert client.get(reverse(view, args=[review.pk])).status_code == 200
    assert Intervention.objects.count() == 22


def test_a_closed_cycles_slides_show_the_grade_instead_of_the_status(
    client, alice, review, emea_plan, quarter
):
    ObjectiveGrade.objects.create(
        objective=emea_plan.delivered, review=review, score=Decimal("0.90"), graded_by=alice
    )
    quarter.state = Cycle.State.CLOSED
    quarter.save()
    client.force_login(alice)

    slides = client.get(reverse("review_present", args=[review.pk])).content.decode()

    figures = slides.split(f'id="live-objective-{emea_plan.delivered.pk}"')[1].split("</span>\n")[0]
    assert "Grade 0.9" in figures
    assert "okr-badge--on_track" not in figures
    assert "okr-badge--off_track" not in figures


def test_the_agenda_sums_up_the_units_below_and_pages_through_the_objectives(
    client, vera, review, emea, emea_logistics, quarter, emea_plan
):
    for number in range(25):
        ObjectiveFactory(title=f"Also on the plan {number:02d}", unit=emea_logistics, cycle=quarter)
    recompute_all(on=quarter.end_date)
    client.force_login(vera)

    html = client.get(reverse("review_detail", args=[review.pk])).content.decode()

    units = html.split('id="units-heading"')[1].split("</section>")[0]
    assert "EMEA Logistics" in units
    assert ">27<" in units, "the unit's objectives, counted by the rollup"
    assert "The objectives furthest behind, of 28" in html
    assert html.count('href="/objectives/') == 20
    assert "8 more objectives: show the next ones" in html
    more = client.get(
        reverse("review_detail", args=[review.pk]), {"objectives": 20}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" not in more, "only the next rows, for htmx to put in place of the link"
    assert more.count('href="/objectives/') == 8
    assert "show the next ones" not in more


def test_a_review_of_a_unit_with_no_figures_yet_shows_dashes(client, alice, emea, quarter):
    # A unit whose rollup has not run (no objectives yet): its alignment index was a 500.
    review = ReviewMeetingFactory(unit=emea, cycle=quarter, facilitator=alice)
    client.force_login(alice)
    assert client.get(reverse("review_present", args=[review.pk])).status_code == 200
    agenda = client.get(reverse("review_detail", args=[review.pk]))
    assert agenda.status_code == 200
    assert "Alignment index" in agenda.content.decode()
