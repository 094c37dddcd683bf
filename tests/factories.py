"""Factories for the domain: each builds a valid object with sensible, readable defaults."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory
from django.utils import timezone

from alignment.models import Tension
from kpis.health import Frequency, KPIDirection
from kpis.models import KPI, Measurement, Perspective
from objectives.models import (
    CheckIn,
    Cycle,
    Initiative,
    Intervention,
    KeyResult,
    KPILink,
    Objective,
)
from objectives.progress import Direction
from okrplatform.org.models import Membership, OrgUnit, User
from reviews.models import Decision, ReviewMeeting


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"person{n}")
    first_name = factory.LazyAttribute(lambda user: user.username.capitalize())
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.django.Password("correct horse battery staple")


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit

    name = factory.Sequence(lambda n: f"Unit {n}")
    code = factory.Sequence(lambda n: f"unit-{n}")
    kind = factory.LazyAttribute(
        lambda unit: OrgUnit.Kind.COMPANY if unit.parent is None else OrgUnit.Kind.TEAM
    )
    parent = None


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(OrgUnitFactory)
    role = Membership.Role.CONTRIBUTOR


class CycleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cycle

    name = factory.Sequence(lambda n: f"Cycle {n}")
    code = factory.Sequence(lambda n: f"cycle-{n}")
    kind = Cycle.Kind.QUARTER
    start_date = date(2026, 10, 1)
    end_date = date(2026, 12, 31)
    state = Cycle.State.ACTIVE


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objective

    title = factory.Sequence(lambda n: f"Objective {n}")
    unit = factory.SubFactory(OrgUnitFactory)
    owner = factory.SubFactory(UserFactory)
    cycle = factory.SubFactory(CycleFactory)
    level = Objective.Level.QUARTERLY
    perspective = Perspective.CUSTOMER


class KeyResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyResult

    objective = factory.SubFactory(ObjectiveFactory)
    title = factory.Sequence(lambda n: f"Key result {n}")
    owner = factory.LazyAttribute(lambda kr: kr.objective.owner)
    direction = Direction.INCREASE
    start_value = Decimal(0)
    target_value = Decimal(100)


class CheckInFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CheckIn

    key_result = factory.SubFactory(KeyResultFactory)
    value = Decimal(50)
    confidence = 7
    author = factory.LazyAttribute(lambda check_in: check_in.key_result.owner)
    created_at = factory.LazyFunction(timezone.now)


class InitiativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Initiative

    title = factory.Sequence(lambda n: f"Initiative {n}")
    unit = factory.SubFactory(OrgUnitFactory)
    owner = factory.SubFactory(UserFactory)
    cycle = factory.SubFactory(CycleFactory)


class KPIFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KPI

    name = factory.Sequence(lambda n: f"KPI {n}")
    code = factory.Sequence(lambda n: f"kpi-{n}")
    unit = factory.SubFactory(OrgUnitFactory)
    owner = factory.SubFactory(UserFactory)
    direction = KPIDirection.HIGHER_IS_BETTER
    frequency = Frequency.MONTHLY
    target = Decimal(100)
    warning_threshold = Decimal(90)
    critical_threshold = Decimal(80)
    perspective = Perspective.INTERNAL_PROCESS


class MeasurementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Measurement

    kpi = factory.SubFactory(KPIFactory)
    period = date(2026, 11, 1)
    value = Decimal(95)


class KPILinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KPILink

    kpi = factory.SubFactory(KPIFactory)
    objective = factory.SubFactory(ObjectiveFactory)
    kind = KPILink.Kind.GUARDS


class InterventionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Intervention

    kpi = factory.SubFactory(KPIFactory)
    objective = factory.SubFactory(ObjectiveFactory)
    trigger_health = "warning"
    trigger_value = Decimal(85)
    trigger_period = date(2026, 11, 1)


class TensionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tension

    objective = factory.SubFactory(ObjectiveFactory)
    kpi = factory.SubFactory(KPIFactory)
    description = "Pursuing the objective pulls the KPI down."


class ReviewMeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewMeeting

    unit = factory.SubFactory(OrgUnitFactory)
    cycle = factory.SubFactory(CycleFactory)
    title = factory.Sequence(lambda n: f"Review {n}")
    scheduled_for = factory.LazyFunction(timezone.now)


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    review = factory.SubFactory(ReviewMeetingFactory)
    title = factory.Sequence(lambda n: f"Decision {n}")
    decided_by = factory.SubFactory(UserFactory)


def a_bit_of_everything(*, unit: OrgUnit, cycle: Cycle, owner: User) -> Objective:
    """One connected slice of the domain: an objective with KRs, check-ins, a KPI with
    measurements and links, an intervention with a note, a tension, an initiative, a review with
    a decision and grades. Calling it n times grows every table n-fold."""
    from objectives.models import InitiativeContribution, InterventionNote
    from okrplatform.org.models import Notification, Reminder
    from reviews.models import KeyResultGrade, ObjectiveGrade

    team = OrgUnitFactory(parent=unit)
    MembershipFactory(unit=team)
    objective = ObjectiveFactory(unit=team, cycle=cycle, owner=owner)
    key_results = [KeyResultFactory(objective=objective) for _ in range(2)]
    for key_result in key_results:
        for value in (10, 30):
            CheckInFactory(key_result=key_result, value=Decimal(value))
    kpi = KPIFactory(unit=team, owner=owner)
    for month in (9, 10, 11):
        MeasurementFactory(kpi=kpi, period=date(2026, month, 1))
    KPILinkFactory(kpi=kpi, objective=objective)
    intervention = InterventionFactory(kpi=kpi, objective=objective)
    intervention.assignees.add(owner)
    InterventionNote.objects.create(intervention=intervention, author=owner, text="On it.")
    TensionFactory(objective=objective, kpi=kpi, key_result=key_results[0])
    initiative = InitiativeFactory(unit=team, owner=owner, cycle=cycle)
    InitiativeContribution.objects.create(initiative=initiative, key_result=key_results[0])
    review = ReviewMeetingFactory(unit=team, cycle=cycle)
    review.participants.add(owner)
    decision = DecisionFactory(review=review, decided_by=owner)
    decision.kpis.add(kpi)
    decision.objectives.add(objective)
    ObjectiveGrade.objects.create(objective=objective, review=review, score=Decimal("0.5"))
    KeyResultGrade.objects.create(key_result=key_results[0], score=Decimal("0.4"))
    Reminder.objects.create(
        user=MembershipFactory(unit=team).user,
        kind=Reminder.Kind.CHECK_INS,
        week=date(2026, 11, 16),
        item_count=2,
    )
    Notification.objects.create(recipient=owner, message="A KPI breached.", url="/")
    return objective
