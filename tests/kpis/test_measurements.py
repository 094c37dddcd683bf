"""Recording measurements: one per KPI and period, history kept, health and driven key results
following at once, whichever way the numbers come in."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from kpis.health import Health
from kpis.models import DataSource, Measurement
from kpis.services import MeasurementInput, measurements_save
from objectives.models import CheckIn
from objectives.services import check_ins_record_from_kpis
from tests.factories import (
    CycleFactory,
    KeyResultFactory,
    KPIFactory,
    MeasurementFactory,
    ObjectiveFactory,
)

pytestmark = pytest.mark.django_db
D = Decimal
TODAY = timezone.localdate()
THIS_MONTH = TODAY.replace(day=1)


def save(*items, user=None):
    return measurements_save(items=list(items), source=DataSource.MANUAL, recorded_by=user)


@pytest.fixture
def kpi(alice):
    return KPIFactory(
        name="On-time delivery",
        frequency="monthly",
        target=96,
        warning_threshold=94,
        critical_threshold=90,
        owner=alice,
    )


def test_a_new_value_is_stored_at_the_start_of_its_period_and_moves_health(kpi, alice):
    report = save(MeasurementInput(kpi, THIS_MONTH + timedelta(days=9), D("95.5")), user=alice)

    measurement = Measurement.objects.get()
    assert measurement.period == THIS_MONTH
    assert (measurement.value, measurement.recorded_by) == (D("95.5"), alice)
    assert len(report.created) == 1
    kpi.refresh_from_db()
    assert (kpi.latest_value, kpi.health) == (D("95.5"), Health.ON_TARGET)


def test_sending_a_period_again_updates_it_and_keeps_the_earlier_value(kpi, alice, bob):
    save(MeasurementInput(kpi, THIS_MONTH, D("95")), user=alice)
    report = save(MeasurementInput(kpi, THIS_MONTH, D("91")), user=bob)

    assert len(report.updated) == 1
    assert Measurement.objects.get().value == D("91")
    history = Measurement.history.order_by("history_date")
    assert [record.value for record in history] == [D("95"), D("91")]
    assert [record.history_user for record in history] == [alice, bob]
    kpi.refresh_from_db()
    assert kpi.health == Health.WARNING


def test_sending_the_same_value_again_changes_nothing(kpi):
    save(MeasurementInput(kpi, THIS_MONTH, D("95")))
    report = save(MeasurementInput(kpi, THIS_MONTH, D("95")))

    assert (len(report.created), len(report.updated), report.unchanged) == (0, 0, 1)
    assert Measurement.history.count() == 1


def test_within_one_batch_the_last_value_for_a_period_counts(kpi):
    save(MeasurementInput(kpi, THIS_MONTH, D("80")), MeasurementInput(kpi, THIS_MONTH, D("97")))
    assert Measurement.objects.get().value == D("97")


class TestDrivenKeyResults:
    @pytest.fixture
    def key_result(self, kpi, bob):
        cycle = CycleFactory(
            start_date=TODAY - timedelta(days=40), end_date=TODAY + timedelta(days=50)
        )
        return KeyResultFactory(
            objective=ObjectiveFactory(cycle=cycle),
            owner=bob,
            title="On-time from 91% to 96%",
            start_value=91,
            target_value=96,
            driving_kpi=kpi,
            confidence=6,
        )

    def test_a_new_measurement_is_checked_in_by_the_system(self, kpi, key_result):
        save(MeasurementInput(kpi, THIS_MONTH, D("93.5")))

        check_in = CheckIn.objects.get(key_result=key_result)
        assert check_in.author is None
        assert check_in.source == CheckIn.Source.KPI
        assert "On-time delivery" in check_in.note
        assert (check_in.value, check_in.confidence) == (D("93.5"), 6)
        key_result.refresh_from_db()
        assert key_result.progress == pytest.approx(0.5)

    def test_the_same_latest_value_is_not_checked_in_twice(self, kpi, key_result):
        save(MeasurementInput(kpi, THIS_MONTH, D("93.5")))
        save(MeasurementInput(kpi, THIS_MONTH, D("93.5")))
        check_ins_record_from_kpis()
        assert CheckIn.objects.filter(key_result=key_result).count() == 1

    def test_a_corrected_latest_value_is_checked_in_again(self, kpi, key_result):
        save(MeasurementInput(kpi, THIS_MONTH, D("93.5")))
        save(MeasurementInput(kpi, THIS_MONTH, D("94.5")))
        key_result.refresh_from_db()
        assert key_result.current_value == D("94.5")
        assert CheckIn.objects.filter(key_result=key_result).count() == 2

    def test_a_value_for_an_older_period_does_not_move_the_key_result(self, kpi, key_result):
        save(MeasurementInput(kpi, THIS_MONTH, D("95")))
        save(MeasurementInput(kpi, date(THIS_MONTH.year - 1, 1, 1), D("80")))
        key_result.refresh_from_db()
        assert key_result.current_value == D("95")
        assert CheckIn.objects.filter(key_result=key_result).count() == 1

    def test_the_rollup_of_the_objective_follows(
        self, kpi, key_result, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            save(MeasurementInput(kpi, THIS_MONTH, D("96")))
        key_result.objective.refresh_from_db()
        assert key_result.objective.progress == pytest.approx(1.0)


def test_many_measurements_for_many_kpis_in_one_call(db):
    kpis = KPIFactory.create_batch(30, frequency="weekly")
    monday = TODAY - timedelta(days=TODAY.weekday())
    items = [
        MeasurementInput(kpi, monday - timedelta(weeks=week), D(100 - week))
        for kpi in kpis
        for week in range(10)
    ]
    report = save(*items)
    assert len(report.created) == 300
    assert Measurement.objects.count() == 300
    assert all(kpi.health == Health.ON_TARGET for kpi in type(kpis[0]).objects.all())


def test_a_kpi_without_a_measurement_in_the_last_periods_turns_stale(kpi):
    MeasurementFactory(kpi=kpi, period=date(TODAY.year - 1, 1, 1), value=99)
    from kpis.rollups import refresh_kpis

    refresh_kpis()
    kpi.refresh_from_db()
    assert kpi.health == Health.STALE
