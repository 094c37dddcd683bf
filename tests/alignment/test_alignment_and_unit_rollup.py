"""Alignment of objectives, and each unit's rollup and alignment index over its subtree."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from objectives.models import Objective, UnitRollup
from objectives.rollups import recompute_all
from tests.factories import CheckInFactory, CycleFactory, KeyResultFactory, ObjectiveFactory

BREAKTHROUGH = Objective.Level.BREAKTHROUGH


def objective_at(unit, cycle, percent=None, **fields):
    objective = ObjectiveFactory(unit=unit, cycle=cycle, **fields)
    if percent is not None:
        key_result = KeyResultFactory(objective=objective, start_value=0, target_value=100)
        CheckInFactory(key_result=key_result, value=Decimal(percent))
    return objective


def aligned(objective) -> bool:
    objective.refresh_from_db()
    return objective.is_aligned


def rollup_of(unit, cycle) -> UnitRollup | None:
    return UnitRollup.objects.filter(unit=unit, cycle=cycle).first()


class TestAlignment:
    def test_objectives_of_the_company_are_aligned(self, company, quarter):
        company_objective = objective_at(company, quarter)
        recompute_all()
        assert aligned(company_objective)

    def test_a_breakthrough_objective_is_aligned_wherever_it_sits(self, emea_logistics, quarter):
        breakthrough = objective_at(emea_logistics, quarter, level=BREAKTHROUGH)
        recompute_all()
        assert aligned(breakthrough)

    def test_a_chain_that_reaches_the_company_is_aligned(
        self, company, emea, emea_logistics, quarter
    ):
        top = objective_at(company, quarter)
        regional = objective_at(emea, quarter, parent=top)
        team = objective_at(emea_logistics, quarter, parent=regional)
        recompute_all()
        assert aligned(regional)
        assert aligned(team)

    def test_an_objective_without_parent_below_the_top_is_unaligned(self, emea, quarter):
        loose = objective_at(emea, quarter)
        recompute_all()
        assert not aligned(loose)

    def test_an_archived_parent_breaks_the_chain(self, company, emea, emea_logistics, quarter):
        top = objective_at(company, quarter)
        regional = objective_at(emea, quarter, parent=top, archived_at=timezone.now())
        team = objective_at(emea_logistics, quarter, parent=regional)
        recompute_all()
        assert not aligned(team)
        assert not aligned(regional)

    def test_also_supports_links_do_not_align(self, company, emea, quarter):
        top = objective_at(company, quarter)
        helper = objective_at(emea, quarter)
        helper.supports.add(top)
        recompute_all()
        assert not aligned(helper)

    def test_alignment_follows_a_parent_that_is_aligned_later(self, company, emea, quarter):
        regional = objective_at(emea, quarter)
        recompute_all()
        assert not aligned(regional)

        regional.parent = objective_at(company, quarter)
        regional.save()
        recompute_all()
        assert aligned(regional)


class TestUnitRollup:
    def test_rollup_is_the_mean_progress_over_the_unit_and_everything_below(
        self, company, emea, emea_logistics, apac, quarter
    ):
        objective_at(emea, quarter, percent=20)
        objective_at(emea_logistics, quarter, percent=60)
        objective_at(emea_logistics, quarter)  # no key results: no progress, left out
        objective_at(apac, quarter, percent=100)

        recompute_all()

        assert rollup_of(emea_logistics, quarter).progress == pytest.approx(0.6)
        assert rollup_of(emea, quarter).progress == pytest.approx(0.4)
        assert rollup_of(company, quarter).progress == pytest.approx(0.6)
        assert rollup_of(emea, quarter).objective_count == 3
        assert rollup_of(emea, quarter).no_progress_count == 1

    def test_archived_objectives_leave_every_figure(self, emea, quarter):
        objective_at(emea, quarter, percent=50)
        objective_at(emea, quarter, percent=0, archived_at=timezone.now())

        recompute_all()

        rollup = rollup_of(emea, quarter)
        assert rollup.progress == pytest.approx(0.5)
        assert rollup.objective_count == 1

    def test_each_cycle_has_its_own_rollup(self, emea, quarter):
        next_quarter = CycleFactory(start_date="2027-01-01", end_date="2027-03-31")
        objective_at(emea, quarter, percent=10)
        objective_at(emea, next_quarter, percent=90)

        recompute_all()

        assert rollup_of(emea, quarter).progress == pytest.approx(0.1)
        assert rollup_of(emea, next_quarter).progress == pytest.approx(0.9)

    def test_alignment_index_is_the_aligned_share_of_the_subtree(
        self, company, emea, emea_logistics, quarter
    ):
        top = objective_at(company, quarter)
        regional = objective_at(emea, quarter, parent=top)
        objective_at(emea_logistics, quarter, parent=regional)
        objective_at(emea_logistics, quarter)  # unaligned
        helper = objective_at(emea_logistics, quarter)  # unaligned, despite also supporting
        helper.supports.add(top, regional)

        recompute_all()

        assert rollup_of(emea_logistics, quarter).alignment_index == pytest.approx(1 / 3)
        assert rollup_of(emea, quarter).alignment_index == pytest.approx(2 / 4)
        assert rollup_of(company, quarter).alignment_index == pytest.approx(3 / 5)
        assert rollup_of(company, quarter).aligned_count == 3

    def test_an_aligned_objective_with_also_supports_links_counts_once(
        self, company, emea, apac, quarter
    ):
        top = objective_at(company, quarter)
        other_top = objective_at(company, quarter)
        regional = objective_at(emea, quarter, parent=top)
        regional.supports.add(other_top, top, objective_at(apac, quarter, parent=top))
        objective_at(emea, quarter)  # unaligned

        recompute_all()

        emea_rollup = rollup_of(emea, quarter)
        assert (emea_rollup.objective_count, emea_rollup.aligned_count) == (2, 1)
        assert emea_rollup.alignment_index == pytest.approx(1 / 2)
        assert rollup_of(company, quarter).objective_count == 5

    def test_a_unit_without_objectives_has_no_rollup_and_no_index(self, emea, apac, quarter):
        objective_at(emea, quarter, percent=50)

        recompute_all()

        assert rollup_of(apac, quarter) is None

    def test_rollups_vanish_when_the_last_objective_is_archived(self, emea, quarter):
        objective = objective_at(emea, quarter, percent=50)
        recompute_all()
        assert rollup_of(emea, quarter) is not None

        objective.archived_at = timezone.now()
        objective.save()
        recompute_all()

        assert rollup_of(emea, quarter) is None

    def test_status_counts(self, emea, quarter):
        objective_at(emea, quarter, percent=100)
        objective_at(emea, quarter, percent=0)

        recompute_all(on=quarter.start_date)  # nothing expected yet: both on track
        assert rollup_of(emea, quarter).on_track_count == 2

        recompute_all(on=quarter.end_date)  # everything expected
        rollup = rollup_of(emea, quarter)
        assert (rollup.on_track_count, rollup.at_risk_count, rollup.off_track_count) == (1, 0, 1)
