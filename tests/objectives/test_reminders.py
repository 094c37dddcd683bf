"""The weekly digest reminds each owner of the key results they have let go quiet."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from objectives.models import Cycle
from objectives.reminders import remind_owners_of_stale_key_results
from objectives.rollups import recompute_all
from okrplatform.org.models import Reminder
from tests.factories import CheckInFactory, CycleFactory, KeyResultFactory, ObjectiveFactory


@pytest.fixture
def now():
    return timezone.now()


@pytest.fixture
def this_quarter(now):
    today = timezone.localdate(now)
    return CycleFactory(start_date=today - timedelta(days=30), end_date=today + timedelta(days=60))


def key_result_checked_in(owner, cycle, days_ago: int | None, title: str):
    key_result = KeyResultFactory(objective=ObjectiveFactory(cycle=cycle), owner=owner, title=title)
    if days_ago is not None:
        CheckInFactory(key_result=key_result, created_at=timezone.now() - timedelta(days=days_ago))
    return key_result


# The digest runs in a task, outside any transaction: its e-mails leave as each digest commits.
pytestmark = pytest.mark.django_db(transaction=True)


def test_owners_hear_of_key_results_quiet_for_a_week_with_links(bob, alice, this_quarter, now):
    quiet = key_result_checked_in(bob, this_quarter, 8, "Parcels on dense routes")
    key_result_checked_in(bob, this_quarter, None, "Carrier scorecards")
    key_result_checked_in(bob, this_quarter, 2, "Fresh one")
    key_result_checked_in(alice, this_quarter, 1, "Alice is up to date")
    recompute_all()

    sent = remind_owners_of_stale_key_results(now)

    assert sent == 1
    [message] = mail.outbox
    assert message.to == ["bob@example.com"]
    assert "2 key results are waiting" in message.subject
    assert "Parcels on dense routes" in message.body
    assert "Carrier scorecards" in message.body
    assert "Fresh one" not in message.body
    assert f"http://127.0.0.1:8000/key-results/{quiet.pk}/check-ins/" in message.body


def test_the_digest_goes_out_once_a_week_however_often_the_task_runs(bob, this_quarter, now):
    key_result_checked_in(bob, this_quarter, 10, "Quiet")
    recompute_all()

    assert remind_owners_of_stale_key_results(now) == 1
    assert remind_owners_of_stale_key_results(now + timedelta(hours=2)) == 0
    assert len(mail.outbox) == 1
    assert Reminder.objects.get().item_count == 1

    assert remind_owners_of_stale_key_results(now + timedelta(days=7)) == 1
    assert len(mail.outbox) == 2


def test_no_nagging_in_the_first_week_of_a_cycle_or_about_closed_ones(bob, now):
    today = timezone.localdate(now)
    fresh = CycleFactory(start_date=today - timedelta(days=3), end_date=today + timedelta(days=80))
    closed = CycleFactory(
        start_date=today - timedelta(days=120),
        end_date=today - timedelta(days=30),
        state=Cycle.State.CLOSED,
    )
    key_result_checked_in(bob, fresh, None, "Brand new")
    key_result_checked_in(bob, closed, 60, "Last quarter")

    assert remind_owners_of_stale_key_results(now) == 0
    assert mail.outbox == []


def test_the_digest_speaks_the_owners_language(bob, this_quarter, now):
    bob.language = "de"
    bob.save()
    key_result_checked_in(bob, this_quarter, 9, "Quiet")
    remind_owners_of_stale_key_results(now)
    assert mail.outbox[0].body.startswith("Hallo Bob,")
