"""When a lead or guard KPI breaches, an intervention opens for its owner and the objective's
owner, across units; it says when the KPI recovers and stays open until someone resolves it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from kpis.models import DataSource
from kpis.services import MeasurementInput, measurements_save
from objectives.interventions import (
    intervention_acknowledge,
    intervention_add_note,
    intervention_resolve,
    interventions_update,
)
from objectives.models import Intervention, KPILink
from okrplatform.org.models import Notification
from tests.factories import KPIFactory, KPILinkFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db
THIS_MONTH = timezone.localdate().replace(day=1)


@pytest.fixture
def throughput(charlie, apac):
    """A KPI owned by Charlie in APAC."""
    return KPIFactory(
        name="Delivery volume throughput",
        unit=apac,
        owner=charlie,
        target=52000,
        warning_threshold=50000,
        critical_threshold=46000,
        frequency="monthly",
    )


@pytest.fixture
def cost_objective(emea_logistics, bob, quarter):
    """An objective owned by Bob in EMEA, guarded by Charlie's KPI."""
    return ObjectiveFactory(
        title="Reduce last-mile delivery cost", unit=emea_logistics, owner=bob, cycle=quarter
    )


def record(kpi, value, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        measurements_save(
            items=[MeasurementInput(kpi, THIS_MONTH, Decimal(value))],
            source=DataSource.API,
            recorded_by=None,
        )


@pytest.mark.parametrize("kind", [KPILink.Kind.GUARDS, KPILink.Kind.LEADS])
def test_a_breach_opens_one_intervention_for_both_owners_across_units(
    throughput, cost_objective, charlie, bob, kind, django_capture_on_commit_callbacks
):
    KPILinkFactory(kpi=throughput, objective=cost_objective, kind=kind)

    record(throughput, 48600, django_capture_on_commit_callbacks)

    intervention = Intervention.objects.get()
    assert (intervention.kpi, intervention.objective) == (throughput, cost_objective)
    assert (intervention.trigger_health, intervention.trigger_value) == ("warning", 48600)
    assert set(intervention.assignees.all()) == {charlie, bob}
    assert {n.recipient for n in Notification.objects.all()} == {charlie, bob}
    assert sorted(message.to[0] for message in mail.outbox) == [
        "bob@example.com",
        "charlie@example.com",
    ]
    assert "Delivery volume throughput" in Notification.objects.first().message


def test_only_one_intervention_while_one_is_open(
    throughput, cost_objective, django_capture_on_commit_callbacks
):
    KPILinkFactory(kpi=throughput, objective=cost_objective)
    record(throughput, 48600, django_capture_on_commit_callbacks)
    record(throughput, 45000, django_capture_on_commit_callbacks)  # now critical
    interventions_update()

    assert Intervention.objects.count() == 1


def test_a_kpi_on_target_opens_nothing(
    throughput, cost_objective, django_capture_on_commit_callbacks
):
    KPILinkFactory(kpi=throughput, objective=cost_objective)
    record(throughput, 53000, django_capture_on_commit_callbacks)
    assert not Intervention.objects.exists()


def test_an_archived_objective_gets_no_intervention(
    throughput, cost_objective, django_capture_on_commit_callbacks
):
    cost_objective.archived_at = timezone.now()
    cost_objective.save()
    KPILinkFactory(kpi=throughput, objective=cost_objective)
    record(throughput, 40000, django_capture_on_commit_callbacks)
    assert not Intervention.objects.exists()


def test_recovery_is_noted_and_the_intervention_stays_open(
    throughput, cost_objective, django_capture_on_commit_callbacks
):
    KPILinkFactory(kpi=throughput, objective=cost_objective)
    record(throughput, 48600, django_capture_on_commit_callbacks)

    record(throughput, 53000, django_capture_on_commit_callbacks)
    intervention = Intervention.objects.get()
    assert intervention.recovered_at is not None
    assert intervention.state == Intervention.State.OPEN

    record(throughput, 47000, django_capture_on_commit_callbacks)
    intervention.refresh_from_db()
    assert intervention.recovered_at is None, "breached again: no longer recovered"
    assert Intervention.objects.count() == 1


def test_after_resolving_a_new_breach_opens_a_new_intervention(
    throughput, cost_objective, bob, django_capture_on_commit_callbacks
):
    KPILinkFactory(kpi=throughput, objective=cost_objective)
    record(throughput, 48600, django_capture_on_commit_callbacks)
    intervention_resolve(intervention=Intervention.objects.get(), by=bob, note="Routes fixed.")

    interventions_update()

    assert Intervention.objects.count() == 2
    assert Intervention.objects.filter(state=Intervention.State.OPEN).count() == 1


def test_acknowledge_note_and_resolve(
    throughput, cost_objective, bob, charlie, django_capture_on_commit_callbacks
):
    KPILinkFactory(kpi=throughput, objective=cost_objective)
    record(throughput, 48600, django_capture_on_commit_callbacks)
    intervention = Intervention.objects.get()
    Notification.objects.all().delete()

    intervention_acknowledge(intervention=intervention, by=bob)
    intervention_add_note(intervention=intervention, author=bob, text="Overtime cap lifted.")
    intervention_resolve(intervention=intervention, by=charlie, note="Back above 50k.")

    intervention.refresh_from_db()
    assert intervention.state == Intervention.State.RESOLVED
    assert (intervention.acknowledged_by, intervention.resolved_by) == (bob, charlie)
    assert [note.text for note in intervention.notes.all()] == [
        "Overtime cap lifted.",
        "Back above 50k.",
    ]
    assert [n.recipient for n in Notification.objects.all()] == [charlie], "told the others"


def test_a_kpi_without_owner_still_reaches_the_objective_owner(
    throughput, cost_objective, bob, django_capture_on_commit_callbacks
):
    throughput.owner = None
    throughput.save()
    KPILinkFactory(kpi=throughput, objective=cost_objective)
    record(throughput, 40000, django_capture_on_commit_callbacks)
    assert list(Intervention.objects.get().assignees.all()) == [bob]
