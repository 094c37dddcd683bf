"""The agenda's confidence trend of each unit below the review's is what the check-ins below
that unit say, week by week, however the check-ins arrive: the weekly figures the rollups keep
never drift from them."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from objectives.models import CheckIn, Cycle, UnitConfidenceWeek
from objectives.rollups import recompute_all, rollup_after_check_in
from objectives.services import check_in_record
from objectives.unit_rollups import CONFIDENCE_WEEKS, confidence_weeks
from okrplatform.org.access import access_for
from reviews.agenda import branch_confidence, unit_summaries
from tests.factories import (
    CheckInFactory,
    CycleFactory,
    KeyResultFactory,
    ObjectiveFactory,
    OrgUnitFactory,
    ReviewMeetingFactory,
)

pytestmark = pytest.mark.django_db


def weeks_ago(weeks: int, days: int = 0):
    return timezone.now() - timedelta(weeks=weeks, days=days)


def trend_from_the_check_ins(unit, cycle: Cycle) -> list[Decimal]:
    """The mean confidence per week of the check-ins below ``unit`` in ``cycle``, counted
    one check-in at a time: what the stored figures must always say."""
    first, last = confidence_weeks(cycle)
    below = unit.descendants(include_self=True)
    per_week: dict = defaultdict(list)
    for check_in in CheckIn.objects.filter(
        key_result__objective__unit__in=below,
        key_result__objective__cycle=cycle,
        key_result__objective__archived_at__isnull=True,
    ):
        day = check_in.created_at.astimezone(UTC).date()
        week = day - timedelta(days=day.weekday())
        if first <= week <= last:
            per_week[week].append(check_in.confidence)
    return [
        (Decimal(sum(confidences)) / len(confidences)).quantize(Decimal("0.1"))
        for _week, confidences in sorted(per_week.items())
    ]


@pytest.fixture
def running_quarter(db):
    today = timezone.localdate()
    return CycleFactory(start_date=today - timedelta(days=70), end_date=today + timedelta(days=20))


@pytest.fixture
def deep_branch(company, emea, emea_logistics, apac, bob, running_quarter):
    """EMEA Logistics with a team and a squad below it, APAC beside EMEA; check-ins over six
    weeks (two of them older than the trend), some in an archived objective and in another
    cycle, which no trend counts."""
    team = OrgUnitFactory(parent=emea_logistics, name="Last mile")
    squad = OrgUnitFactory(parent=team, name="Night shift")
    other_cycle = CycleFactory(
        start_date=running_quarter.start_date, end_date=running_quarter.end_date
    )
    key_results = {}
    for unit in (emea, emea_logistics, team, squad, apac):
        objective = ObjectiveFactory(unit=unit, cycle=running_quarter)
        key_results[unit.name] = KeyResultFactory(objective=objective, owner=bob)
    archived = ObjectiveFactory(unit=team, cycle=running_quarter, archived_at=timezone.now())
    elsewhere = ObjectiveFactory(unit=squad, cycle=other_cycle)
    for weeks in range(6):
        for number, key_result in enumerate(key_results.values()):
            CheckInFactory(
                key_result=key_result,
                confidence=(weeks * 3 + number) % 11,
                created_at=weeks_ago(weeks, days=number % 2),
            )
        for objective in (archived, elsewhere):
            CheckInFactory(
                key_result=KeyResultFactory(objective=objective),
                confidence=0,
                created_at=weeks_ago(weeks),
            )
    recompute_all()
    return key_results


@pytest.fixture
def company_review(company, running_quarter):
    return ReviewMeetingFactory(unit=company, cycle=running_quarter)


def trends_shown(review, *units):
    return branch_confidence(review, list(units))


def trends_counted(review, *units):
    return {
        unit.pk: trend for unit in units if (trend := trend_from_the_check_ins(unit, review.cycle))
    }


def test_each_unit_below_shows_the_mean_confidence_of_its_recent_weeks(
    deep_branch, company_review, company, emea, emea_logistics, apac
):
    shown = trends_shown(company_review, company, emea, emea_logistics, apac)

    assert shown == trends_counted(company_review, company, emea, emea_logistics, apac)
    assert all(len(trend) == CONFIDENCE_WEEKS for trend in shown.values()), (
        "the weeks before the trend are not shown"
    )


def test_a_check_in_deep_below_moves_the_trend_of_every_unit_above(
    bob,
    deep_branch,
    company_review,
    company,
    emea,
    emea_logistics,
    apac,
    django_capture_on_commit_callbacks,
):
    before = trends_shown(company_review, company, emea, apac)

    with django_capture_on_commit_callbacks(execute=True):
        check_in_record(
            key_result=deep_branch["Night shift"],
            author=bob,
            value=Decimal(80),
            confidence=10,
            note="Ahead of plan",
        )

    after = trends_shown(company_review, company, emea, emea_logistics, apac)
    assert after == trends_counted(company_review, company, emea, emea_logistics, apac)
    assert after[emea.pk][-1] > before[emea.pk][-1]
    assert after[company.pk][-1] > before[company.pk][-1]
    assert after[apac.pk] == before[apac.pk], "a neighbour branch keeps its figures"


def test_a_back_dated_check_in_counts_in_the_week_it_is_dated(
    deep_branch, company_review, company, emea, emea_logistics, apac
):
    squad = deep_branch["Night shift"]
    before = trends_shown(company_review, emea)[emea.pk]

    # An import brings a check-in of two weeks ago: only that week of the trend moves.
    CheckInFactory(key_result=squad, confidence=0, created_at=weeks_ago(2))
    rollup_after_check_in(squad.pk)

    after = trends_shown(company_review, emea)[emea.pk]
    assert after == trends_counted(company_review, emea)[emea.pk]
    assert after[-3] < before[-3]
    assert after[:-3] + after[-2:] == before[:-3] + before[-2:]


def test_a_check_in_older_than_the_trend_changes_nothing_shown(
    deep_branch, company_review, company, emea
):
    before = trends_shown(company_review, company, emea)

    CheckInFactory(key_result=deep_branch["Night shift"], confidence=0, created_at=weeks_ago(9))
    rollup_after_check_in(deep_branch["Night shift"].pk)

    assert trends_shown(company_review, company, emea) == before


def test_the_incremental_figures_are_what_a_full_recompute_keeps(
    bob, deep_branch, django_capture_on_commit_callbacks
):
    for number, name in enumerate(["Night shift", "EMEA", "APAC", "Last mile", "Night shift"]):
        CheckInFactory(key_result=deep_branch[name], confidence=number, created_at=weeks_ago(1))
        with django_capture_on_commit_callbacks(execute=True):
            check_in_record(
                key_result=deep_branch[name],
                author=bob,
                value=Decimal(number),
                confidence=9,
                note="Blocked by the carrier",
            )
    fields = ["unit", "cycle", "week", "confidence_sum", "check_in_count"]
    after_incremental = sorted(UnitConfidenceWeek.objects.values_list(*fields))

    recompute_all()

    assert sorted(UnitConfidenceWeek.objects.values_list(*fields)) == after_incremental


def test_a_past_cycle_shows_its_last_weeks_up_to_its_end(company, emea, bob):
    today = timezone.localdate()
    past = CycleFactory(start_date=today - timedelta(days=150), end_date=today - timedelta(days=60))
    key_result = KeyResultFactory(objective=ObjectiveFactory(unit=emea, cycle=past), owner=bob)
    # Every few days up to its last day (so even a last week of one day has a check-in, when
    # the cycle ends on a Monday), and a late one.
    for days in [30, *range(60, 150, 3)]:
        CheckInFactory(
            key_result=key_result,
            confidence=days % 11,
            created_at=timezone.now() - timedelta(days=days),
        )
    recompute_all()
    review = ReviewMeetingFactory(unit=company, cycle=past)

    shown = trends_shown(review, company, emea)

    assert shown == trends_counted(review, company, emea)
    assert len(shown[emea.pk]) == CONFIDENCE_WEEKS


def test_the_agenda_shows_the_trend_in_words(
    client, alice, deep_branch, running_quarter, emea, company
):
    review = ReviewMeetingFactory(unit=emea, cycle=running_quarter)
    summaries = {summary.unit.pk: summary for summary in unit_summaries(review, access_for(alice))}
    logistics = next(iter(summaries.values()))
    client.force_login(alice)

    html = client.get(reverse("review_detail", args=[review.pk])).content.decode()

    units = html.split('id="units-heading"')[1].split("</section>")[0]
    assert f"{logistics.confidence_now}/10" in units
    assert logistics.confidence == trend_from_the_check_ins(logistics.unit, running_quarter)
