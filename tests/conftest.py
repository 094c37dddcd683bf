"""Shared fixtures: the people of our examples and a small organisation to put them in.

Alice manages the EMEA region, Bob contributes in EMEA Logistics under her, Vera views EMEA,
Charlie works in APAC and is an outsider to EMEA; Sam is staff.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone, translation

from okrplatform.celery import app as celery_app
from okrplatform.org.models import Membership, OrgUnit

from .factories import (
    CycleFactory,
    KeyResultFactory,
    MembershipFactory,
    ObjectiveFactory,
    OrgUnitFactory,
    UserFactory,
)

# Hashing demo passwords with PBKDF2 would dominate the suite's run time.
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# No webhook of the suite leaves this machine, whatever a test or the API fuzzer subscribes:
# only the receivers the tests start on 127.0.0.1 can be targets (tests/webhooks/).
settings.WEBHOOKS_TARGET_HOSTS = ["127.0.0.1"]


@pytest.fixture(autouse=True)
def _celery_runs_eagerly():
    """Tests run tasks in-process unless a test asks for the real worker (tests/test_worker.py)."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = True


@pytest.fixture(autouse=True)
def _each_test_starts_in_english():
    """A page served to a German reader leaves German active in the thread; the next test must
    not inherit it."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def company(db):
    return OrgUnitFactory(name="Helix Group", code="helix", kind=OrgUnit.Kind.COMPANY)


@pytest.fixture
def emea(company):
    return OrgUnitFactory(name="EMEA", code="emea", kind=OrgUnit.Kind.REGION, parent=company)


@pytest.fixture
def emea_logistics(emea):
    return OrgUnitFactory(
        name="EMEA Logistics", code="emea-logistics", kind=OrgUnit.Kind.DEPARTMENT, parent=emea
    )


@pytest.fixture
def apac(company):
    return OrgUnitFactory(name="APAC", code="apac", kind=OrgUnit.Kind.REGION, parent=company)


@pytest.fixture
def alice(emea):
    user = UserFactory(username="alice", first_name="Alice", last_name="Martin")
    MembershipFactory(user=user, unit=emea, role=Membership.Role.MANAGER)
    return user


@pytest.fixture
def bob(emea_logistics):
    user = UserFactory(username="bob", first_name="Bob", last_name="Keller")
    MembershipFactory(user=user, unit=emea_logistics, role=Membership.Role.CONTRIBUTOR)
    return user


@pytest.fixture
def charlie(apac):
    user = UserFactory(username="charlie", first_name="Charlie", last_name="Tan")
    MembershipFactory(user=user, unit=apac, role=Membership.Role.CONTRIBUTOR)
    return user


@pytest.fixture
def vera(emea):
    user = UserFactory(username="vera", first_name="Vera", last_name="Novak")
    MembershipFactory(user=user, unit=emea, role=Membership.Role.VIEWER)
    return user


@pytest.fixture
def sam(db):
    return UserFactory(username="sam", first_name="Sam", is_staff=True, is_superuser=True)


@pytest.fixture
def quarter(db):
    return CycleFactory(name="Q4 2026", code="2026-q4")


@pytest.fixture
def this_quarter(db):
    """A quarter half gone: expected progress is one half today."""
    today = timezone.localdate()
    return CycleFactory(start_date=today - timedelta(days=45), end_date=today + timedelta(days=45))


@pytest.fixture
def key_result(bob, emea_logistics, this_quarter):
    """Bob's key result in his team's objective this quarter: 0 → 200 parcels."""
    objective = ObjectiveFactory(unit=emea_logistics, cycle=this_quarter, title="Cut cost")
    return KeyResultFactory(
        objective=objective,
        owner=bob,
        title="Parcels on dense routes",
        start_value=0,
        target_value=200,
    )
