"""Deciding a tension: the trade-off is written down and becomes a decision on the KPI's chart."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from alignment.models import Tension
from reviews.tensions import tension_decide
from tests.factories import KPIFactory, ObjectiveFactory, TensionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tension(emea_logistics, apac, quarter, charlie):
    objective = ObjectiveFactory(
        title="Reduce last-mile cost by 15%", unit=emea_logistics, cycle=quarter
    )
    throughput = KPIFactory(name="Delivery throughput", unit=apac, owner=charlie)
    return TensionFactory(objective=objective, kpi=throughput)


def test_a_manager_records_the_trade_off_as_a_decision(
    client, alice, tension, django_capture_on_commit_callbacks
):
    client.force_login(alice)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("tension_detail", args=[tension.pk]),
            {"trade_off": "Overtime capped at 6%; throughput may dip until routes bed in."},
        )

    assert response.status_code == 302
    tension.refresh_from_db()
    assert tension.state == Tension.State.DECIDED
    assert tension.decided_at is not None
    decision = tension.decision
    assert decision.decided_by == alice
    assert list(decision.kpis.all()) == [tension.kpi]
    assert list(decision.objectives.all()) == [tension.objective]
    assert decision.title == "Trade-off: Reduce last-mile cost by 15% vs Delivery throughput"
    assert [message.to for message in mail.outbox] == [
        [tension.objective.owner.email],
        [tension.kpi.owner.email],
    ], "both sides are told"


def test_an_empty_trade_off_is_refused_and_nothing_changes(client, alice, tension):
    client.force_login(alice)
    response = client.post(reverse("tension_detail", args=[tension.pk]), {"trade_off": "  "})
    assert response.status_code == 400
    assert "Write down the trade-off: which side gives way." in response.content.decode()
    tension.refresh_from_db()
    assert tension.state == Tension.State.OPEN
    assert tension.decision is None


def test_the_kpi_side_may_decide_too_but_a_viewer_may_not(client, vera, charlie, tension):
    client.force_login(vera)
    url = reverse("tension_detail", args=[tension.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"trade_off": "Mine."}).status_code == 403
    client.force_login(charlie)  # a contributor in APAC, where the KPI lives: not a manager
    assert client.post(url, {"trade_off": "Mine."}).status_code == 403


def test_a_tension_decided_meanwhile_is_not_decided_twice(client, alice, tension):
    client.force_login(alice)
    url = reverse("tension_detail", args=[tension.pk])
    page = client.get(url)
    assert "Decide the trade-off" in page.content.decode()
    Tension.objects.filter(pk=tension.pk).update(state="decided", trade_off="Cost first.")

    response = client.post(url, {"trade_off": "Throughput first."})

    assert response.status_code == 403, "it is no longer open"
    tension.refresh_from_db()
    assert tension.trade_off == "Cost first."


def test_outsiders_do_not_see_a_tension(client, tension):
    client.force_login(UserFactory())
    assert client.get(reverse("tension_detail", args=[tension.pk])).status_code == 403


def test_the_service_refuses_a_tension_decided_since_it_was_read(alice, tension):
    stale = Tension.objects.get(pk=tension.pk)
    tension_decide(tension=tension, by=alice, trade_off="Cost first.")

    with pytest.raises(ValidationError, match="decided meanwhile"):
        tension_decide(tension=stale, by=alice, trade_off="Throughput first.")
