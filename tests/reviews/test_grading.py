"""Closing a cycle: grades offered from progress, misses classified from the data, a record once
closed."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from objectives.models import Cycle
from objectives.rollups import recompute_all
from reviews.grading import (
    GradeInput,
    as_grade,
    grades_save,
    grading_sheet,
    review_close,
    suggest_miss_cause,
)
from reviews.models import KeyResultGrade, ObjectiveGrade, ReviewMeeting
from tests.factories import KeyResultFactory, ObjectiveFactory, ReviewMeetingFactory

pytestmark = pytest.mark.django_db

EXECUTION, STRATEGY = ObjectiveGrade.MissCause.EXECUTION, ObjectiveGrade.MissCause.STRATEGY


def lines_by_title(review):
    return {line.objective.title: line for line in grading_sheet(review)}


@pytest.mark.parametrize(
    ("progress", "grade"),
    [(None, "0.00"), (0.0, "0.00"), (0.333, "0.33"), (0.675, "0.68"), (1.0, "1.00"), (1.4, "1.00")],
)
def test_grades_are_offered_from_progress(progress, grade):
    assert as_grade(progress) == Decimal(grade)


def test_the_sheet_offers_each_grade_and_says_which_objectives_missed(review, emea_plan):
    sheet = lines_by_title(review)

    assert sheet["Certify every dispatcher"].suggested == Decimal("1.00")
    assert not sheet["Certify every dispatcher"].is_miss
    assert sheet["Cut last-mile cost"].suggested == Decimal("0.90")
    assert sheet["Cut last-mile cost"].is_miss, "a committed objective needs 1.0"
    assert sheet["Staff the second shift"].suggested == Decimal("0.47")
    assert [grade for _kr, grade in sheet["Cut last-mile cost"].key_results] == [
        Decimal("0.90"),
        Decimal("0.90"),
    ]


def test_delivered_key_results_and_an_unmoved_kpi_suggest_a_strategy_miss(review, emea_plan):
    miss = lines_by_title(review)["Cut last-mile cost"].miss
    assert miss.cause == STRATEGY
    assert miss.explanation == (
        "2 of 2 key results were delivered, but Cost per parcel did not improve over the cycle."
    )


def test_undelivered_key_results_suggest_an_execution_miss(review, emea_plan):
    miss = lines_by_title(review)["Staff the second shift"].miss
    assert miss.cause == EXECUTION
    assert miss.explanation == "1 of 2 key results were delivered (graded 0.7 or more)."


def test_a_kpi_that_moved_points_back_at_execution():
    class KR:
        weight = Decimal(1)

    class Movement:
        improved = True

        class kpi:
            name = "Cost per parcel"

    miss = suggest_miss_cause([(KR(), Decimal("0.9"))], [Movement()])
    assert miss.cause == EXECUTION
    assert "Cost per parcel improved" in miss.explanation


def test_an_objective_that_rolls_up_its_children_is_judged_by_them(
    company, review, emea, emea_plan, quarter
):
    parent = ObjectiveFactory(
        title="Make EMEA the on-time benchmark",
        unit=emea,
        cycle=quarter,
        progress_source="children",
    )
    for child in (emea_plan.cost, emea_plan.hiring):
        child.parent = parent
        child.save()
    recompute_all(on=quarter.end_date)

    miss = lines_by_title(review)["Make EMEA the on-time benchmark"].miss
    assert miss.cause == STRATEGY, "the cost objective reached 0.9, hiring only 0.47"
    assert miss.explanation.startswith("1 of 2 aligned objectives were delivered")


def test_grades_are_saved_together_with_the_review_and_who_graded(review, emea_plan, alice):
    cost_kr = emea_plan.cost.key_results.first()
    grades_save(
        review=review,
        by=alice,
        objectives={
            emea_plan.cost.pk: GradeInput(Decimal("0.90"), Decimal("0.90"), miss_cause=STRATEGY)
        },
        key_results={cost_kr.pk: GradeInput(Decimal("1.00"), Decimal("0.90"), "Signed in week 12")},
    )
    grade = ObjectiveGrade.objects.get(objective=emea_plan.cost)
    assert (grade.score, grade.review, grade.graded_by, grade.miss_cause) == (
        Decimal("0.90"),
        review,
        alice,
        STRATEGY,
    )
    assert KeyResultGrade.objects.get(key_result=cost_kr).reason == "Signed in week 12"


def test_grading_again_changes_the_same_grades(review, emea_plan, alice):
    cost_kr = emea_plan.cost.key_results.first()

    def grade(score: str) -> None:
        grades_save(
            review=review,
            by=alice,
            objectives={emea_plan.cost.pk: GradeInput(Decimal(score), Decimal(score))},
            key_results={cost_kr.pk: GradeInput(Decimal(score), Decimal(score))},
        )

    grade("0.40")
    grade("0.80")

    assert ObjectiveGrade.objects.get().score == Decimal("0.80")
    assert KeyResultGrade.objects.get().score == Decimal("0.80")


def test_one_invalid_grade_saves_none(review, emea_plan, alice):
    cost_kr = emea_plan.cost.key_results.first()
    with pytest.raises(ValidationError, match="Say why the grade differs"):
        grades_save(
            review=review,
            by=alice,
            objectives={emea_plan.delivered.pk: GradeInput(Decimal("1.00"), Decimal("1.00"))},
            key_results={cost_kr.pk: GradeInput(Decimal("0.50"), Decimal("0.90"))},
        )
    assert not ObjectiveGrade.objects.exists()
    assert not KeyResultGrade.objects.exists()


def grade_everything(review, by, *, causes: dict[str, str]) -> None:
    sheet = grading_sheet(review)
    grades_save(
        review=review,
        by=by,
        objectives={
            line.objective.pk: GradeInput(
                line.suggested, line.suggested, miss_cause=causes.get(line.objective.title, "")
            )
            for line in sheet
        },
        key_results={
            kr.pk: GradeInput(grade, grade) for line in sheet for kr, grade in line.key_results
        },
    )


def test_closing_needs_every_grade_and_every_cause(review, emea_plan, alice):
    with pytest.raises(ValidationError) as refused:
        review_close(review=review, by=alice, what_worked="", what_did_not="", what_we_change="")
    assert "“Cut last-mile cost” has no grade yet." in refused.value.messages

    grade_everything(review, alice, causes={"Cut last-mile cost": STRATEGY})
    with pytest.raises(ValidationError) as refused:
        review_close(
            review=review, by=alice, what_worked="Guards", what_did_not="", what_we_change=""
        )
    assert refused.value.messages == [
        "“Staff the second shift” was missed: say whether execution or strategy."
    ]


def test_closing_needs_a_retrospective_of_at_least_one_part(review, emea_plan, alice):
    grade_everything(
        review,
        alice,
        causes={"Cut last-mile cost": STRATEGY, "Staff the second shift": EXECUTION},
    )
    with pytest.raises(ValidationError) as refused:
        review_close(review=review, by=alice, what_worked=" ", what_did_not="", what_we_change="")
    assert refused.value.messages == [
        "Write the retrospective: what worked, what did not, or what you will change "
        "(one of them at least)."
    ]

    review_close(
        review=review, by=alice, what_worked="", what_did_not="Cost lagged.", what_we_change=""
    )
    review.refresh_from_db()
    assert review.state == ReviewMeeting.State.CLOSED


def test_a_closed_review_is_a_record(review, emea_plan, alice, quarter):
    grade_everything(
        review,
        alice,
        causes={"Cut last-mile cost": STRATEGY, "Staff the second shift": EXECUTION},
    )
    review_close(
        review=review,
        by=alice,
        what_worked="Weekly check-ins.",
        what_did_not="Cost did not follow the KRs.",
        what_we_change="A cost KPI guards every cost objective.",
    )

    review.refresh_from_db()
    assert review.state == ReviewMeeting.State.CLOSED
    assert review.closed_by == alice
    assert review.what_we_change == "A cost KPI guards every cost objective."
    assert not alice.has_perm("reviews.run_review", review)
    with pytest.raises(ValidationError, match="closed"):
        grade_everything(review, alice, causes={})
    quarter.refresh_from_db()
    assert quarter.state == Cycle.State.ACTIVE, "EMEA is not the top unit"


def test_closing_the_top_units_review_closes_the_cycle_for_everyone(
    company, quarter, sam, bob, emea_logistics
):
    top = ReviewMeetingFactory(unit=company, cycle=quarter)
    objective = ObjectiveFactory(unit=emea_logistics, cycle=quarter, owner=bob)
    key_result = KeyResultFactory(objective=objective, owner=bob)
    grade_everything(top, sam, causes={objective.title: EXECUTION})

    review_close(
        review=top, by=sam, what_worked="", what_did_not="", what_we_change="Guard cost KRs"
    )

    quarter.refresh_from_db()
    assert quarter.state == Cycle.State.CLOSED
    key_result.objective.cycle.refresh_from_db()
    assert not bob.has_perm("objectives.check_in", key_result), "a closed cycle is a record"
    assert not bob.has_perm("objectives.propose_objective", objective)
    assert sam.has_perm("objectives.check_in", key_result), "staff may still correct it"
