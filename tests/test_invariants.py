"""The rules of the domain hold in the database and come back as messages a manager understands."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from concurrency.exceptions import RecordModifiedError
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from alignment.models import Tension
from kpis.health import KPIDirection
from kpis.models import Measurement
from objectives.models import CheckIn, Cycle, Intervention
from objectives.progress import Direction, MetricType
from okrplatform.org.models import Membership
from reviews.models import ObjectiveGrade
from tests.factories import (
    CheckInFactory,
    CycleFactory,
    InterventionFactory,
    KeyResultFactory,
    KPIFactory,
    MeasurementFactory,
    ObjectiveFactory,
    TensionFactory,
)

pytestmark = pytest.mark.django_db


def messages(error: ValidationError) -> str:
    return " ".join(error.messages)


def refused_by_database(build):
    with pytest.raises(IntegrityError), transaction.atomic():
        build()


class TestKeyResult:
    def test_start_equal_to_target_is_refused(self):
        key_result = KeyResultFactory.build(
            objective=ObjectiveFactory(), start_value=5, target_value=5
        )
        with pytest.raises(ValidationError) as error:
            key_result.full_clean()
        assert "The target must differ from the start value." in messages(error.value)
        refused_by_database(lambda: KeyResultFactory(start_value=5, target_value=5))

    def test_an_increase_needs_a_target_above_its_start(self):
        key_result = KeyResultFactory.build(
            objective=ObjectiveFactory(),
            direction=Direction.INCREASE,
            start_value=10,
            target_value=2,
        )
        with pytest.raises(ValidationError) as error:
            key_result.full_clean()
        assert "To increase, the target must be above the start value." in messages(error.value)

    def test_a_decrease_needs_a_target_below_its_start(self):
        refused_by_database(
            lambda: KeyResultFactory(direction=Direction.DECREASE, start_value=2, target_value=10)
        )

    def test_a_moving_key_result_needs_a_start(self):
        key_result = KeyResultFactory.build(objective=ObjectiveFactory(), start_value=None)
        with pytest.raises(ValidationError) as error:
            key_result.full_clean()
        assert "needs a start value" in messages(error.value)

    def test_stay_above_needs_no_start(self):
        key_result = KeyResultFactory.build(
            objective=ObjectiveFactory(),
            direction=Direction.STAY_ABOVE,
            start_value=None,
            target_value=95,
        )
        key_result.full_clean()

    def test_a_yes_no_result_runs_from_no_to_yes(self):
        key_result = KeyResultFactory.build(
            objective=ObjectiveFactory(),
            metric_type=MetricType.BOOLEAN,
            direction=Direction.DECREASE,
            start_value=7,
            target_value=3,
        )
        key_result.full_clean()
        assert (key_result.direction, key_result.start_value, key_result.target_value) == (
            Direction.INCREASE,
            0,
            1,
        )

    @pytest.mark.parametrize("weight", ["0", "-1"])
    def test_weight_must_be_positive(self, weight):
        key_result = KeyResultFactory.build(objective=ObjectiveFactory(), weight=Decimal(weight))
        with pytest.raises(ValidationError) as error:
            key_result.full_clean()
        assert "The weight must be greater than zero." in messages(error.value)
        refused_by_database(lambda: KeyResultFactory(weight=Decimal(weight)))

    def test_confidence_runs_from_0_to_10(self):
        key_result = KeyResultFactory.build(objective=ObjectiveFactory(), confidence=11)
        with pytest.raises(ValidationError) as error:
            key_result.full_clean()
        assert "10" in messages(error.value)
        refused_by_database(lambda: KeyResultFactory(confidence=11))


class TestCheckIn:
    def test_confidence_above_10_is_refused(self):
        check_in = CheckInFactory.build(key_result=KeyResultFactory(), confidence=11)
        with pytest.raises(ValidationError):
            check_in.full_clean()
        refused_by_database(lambda: CheckInFactory(confidence=11))

    def test_a_check_in_cannot_be_changed(self):
        check_in = CheckInFactory(value=10)
        check_in.value = 99
        with pytest.raises(ValidationError, match="cannot be changed"):
            check_in.save()
        assert CheckIn.objects.get().value == 10

    def test_a_check_in_cannot_be_deleted(self):
        check_in = CheckInFactory()
        with pytest.raises(ValidationError, match="cannot be deleted"):
            check_in.delete()
        assert CheckIn.objects.count() == 1


class TestCycle:
    def test_a_cycle_ends_after_it_starts(self):
        cycle = CycleFactory.build(start_date=date(2026, 10, 1), end_date=date(2026, 10, 1))
        with pytest.raises(ValidationError) as error:
            cycle.full_clean()
        assert "A cycle must end after it starts." in messages(error.value)
        refused_by_database(
            lambda: CycleFactory(start_date=date(2026, 10, 1), end_date=date(2026, 9, 1))
        )

    def test_a_quarter_nests_in_a_year_within_its_dates(self):
        year = CycleFactory(
            kind=Cycle.Kind.YEAR, start_date=date(2026, 1, 1), end_date=date(2026, 12, 31)
        )
        CycleFactory.build(parent=year).full_clean()
        outside = CycleFactory.build(
            parent=year, start_date=date(2026, 12, 1), end_date=date(2027, 2, 28)
        )
        with pytest.raises(ValidationError) as error:
            outside.full_clean()
        assert "must lie within" in messages(error.value)

    def test_a_year_cannot_sit_within_a_quarter(self):
        quarter = CycleFactory()
        year = CycleFactory.build(
            parent=quarter,
            kind=Cycle.Kind.YEAR,
            start_date=date(2026, 10, 1),
            end_date=date(2026, 12, 31),
        )
        with pytest.raises(ValidationError) as error:
            year.full_clean()
        assert "cannot sit within" in messages(error.value)


class TestObjective:
    def test_it_cannot_align_to_itself(self):
        objective = ObjectiveFactory()
        objective.parent = objective
        with pytest.raises(ValidationError) as error:
            objective.full_clean()
        assert "cannot align to itself" in messages(error.value)
        refused_by_database(objective.save)

    def test_it_cannot_align_to_its_own_descendant(self):
        top = ObjectiveFactory()
        middle = ObjectiveFactory(parent=top)
        bottom = ObjectiveFactory(parent=middle)
        top.parent = bottom
        with pytest.raises(ValidationError) as error:
            top.full_clean()
        assert "cannot align to one of its own descendants" in messages(error.value)

    def test_weight_must_be_positive(self):
        refused_by_database(lambda: ObjectiveFactory(weight=Decimal(0)))

    def test_two_people_saving_the_same_objective_do_not_overwrite_each_other(self):
        objective = ObjectiveFactory(title="Grow EMEA service revenue")
        first, second = type(objective).objects.get(), type(objective).objects.get()
        first.title = "Grow EMEA service revenue by 20%"
        first.save()
        second.title = "Something else"
        with pytest.raises(RecordModifiedError), transaction.atomic():
            second.save()
        objective.refresh_from_db()
        assert objective.title == "Grow EMEA service revenue by 20%"


class TestKPI:
    @pytest.mark.parametrize(
        ("direction", "target", "warning", "critical"),
        [
            (KPIDirection.HIGHER_IS_BETTER, 100, 90, 95),
            (KPIDirection.HIGHER_IS_BETTER, 100, 110, 80),
            (KPIDirection.HIGHER_IS_BETTER, 100, 90, 90),
            (KPIDirection.LOWER_IS_BETTER, 5, 8, 6),
            (KPIDirection.LOWER_IS_BETTER, 5, 4, 12),
        ],
        ids=[
            "higher: critical above warning",
            "higher: warning above target",
            "higher: critical equals warning",
            "lower: critical below warning",
            "lower: warning below target",
        ],
    )
    def test_thresholds_follow_the_direction(self, direction, target, warning, critical):
        limits = {"target": target, "warning_threshold": warning, "critical_threshold": critical}
        kpi = KPIFactory.build(
            unit=ObjectiveFactory().unit, owner=None, direction=direction, **limits
        )
        with pytest.raises(ValidationError) as error:
            kpi.full_clean()
        assert "is better here" in messages(error.value)
        refused_by_database(lambda: KPIFactory(direction=direction, **limits))

    @pytest.mark.parametrize(
        ("direction", "target", "warning", "critical"),
        [(KPIDirection.HIGHER_IS_BETTER, 100, 100, 80), (KPIDirection.LOWER_IS_BETTER, 5, 8, 12)],
    )
    def test_consistent_thresholds_are_accepted(self, direction, target, warning, critical):
        KPIFactory(
            direction=direction,
            target=target,
            warning_threshold=warning,
            critical_threshold=critical,
        ).full_clean()

    def test_one_measurement_per_kpi_and_period(self):
        kpi = KPIFactory(frequency="weekly")
        MeasurementFactory(kpi=kpi, period=date(2026, 11, 16))
        # Thursday of the same week is that week's value: the form says so rather than failing.
        duplicate = Measurement(kpi=kpi, period=date(2026, 11, 19), value=3)
        with pytest.raises(ValidationError) as error:
            duplicate.full_clean()
        assert "already has a value for that period" in messages(error.value)
        refused_by_database(lambda: MeasurementFactory(kpi=kpi, period=date(2026, 11, 16)))


class TestOtherRules:
    def test_one_role_per_person_and_unit(self, alice, emea):
        with pytest.raises(ValidationError) as error:
            Membership(user=alice, unit=emea, role=Membership.Role.VIEWER).full_clean()
        assert "already has a role in this unit" in messages(error.value)

    def test_a_tension_is_decided_only_with_its_trade_off(self):
        tension = TensionFactory()
        tension.state = Tension.State.DECIDED
        with pytest.raises(ValidationError) as error:
            tension.full_clean()
        assert "trade-off is written down" in messages(error.value)
        tension.trade_off = "Throughput gives way until Q1; overtime capped at 5%."
        tension.full_clean()

    def test_a_tensions_key_result_belongs_to_its_objective(self):
        tension = TensionFactory.build(
            objective=ObjectiveFactory(), kpi=KPIFactory(), key_result=KeyResultFactory()
        )
        with pytest.raises(ValidationError) as error:
            tension.full_clean()
        assert "key result of the objective" in messages(error.value)

    def test_only_one_open_intervention_per_kpi_and_objective(self):
        first = InterventionFactory()
        refused_by_database(lambda: InterventionFactory(kpi=first.kpi, objective=first.objective))
        first.state = Intervention.State.RESOLVED
        first.resolved_at = timezone.now()
        first.save()
        InterventionFactory(kpi=first.kpi, objective=first.objective)

    def test_an_overridden_grade_needs_a_reason(self):
        objective = ObjectiveFactory()
        grade = ObjectiveGrade(
            objective=objective, score=Decimal("0.9"), suggested_score=Decimal("0.6")
        )
        with pytest.raises(ValidationError) as error:
            grade.full_clean()
        assert "Say why the grade differs" in messages(error.value)

    def test_a_grade_runs_from_0_to_1(self):
        refused_by_database(
            lambda: ObjectiveGrade.objects.create(
                objective=ObjectiveFactory(), score=Decimal("1.5")
            )
        )
