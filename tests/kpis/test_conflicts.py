"""A possible conflict: over four weeks an objective's key results improved while a KPI that
guards it worsened."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from kpis.health import KPIDirection
from objectives.conflicts import possible_conflicts
from objectives.models import KPILink
from objectives.rollups import recompute_all
from okrplatform.org.access import access_for
from tests.factories import (
    CheckInFactory,
    KeyResultFactory,
    KPIFactory,
    KPILinkFactory,
    MeasurementFactory,
    MembershipFactory,
    ObjectiveFactory,
)

pytestmark = pytest.mark.django_db
NOW = timezone.now()
TODAY = timezone.localdate()


def objective_moving(from_percent: int, to_percent: int):
    objective = ObjectiveFactory()
    key_result = KeyResultFactory(objective=objective, start_value=0, target_value=100)
    CheckInFactory(key_result=key_result, value=from_percent, created_at=NOW - timedelta(weeks=6))
    CheckInFactory(key_result=key_result, value=to_percent, created_at=NOW - timedelta(days=2))
    return objective


def kpi_moving(then: str, now: str, direction=KPIDirection.HIGHER_IS_BETTER):
    kpi = KPIFactory(
        frequency="weekly",
        direction=direction,
        target=100,
        warning_threshold=90 if direction == "higher" else 110,
        critical_threshold=80 if direction == "higher" else 120,
    )
    MeasurementFactory(kpi=kpi, period=TODAY - timedelta(weeks=6), value=Decimal(then))
    MeasurementFactory(kpi=kpi, period=TODAY - timedelta(days=TODAY.weekday()), value=Decimal(now))
    return kpi


def conflicts_of(kpi, objective, kind=KPILink.Kind.GUARDS):
    KPILinkFactory(kpi=kpi, objective=objective, kind=kind)
    recompute_all()
    from kpis.rollups import refresh_kpis

    refresh_kpis()
    return possible_conflicts(KPILink.objects.select_related("kpi"))


@pytest.mark.parametrize(
    ("progress", "kpi", "flagged"),
    [
        ((20, 60), ("105", "95", "higher"), True),
        ((20, 60), ("95", "105", "lower"), True),
        ((20, 60), ("95", "105", "higher"), False),
        ((60, 20), ("105", "95", "higher"), False),
        ((20, 60), ("100", "99.5", "higher"), False),
        ((40, 40), ("105", "80", "higher"), False),
    ],
    ids=[
        "higher is better fell",
        "lower is better rose",
        "the KPI improved too",
        "the objective fell too",
        "the KPI barely moved",
        "the objective did not move",
    ],
)
def test_flagged_only_when_the_objective_improves_while_its_guard_worsens(progress, kpi, flagged):
    objective = objective_moving(*progress)
    guard = kpi_moving(kpi[0], kpi[1], kpi[2])

    found = conflicts_of(guard, objective)

    assert bool(found) is flagged
    if flagged:
        assert found[0].points_gained == 40


def test_lead_indicators_are_not_guards():
    objective = objective_moving(20, 60)
    lead = kpi_moving("105", "95")
    assert conflicts_of(lead, objective, kind=KPILink.Kind.LEADS) == []


def test_one_statement_finds_them_however_many_links(django_assert_num_queries):
    objective = objective_moving(20, 60)
    steady, falling = kpi_moving("95", "105"), kpi_moving("105", "95")
    conflicts_of(steady, objective)
    with django_assert_num_queries(1):  # nothing more to read: no conflict
        assert possible_conflicts(KPILink.objects.filter(kpi=steady)) == []

    KPILinkFactory(kpi=falling, objective=objective, kind=KPILink.Kind.GUARDS)
    with django_assert_num_queries(3):  # the conflicts, then their objectives and KPIs
        (found,) = possible_conflicts(KPILink.objects.all())
    assert (found.kpi, found.objective) == (falling, objective)
    assert (found.kpi_then, found.kpi_now) == (Decimal("105.0000"), Decimal("95.0000"))


def test_no_links_no_conflicts_and_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert possible_conflicts(KPILink.objects.filter(objective_id__in=[])) == []
        assert possible_conflicts(KPILink.objects.none()) == []


def test_the_rows_a_page_holds_already_are_not_read_again(django_assert_num_queries):
    objective = objective_moving(20, 60)
    falling = kpi_moving("105", "95")
    conflicts_of(falling, objective)
    objective.refresh_from_db()  # its progress as the rollups left it
    falling.refresh_from_db()
    with django_assert_num_queries(1):
        (found,) = possible_conflicts(objective.kpi_links.all(), known=[objective, falling])
    assert found.objective is objective
    assert found.kpi is falling
    assert (found.progress_then, found.progress_now) == pytest.approx((0.2, 0.6))


def test_the_past_weighs_each_key_result_as_the_rollups_do():
    objective = objective_moving(20, 60)  # 0.2 then, 0.6 now, weight 1
    steady = KeyResultFactory(objective=objective, start_value=0, target_value=10, weight=3)
    CheckInFactory(key_result=steady, value=5, created_at=NOW - timedelta(weeks=5))

    (found,) = conflicts_of(kpi_moving("105", "95"), objective)

    assert found.progress_then == pytest.approx((0.2 * 1 + 0.5 * 3) / 4)
    assert found.progress_now == pytest.approx((0.6 * 1 + 0.5 * 3) / 4)


def test_an_objective_without_key_results_has_no_past_to_compare():
    objective = ObjectiveFactory()
    assert conflicts_of(kpi_moving("105", "95"), objective) == []


def test_an_archived_objective_is_in_conflict_with_nothing():
    objective = objective_moving(20, 60)
    conflicts_of(kpi_moving("105", "95"), objective)
    objective.archived_at = NOW
    objective.save(update_fields=["archived_at"])

    assert possible_conflicts(KPILink.objects.all()) == []


def test_a_person_learns_of_a_conflict_only_when_they_see_both_ends():
    objective = objective_moving(20, 60)
    falling = kpi_moving("105", "95")  # in a unit of its own
    assert conflicts_of(falling, objective)
    sees_the_objective = MembershipFactory(unit=objective.unit).user
    sees_both = MembershipFactory(unit=objective.unit).user
    MembershipFactory(unit=falling.unit, user=sees_both)

    def seen_by(person):
        return possible_conflicts(KPILink.objects.all(), access=access_for(person))

    assert seen_by(sees_the_objective) == []
    assert [found.kpi for found in seen_by(sees_both)] == [falling]


def test_both_pages_show_the_conflict_to_who_sees_both_ends_only(client):
    objective = objective_moving(20, 60)
    falling = kpi_moving("105", "95")
    conflicts_of(falling, objective)
    sees_both = MembershipFactory(unit=objective.unit).user
    MembershipFactory(unit=falling.unit, user=sees_both)
    sees_the_objective = MembershipFactory(unit=objective.unit).user
    sees_the_kpi = MembershipFactory(unit=falling.unit).user
    objective_page = reverse("objective_detail", args=[objective.pk])
    kpi_page = reverse("kpi_detail", args=[falling.pk])

    def shown(person, page) -> bool:
        client.force_login(person)
        response = client.get(page)
        assert response.status_code == 200
        return "Possible conflict:" in response.content.decode()

    assert shown(sees_both, objective_page)
    assert shown(sees_both, kpi_page)
    assert not shown(sees_the_objective, objective_page)
    assert not shown(sees_the_kpi, kpi_page)
