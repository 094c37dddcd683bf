"""Redis, broker and cache at once as in docker-compose.yml, stops in the middle of check-ins from
the page and the API: everyone gets an answer, nothing is lost, and once Redis is back the
stored figures converge to what a full recompute says, within a minute."""

from __future__ import annotations

import time

import pytest
import redis
from django.db import transaction
from django.urls import reverse

from objectives.models import CheckIn, Objective, UnitRollup
from objectives.rollups import recompute_all
from okrplatform.org.models import ApiToken
from okrplatform.outbox.models import OutboxTask
from tests.workers import wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

CONVERGES_WITHIN = 60.0


class Rollback(Exception):
    pass


def stored_figures() -> tuple:
    objectives = sorted(Objective.objects.values_list("pk", "progress", "status", "is_aligned"))
    rollups = sorted(
        UnitRollup.objects.values_list(
            "unit_id", "cycle_id", "progress", "objective_count", "on_track_count"
        )
    )
    return objectives, rollups


def figures_of_a_full_recompute() -> tuple:
    """What a full recompute would store, without storing it."""
    try:
        with transaction.atomic():
            recompute_all()
            figures = stored_figures()
            raise Rollback
    except Rollback:
        return figures


@pytest.fixture
def cache_on(own_redis, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "okrplatform.cache.DegradingRedisCache",
            "LOCATION": own_redis.url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    settings.API_LIST_CACHE = True


def test_check_ins_from_the_page_and_the_api_survive_redis_going_away(
    own_redis, worker_on_own_redis, cache_on, client, bob, key_result
):
    from rest_framework.test import APIClient

    _token, key = ApiToken.issue(user=bob, name="integration")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    client.force_login(bob)
    page_url = reverse("key_result_check_ins", args=[key_result.pk])
    answers: list[int] = []

    def check_in_twice(value: int) -> None:
        page = client.post(page_url, {"value": str(value), "confidence": "7", "note": "steady"})
        answers.append(page.status_code)
        body = {"key_result": key_result.pk, "value": str(value + 1), "confidence": 7}
        answers.append(
            api.post("/api/check-ins/", body | {"note": "steady"}, format="json").status_code
        )

    for value in (10, 20, 30):
        check_in_twice(value)
    own_redis.stop()
    started = time.monotonic()
    for value in (40, 50, 60, 70, 80):
        check_in_twice(value)
    signed_in = client.post(reverse("login"), {"username": "bob", "password": "x"})
    listed = api.get("/api/objectives/")
    down_for = time.monotonic() - started
    own_redis.start()

    # Every request was answered as designed: redirects from the page, 201 from the API.
    assert set(answers) <= {201, 302}, answers
    assert signed_in.status_code in {200, 302}
    assert listed.status_code == 200
    assert down_for < 15, "a request hung while Redis was away"
    # Nothing acknowledged was lost, and the work for later waited in the outbox.
    assert CheckIn.objects.filter(key_result=key_result).count() == len(answers)
    assert OutboxTask.objects.filter(sent_at__isnull=True).exists()

    def converged() -> bool:
        if OutboxTask.objects.filter(sent_at__isnull=True).exists():
            return False
        if redis.Redis.from_url(own_redis.url).llen("celery"):
            return False
        return stored_figures() == figures_of_a_full_recompute()

    assert wait_until(converged, timeout=CONVERGES_WITHIN), worker_on_own_redis.text()[-3000:]
    objective = Objective.objects.get(pk=key_result.objective_id)
    assert objective.progress == pytest.approx(81 / 200)
