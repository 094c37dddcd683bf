"""A worker killed with SIGKILL as a batch of measurements arrives: the batch is kept, its work
waits in the queue for the next worker, and every figure ends as a full recompute says.

(A task the killed worker had already taken but not finished returns to the queue after
``CELERY_VISIBILITY_TIMEOUT``, since tasks are acknowledged only after they ran; that timing is
the transport's and is not waited for here.)"""

from __future__ import annotations

import signal
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from kpis.health import Frequency, period_start
from kpis.models import KPI, Measurement
from objectives.models import CheckIn, Intervention, KPILink
from objectives.progress import Direction
from okrplatform.celery import app
from okrplatform.org.models import ApiToken
from tests.factories import KeyResultFactory, KPIFactory
from tests.workers import forget_broker_pools, wait_until

from .conftest import start_worker, stop_worker
from .test_redis_goes_away import figures_of_a_full_recompute, stored_figures

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_worker_killed_as_a_batch_arrives_loses_nothing(
    own_redis, tmp_path, monkeypatch, bob, key_result
):
    cost = KPIFactory(
        code="emea-cost",
        name="Cost per parcel",
        unit=key_result.objective.unit,
        owner=bob,
        frequency=Frequency.WEEKLY,
        direction="lower",
        target=Decimal(7),
        warning_threshold=Decimal(8),
        critical_threshold=Decimal(9),
    )
    KPILink.objects.create(kpi=cost, objective=key_result.objective, kind=KPILink.Kind.GUARDS)
    driven = KeyResultFactory(
        objective=key_result.objective,
        owner=bob,
        direction=Direction.DECREASE,
        start_value=10,
        target_value=5,
        driving_kpi=cost,
    )
    _token, key = ApiToken.issue(user=bob, name="etl")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    this_week = period_start(timezone.localdate(), Frequency.WEEKLY)
    items = [
        {
            "kpi": "emea-cost",
            "period": (this_week - timedelta(weeks=weeks)).isoformat(),
            "value": str(6 + weeks * 0.5),
        }
        for weeks in range(8, -1, -1)
    ]
    items[-1]["value"] = "9.5"  # this week breaches critical: an intervention must open, once

    worker, log = start_worker(own_redis.url, tmp_path / "beat-1")
    monkeypatch.setenv("CELERY_BROKER_URL", own_redis.url)
    forget_broker_pools()
    eager, broker = app.conf.task_always_eager, app.conf.broker_url
    app.conf.update(task_always_eager=False, broker_url=own_redis.url)
    try:
        stop_worker(worker, signal.SIGKILL)  # no warm shutdown: it dies where it stands
        response = api.post("/api/measurements/bulk/", {"items": items}, format="json")
        assert response.status_code == 200, response.content
        assert Measurement.objects.filter(kpi=cost).count() == len(items)

        second, second_log = start_worker(own_redis.url, tmp_path / "beat-2")
        try:

            def converged() -> bool:
                return (
                    Intervention.objects.filter(kpi=cost).count() == 1
                    and stored_figures() == figures_of_a_full_recompute()
                )

            assert wait_until(converged, timeout=60), log.text()[-2000:] + second_log.text()[-3000:]
        finally:
            stop_worker(second)
    finally:
        app.conf.update(task_always_eager=eager, broker_url=broker)
        forget_broker_pools()
        stop_worker(worker, signal.SIGKILL)

    intervention = Intervention.objects.get(kpi=cost)
    assert set(intervention.assignees.values_list("username", flat=True)) >= {"bob"}
    assert KPI.objects.get(pk=cost.pk).health == "critical"
    assert CheckIn.objects.filter(key_result=driven, source=CheckIn.Source.KPI).exists()
