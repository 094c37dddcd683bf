"""Owners of KPIs without recent measurements hear of them once a week."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from kpis.reminders import remind_owners_of_stale_kpis
from kpis.rollups import refresh_kpis
from tests.factories import KPIFactory, MeasurementFactory

# The digest runs in a task, outside any transaction: its e-mails leave as each digest commits.
pytestmark = pytest.mark.django_db(transaction=True)


def test_owners_of_stale_kpis_get_one_digest_a_week(alice, bob):
    stale = KPIFactory(name="Supplier defect rate", owner=alice, frequency="monthly")
    MeasurementFactory(kpi=stale, period=date(2020, 1, 1))
    never = KPIFactory(name="Brand new KPI", owner=alice)
    fresh = KPIFactory(name="Fresh KPI", owner=bob, frequency="monthly")
    MeasurementFactory(kpi=fresh, period=timezone.localdate().replace(day=1))
    refresh_kpis()
    now = timezone.now()

    assert remind_owners_of_stale_kpis(now) == 1
    assert remind_owners_of_stale_kpis(now + timedelta(hours=1)) == 0

    [message] = mail.outbox
    assert message.to == ["alice@example.com"]
    assert "2 of your KPIs have no recent measurement" in message.subject
    assert "Supplier defect rate" in message.body
    assert "Brand new KPI" in message.body
    assert f"/kpis/{stale.pk}/" in message.body
    assert never.pk
