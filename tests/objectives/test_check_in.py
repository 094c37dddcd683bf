"""Checking in on a key result: from the page with htmx or without JavaScript, validated, with
the key result, its objective and the units above it following at once."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

import objectives.models
import objectives.services
from objectives.models import CheckIn, KeyResult, UnitRollup
from objectives.progress import Direction, Status, key_result_progress
from objectives.services import check_in_record, check_in_validate
from tests.factories import CheckInFactory, CycleFactory, KeyResultFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db


def check_in_url(key_result) -> str:
    return reverse("key_result_check_ins", args=[key_result.pk])


def test_a_check_in_moves_the_key_result_its_objective_and_the_units_above(
    client, bob, key_result, emea, company, django_capture_on_commit_callbacks
):
    client.force_login(bob)

    with django_capture_on_commit_callbacks(execute=True) as enqueued:
        response = client.post(
            check_in_url(key_result),
            {"value": "100", "confidence": "8", "note": "Half way.", "next": "/"},
        )

    assert response.status_code == 302
    assert response["Location"] == "/"
    key_result.refresh_from_db()
    assert key_result.current_value == Decimal(100)
    assert key_result.confidence == 8
    assert key_result.progress == pytest.approx(0.5)
    assert key_result.status == Status.ON_TRACK
    key_result.objective.refresh_from_db()
    assert key_result.objective.progress == pytest.approx(0.5)
    for unit in (emea, company):
        rollup = UnitRollup.objects.get(unit=unit, cycle=key_result.objective.cycle)
        assert rollup.progress == pytest.approx(0.5)
    check_in = CheckIn.objects.get()
    assert (check_in.author, check_in.note) == (bob, "Half way.")
    assert len(enqueued) == 1, "one rollup task, enqueued after commit"


def test_the_rollup_waits_for_the_commit(client, bob, key_result):
    client.force_login(bob)
    client.post(check_in_url(key_result), {"value": "100", "confidence": "8"})
    key_result.refresh_from_db()
    key_result.objective.refresh_from_db()
    assert key_result.progress == pytest.approx(0.5), "the KR's own row moves at once"
    assert key_result.objective.progress is None, "the rest waits for the transaction to commit"


def test_with_htmx_it_swaps_the_row_and_the_objective_progress(client, bob, key_result):
    client.force_login(bob)

    response = client.post(
        check_in_url(key_result),
        {"value": "150", "confidence": "9", "note": ""},
        headers={"HX-Request": "true"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith(f'<tbody id="key-result-{key_result.pk}"')
    assert "Checked in." in page
    assert 'aria-valuenow="75"' in page
    oob = f'id="objective-{key_result.objective_id}-progress"'
    assert oob in page
    assert 'hx-swap-oob="true"' in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"value": "lots", "confidence": "5"}, "value", "Enter a number"),
        ({"value": "", "confidence": "5"}, "value", "This field is required"),
        ({"value": "50", "confidence": "11"}, "confidence", "Confidence runs from 0"),
        ({"value": "50", "confidence": "-1"}, "confidence", "Confidence runs from 0"),
        ({"value": "50", "confidence": "3"}, "note", "With confidence 3 or less"),
        ({"value": "1", "confidence": "7"}, "note", "leaves the key result off track"),
    ],
    ids=[
        "not a number",
        "no value",
        "confidence 11",
        "negative confidence",
        "low confidence without a note",
        "off track without a note",
    ],
)
def test_invalid_check_ins_come_back_inline_and_save_nothing(
    client, bob, key_result, data, field, message
):
    client.force_login(bob)

    response = client.post(check_in_url(key_result), data, headers={"HX-Request": "true"})

    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert f'id="check-in-{key_result.pk}"' in page, "the form stays open with the input"
    assert not CheckIn.objects.exists()
    key_result.refresh_from_db()
    assert key_result.current_value is None


def test_without_javascript_an_invalid_check_in_shows_the_form_again(client, bob, key_result):
    client.force_login(bob)
    response = client.post(check_in_url(key_result), {"value": "12,5,5", "confidence": "5"})
    assert response.status_code == 400
    assert "Enter a number" in response.content.decode()
    assert not CheckIn.objects.exists()


def test_a_note_lets_an_off_track_check_in_through(client, bob, key_result):
    client.force_login(bob)
    response = client.post(
        check_in_url(key_result),
        {"value": "1", "confidence": "2", "note": "Blocked by the carrier strike."},
    )
    assert response.status_code == 302
    assert CheckIn.objects.get().note == "Blocked by the carrier strike."


def test_numbers_are_read_the_way_the_person_writes_them(client, bob, key_result):
    bob.language = "de"
    bob.save()
    client.force_login(bob)
    client.post(check_in_url(key_result), {"value": "100,5", "confidence": "8"})
    assert CheckIn.objects.get().value == Decimal("100.5")


def test_a_redirect_never_leaves_the_site(client, bob, key_result):
    client.force_login(bob)
    response = client.post(
        check_in_url(key_result),
        {"value": "100", "confidence": "8", "next": "https://evil.example.com/"},
    )
    assert response["Location"] == check_in_url(key_result)


def test_the_history_lists_who_checked_in_what_and_when_newest_first(
    client, bob, alice, key_result
):
    CheckInFactory(
        key_result=key_result,
        value=40,
        author=bob,
        note="first",
        created_at=timezone.now() - timedelta(days=14),
    )
    CheckInFactory(
        key_result=key_result,
        value=90,
        author=alice,
        note="second",
        created_at=timezone.now() - timedelta(days=7),
    )
    client.force_login(bob)

    page = client.get(check_in_url(key_result)).content.decode()

    assert page.index("second") < page.index("first")
    assert "Alice Martin" in page
    assert "Bob Keller" in page


def test_the_service_refuses_what_the_form_refuses(bob, key_result):
    with pytest.raises(ValidationError) as error:
        check_in_record(key_result=key_result, author=bob, value=Decimal(0), confidence=1)
    assert "note" in error.value.message_dict
    assert not CheckIn.objects.exists()


def test_a_stay_below_key_result_off_its_line_needs_a_note(bob, this_quarter):
    key_result = KeyResultFactory(
        objective=ObjectiveFactory(cycle=this_quarter),
        direction=Direction.STAY_BELOW,
        start_value=None,
        target_value=5,
    )
    with pytest.raises(ValidationError):
        check_in_record(key_result=key_result, author=bob, value=Decimal(6), confidence=7)
    check_in_record(key_result=key_result, author=bob, value=Decimal(4), confidence=7)
    key_result.refresh_from_db()
    assert key_result.progress == 1.0


def test_a_late_entry_for_an_earlier_moment_does_not_replace_the_latest(bob, key_result):
    check_in_record(key_result=key_result, author=bob, value=Decimal(150), confidence=8)
    check_in_record(
        key_result=key_result,
        author=bob,
        value=Decimal(60),
        confidence=6,
        at=timezone.now() - timedelta(days=3),
    )
    key_result.refresh_from_db()
    assert key_result.current_value == Decimal(150)


def test_check_ins_in_a_closed_past_cycle_still_record(bob):
    closed = CycleFactory(start_date=date(2025, 1, 1), end_date=date(2025, 3, 31), state="closed")
    key_result = KeyResultFactory(objective=ObjectiveFactory(cycle=closed), target_value=10)
    check_in_record(key_result=key_result, author=bob, value=Decimal(10), confidence=9)
    key_result.refresh_from_db()
    assert key_result.status == Status.ON_TRACK


def test_the_check_in_form_opens_in_place(client, bob, key_result):
    client.force_login(bob)
    url = reverse("key_result_row", args=[key_result.pk])

    opened = client.get(url, {"check_in": "1", "next": "/"}, headers={"HX-Request": "true"})
    closed = client.get(url, {"next": "/"}, headers={"HX-Request": "true"})

    assert "Save check-in" in opened.content.decode()
    assert 'name="next" value="/"' in opened.content.decode()
    assert "Save check-in" not in closed.content.decode()


def test_a_viewer_cannot_open_the_check_in_form(client, vera, key_result):
    client.force_login(vera)
    url = reverse("key_result_row", args=[key_result.pk])
    assert client.get(url).status_code == 200
    assert client.get(url, {"check_in": "1"}).status_code == 403


def test_a_check_in_is_validated_and_its_progress_computed_once(
    client, bob, key_result, monkeypatch
):
    computed, validated = [], []

    def counted_progress(**formula):
        computed.append(formula["current"])
        return key_result_progress(**formula)

    def counted_validation(**check_in):
        validated.append(check_in)
        return check_in_validate(**check_in)

    monkeypatch.setattr(objectives.models, "key_result_progress", counted_progress)
    monkeypatch.setattr(objectives.services, "check_in_validate", counted_validation)
    client.force_login(bob)

    response = client.post(
        check_in_url(key_result),
        {"value": "150", "confidence": "9"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert 'aria-valuenow="75"' in response.content.decode()
    assert computed == [Decimal(150)], "the form no longer validates, nor does the page recompute"
    assert len(validated) == 1


def test_a_check_in_from_the_page_stays_within_its_query_budget(
    client, bob, key_result, django_assert_num_queries
):
    client.force_login(bob)
    # session, user, the key result with its objective, cycle, unit and owner; savepoint, the
    # check-in, the key result's new figures in one UPDATE, the rollup written down in the
    # outbox, the webhook subscriptions that want a check-in (none here), release; the
    # objective's key results for the progress the page shows before the rollup task runs
    with django_assert_num_queries(10):
        client.post(
            check_in_url(key_result),
            {"value": "150", "confidence": "9"},
            headers={"HX-Request": "true"},
        )


def test_the_service_returns_the_key_result_as_stored(bob, key_result):
    recorded = check_in_record(
        key_result=key_result, author=bob, value=Decimal("150.5"), confidence=9
    )

    stored = KeyResult.objects.get(pk=key_result.pk)
    assert recorded.key_result is key_result
    assert recorded.check_in == CheckIn.objects.get()
    for field in ("confidence", "last_check_in_at", "progress", "status"):
        assert getattr(recorded.key_result, field) == getattr(stored, field), field
    assert str(recorded.key_result.current_value) == str(stored.current_value)
    assert stored.status == Status.ON_TRACK
