"""API clients signed in the way other systems sign in: with a named token."""

from __future__ import annotations

import itertools
from decimal import Decimal

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from objectives.rollups import recompute_all
from okrplatform.org.models import ApiToken
from tests.factories import CheckInFactory, KeyResultFactory, ObjectiveFactory


@pytest.fixture(autouse=True)
def _each_test_has_its_own_write_allowance():
    """The write throttle counts per person in the cache, and every test's Alice is called
    alice: the tests before one (the fuzz run above all) must not spend its minute."""
    cache.clear()


@pytest.fixture
def api():
    """``api(person)``: a client that sends that person's token; ``api()``: anonymous."""

    numbers = itertools.count()

    def client_for(person=None) -> APIClient:
        client = APIClient()
        if person is not None:
            _token, key = ApiToken.issue(user=person, name=f"tests {next(numbers)}")
            client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    return client_for


@pytest.fixture
def emea_objective(emea, quarter, alice):
    objective = ObjectiveFactory(title="EMEA on time at 97%", unit=emea, cycle=quarter, owner=alice)
    key_result = KeyResultFactory(objective=objective, title="On-time delivery", owner=alice)
    CheckInFactory(key_result=key_result, value=Decimal(40))
    recompute_all(on=quarter.start_date)
    objective.refresh_from_db()
    return objective
