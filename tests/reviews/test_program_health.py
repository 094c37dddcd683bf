"""Program health on a small organisation, against figures worked out by hand."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from objectives.models import Cycle, Objective
from objectives.rollups import recompute_all
from reviews.health import CycleHealth, ProgramHealth, program_health
from reviews.models import ObjectiveGrade
from tests.factories import CheckInFactory, CycleFactory, KeyResultFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 21)


def key_result_checked_in(objective, at: datetime, confidence: int):
    key_result = KeyResultFactory(objective=objective)
    CheckInFactory(key_result=key_result, value=Decimal(50), confidence=confidence, created_at=at)
    return key_result


@pytest.fixture
def two_quarters(company, emea, emea_logistics, quarter):
    """Q4 (running): only EMEA has an objective; Q3 (closed): both units had one, graded."""
    q3 = CycleFactory(
        name="Q3 2026",
        start_date=date(2026, 7, 1),
        end_date=date(2026, 9, 30),
        state=Cycle.State.CLOSED,
    )
    now = timezone.now()
    current = ObjectiveFactory(unit=emea, cycle=quarter)
    key_result_checked_in(current, now - timedelta(days=3), confidence=8)
    key_result_checked_in(current, now - timedelta(days=10), confidence=4)

    top = ObjectiveFactory(unit=company, cycle=q3)
    aligned = ObjectiveFactory(unit=emea, cycle=q3, parent=top)
    loose = ObjectiveFactory(unit=emea_logistics, cycle=q3, kind=Objective.Kind.ASPIRATIONAL)
    end_of_q3 = timezone.make_aware(datetime(2026, 9, 30, 12))
    key_result_checked_in(aligned, end_of_q3 - timedelta(days=2), confidence=6)
    key_result_checked_in(loose, end_of_q3 - timedelta(days=20), confidence=2)
    ObjectiveGrade.objects.create(objective=aligned, score=Decimal("1.00"))
    ObjectiveGrade.objects.create(objective=loose, score=Decimal("0.60"))
    recompute_all(on=TODAY)
    return q3


def test_the_figures_of_the_running_cycle(emea, quarter, two_quarters):
    health = program_health(emea, quarter, today=TODAY).current

    assert health.adoption == 0.5, "EMEA has an objective, EMEA Logistics none"
    assert health.checked_in == 1.0, "both key results within 14 days"
    assert health.fresh == 0.5, "one within 7 days"
    assert health.mean_confidence == 6.0
    assert health.alignment_index == 0.0, "EMEA's objective aligns to nothing"
    assert health.success_rate is None, "nothing graded yet: no rate, not 0%"


def test_earlier_cycles_are_taken_as_of_their_last_day(emea, quarter, two_quarters):
    health = program_health(emea, quarter, today=TODAY)
    [q3] = health.earlier

    assert q3.cycle == two_quarters
    assert q3.adoption == 1.0
    assert q3.checked_in == 0.5, "2 and 20 days before the end"
    assert q3.fresh == 0.5
    assert q3.mean_confidence == 4.0
    assert q3.alignment_index == 0.5
    assert q3.success_rate == 0.5, "committed at 1.0 succeeded, aspirational at 0.6 missed"


def test_each_figure_is_compared_with_the_baseline(emea, quarter, two_quarters):
    rows = {row.name: row for row in program_health(emea, quarter, today=TODAY).rows}

    assert (rows["adoption"].now, rows["adoption"].baseline) == (0.5, 1.0)
    assert rows["adoption"].direction == "worse"
    assert rows["checked_in"].direction == "better"
    assert rows["fresh"].direction == "same"
    assert rows["mean_confidence"].change == 2.0
    assert rows["success_rate"].direction == "unknown"


def test_the_page_shows_the_table_and_the_chart(client, alice, emea, quarter, two_quarters):
    client.force_login(alice)
    page = client.get(reverse("program_health"), {"unit": emea.pk, "cycle": quarter.pk})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Units with objectives" in html
    assert 'id="health-chart-data"' in html
    assert "Q3 2026" in html


def test_the_chart_puts_confidence_on_its_own_axis_and_dashes_the_7_day_line(emea):
    health = CycleHealth(
        cycle="Q4 2026", as_of=date(2026, 12, 1), mean_confidence=7.25, fresh=0.5, checked_in=0.75
    )

    chart = ProgramHealth(unit=emea, current=health, earlier=[]).chart_data

    series = {line["name"]: line for line in chart["series"]}
    assert series["mean_confidence"]["axis"] == "confidence"
    assert series["mean_confidence"]["values"] == [7.2]
    assert series["checked_in"]["values"] == [75.0]
    assert (series["fresh"]["dashed"], series["checked_in"]["dashed"]) == (True, False)
