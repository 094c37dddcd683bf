"""Each event reaches the subscriptions that want it, in their format and language, and never one
whose unit or owner should not hear of it."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from kpis.health import Health
from kpis.services import MeasurementInput, measurements_save
from objectives.interventions import intervention_resolve
from objectives.models import Intervention, KPILink
from objectives.reminders import remind_owners_of_stale_key_results
from objectives.services import check_in_record
from okrplatform.webhooks.models import EventType, WebhookDelivery, WebhookSubscription
from reviews.grading import review_close
from tests.factories import (
    KeyResultFactory,
    KPIFactory,
    KPILinkFactory,
    ObjectiveFactory,
    ReviewMeetingFactory,
)

from .conftest import subscribe

pytestmark = pytest.mark.django_db


@pytest.fixture
def apac_key_result(charlie, apac, this_quarter):
    objective = ObjectiveFactory(unit=apac, cycle=this_quarter, title="Open Jakarta hub")
    return KeyResultFactory(objective=objective, owner=charlie, start_value=0, target_value=10)


def check_in(key_result, author, value):
    return check_in_record(
        key_result=key_result, author=author, value=Decimal(value), confidence=7, note="Moving."
    )


def test_a_unit_subscription_hears_only_of_its_unit_and_below(
    alice,
    emea,
    bob,
    charlie,
    key_result,
    apac_key_result,
    receiver,
    django_capture_on_commit_callbacks,
):
    emea_hook = subscribe(
        owner=alice, url=receiver.url("/emea"), events=[EventType.CHECK_IN_RECORDED], scope=emea
    )
    with django_capture_on_commit_callbacks(execute=True):
        check_in(key_result, bob, "150")  # EMEA Logistics, below EMEA
        check_in(apac_key_result, charlie, "4")  # APAC

    assert [post.json()["data"]["objective"]["unit"] for post in receiver.received] == [
        "emea-logistics"
    ]
    assert emea_hook.deliveries.count() == 1


def test_an_owner_hears_only_of_what_they_may_see(
    charlie, sam, bob, key_result, apac_key_result, receiver, django_capture_on_commit_callbacks
):
    # Staff made both for the whole organisation; Charlie sees APAC only, Sam everything.
    subscribe(owner=charlie, url=receiver.url("/charlie"), events=[EventType.CHECK_IN_RECORDED])
    subscribe(owner=sam, url=receiver.url("/sam"), events=[EventType.CHECK_IN_RECORDED])
    with django_capture_on_commit_callbacks(execute=True):
        check_in(key_result, bob, "150")
        check_in(apac_key_result, charlie, "4")

    heard = sorted(
        (post.path, post.json()["data"]["objective"]["unit"]) for post in receiver.received
    )
    assert heard == [("/charlie", "apac"), ("/sam", "apac"), ("/sam", "emea-logistics")]


def test_an_owner_who_lost_their_role_hears_nothing_more(
    alice, emea, bob, key_result, receiver, django_capture_on_commit_callbacks
):
    subscribe(owner=alice, url=receiver.url(), events=[EventType.CHECK_IN_RECORDED], scope=emea)
    alice.memberships.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        check_in(key_result, bob, "150")
    assert receiver.received == []
    assert not WebhookDelivery.objects.exists()


def test_events_not_asked_for_are_not_sent(
    alice, emea, bob, key_result, receiver, django_capture_on_commit_callbacks
):
    subscribe(owner=alice, url=receiver.url(), events=[EventType.REVIEW_CLOSED], scope=emea)
    with django_capture_on_commit_callbacks(execute=True):
        check_in(key_result, bob, "150")
    assert receiver.received == []


def test_an_objectives_status_change_is_sent_with_the_status_before(
    alice, emea, bob, key_result, receiver, django_capture_on_commit_callbacks
):
    subscribe(
        owner=alice, url=receiver.url(), events=[EventType.OBJECTIVE_STATUS_CHANGED], scope=emea
    )
    with django_capture_on_commit_callbacks(execute=True):
        check_in(key_result, bob, "20")  # 10 % of the way, half the quarter gone: off track

    [post] = receiver.received
    assert post.headers["X-OKR-Event"] == "objective.status_changed"
    data = post.json()["data"]
    assert (data["title"], data["previous_status"], data["status"]) == (
        "Cut cost",
        "no_progress",
        "off_track",
    )
    assert post.json()["summary"] == "“Cut cost” went from No progress yet to Off track."

    receiver.received.clear()
    with django_capture_on_commit_callbacks(execute=True):
        check_in(key_result, bob, "21")  # still off track: no change, no event
    assert receiver.received == []


def test_a_kpi_health_change_is_sent(
    alice, emea, emea_logistics, bob, receiver, django_capture_on_commit_callbacks
):
    kpi = KPIFactory(name="On-time delivery", code="otd", unit=emea_logistics, owner=bob)
    subscribe(owner=alice, url=receiver.url(), events=[EventType.KPI_HEALTH_CHANGED], scope=emea)
    with django_capture_on_commit_callbacks(execute=True):
        measurements_save(
            items=[MeasurementInput(kpi=kpi, period=timezone.localdate(), value=Decimal(70))],
            source="manual",
            recorded_by=bob,
        )

    [post] = receiver.received
    data = post.json()["data"]
    assert (data["code"], data["previous_health"], data["health"]) == ("otd", "no_data", "critical")
    assert data["latest_value"] == "70.0000" or Decimal(data["latest_value"]) == 70
    assert post.json()["summary"] == "On-time delivery went from No data yet to Critical."


@pytest.fixture
def guarded(alice, bob, emea_logistics, this_quarter):
    objective = ObjectiveFactory(
        unit=emea_logistics, cycle=this_quarter, title="Cut last-mile cost", owner=alice
    )
    kpi = KPIFactory(name="On-time delivery", code="otd", unit=emea_logistics, owner=bob)
    KPILinkFactory(kpi=kpi, objective=objective, kind=KPILink.Kind.GUARDS)
    return kpi


def test_an_intervention_opened_reaches_slack_in_the_subscriptions_language(
    alice, emea, bob, guarded, receiver, django_capture_on_commit_callbacks
):
    subscribe(
        owner=alice,
        url=receiver.url("/slack"),
        events=[EventType.INTERVENTION_OPENED],
        scope=emea,
        format=WebhookSubscription.Format.SLACK,
        language="de",
    )
    with django_capture_on_commit_callbacks(execute=True):
        measurements_save(
            items=[MeasurementInput(kpi=guarded, period=timezone.localdate(), value=Decimal(70))],
            source="manual",
            recorded_by=bob,
        )

    [post] = receiver.received
    assert post.headers["X-OKR-Event"] == "intervention.opened"
    message = post.json()
    headline = (
        "On-time delivery steht auf „Kritisch“ und ist Leitplanke für „Cut last-mile cost“: "
        "Eine Maßnahme ist eröffnet."
    )
    assert message["text"] == f"Eine Maßnahme wurde eröffnet: {headline}"
    header, section, actions = message["blocks"]
    assert header == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Eine Maßnahme wurde eröffnet"},
    }
    assert section["text"] == {"type": "mrkdwn", "text": headline}
    [button] = actions["elements"]
    intervention = Intervention.objects.get()
    assert button["url"].endswith(f"/interventions/{intervention.pk}/")
    assert button["text"]["text"] == "In okrplatform öffnen"


def test_an_intervention_resolved_reaches_teams_as_an_adaptive_card(
    alice, emea, bob, guarded, receiver, django_capture_on_commit_callbacks
):
    subscribe(
        owner=alice,
        url=receiver.url("/teams"),
        events=[EventType.INTERVENTION_RESOLVED],
        scope=emea,
        format=WebhookSubscription.Format.TEAMS,
    )
    objective = guarded.links.get().objective
    intervention = Intervention.objects.create(
        kpi=guarded,
        objective=objective,
        trigger_health=Health.WARNING,
        trigger_value=85,
        trigger_period=timezone.localdate(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        intervention_resolve(intervention=intervention, by=alice, note="Second shift staffed.")

    [post] = receiver.received
    envelope = post.json()
    assert envelope["type"] == "message"
    [attachment] = envelope["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert (card["type"], card["version"]) == ("AdaptiveCard", "1.4")
    assert [block["text"] for block in card["body"]] == [
        "An intervention was resolved",
        "Alice Martin resolved the intervention for On-time delivery on “Cut last-mile cost”.",
    ]
    [open_it] = card["actions"]
    assert open_it["type"] == "Action.OpenUrl"
    assert open_it["url"].endswith(f"/interventions/{intervention.pk}/")


def test_the_weekly_digest_goes_to_chat_once_a_week_with_what_the_unit_owes(
    alice, emea, sam, charlie, apac, key_result, receiver, django_capture_on_commit_callbacks
):
    subscribe(
        owner=alice,
        url=receiver.url("/teams"),
        events=[EventType.WEEKLY_DIGEST],
        scope=emea,
        format=WebhookSubscription.Format.TEAMS,
    )
    # APAC has nothing waiting: an empty digest is not sent.
    subscribe(owner=sam, url=receiver.url("/apac"), events=[EventType.WEEKLY_DIGEST], scope=apac)
    with django_capture_on_commit_callbacks(execute=True):
        remind_owners_of_stale_key_results()
        remind_owners_of_stale_key_results()  # a retried task: nothing more

    [post] = receiver.received
    assert post.path == "/teams"
    assert post.headers["X-OKR-Event"] == "digest.weekly"
    card = post.json()["attachments"][0]["content"]
    assert [block["text"] for block in card["body"]] == [
        "The weekly digest",
        "1 key result has gone a week or more without a check-in.",
        "- “Parcels on dense routes” of “Cut cost”, Bob Keller, last check-in: never",
    ]


def test_the_weekly_digest_in_json_lists_the_items(
    alice, emea, key_result, receiver, django_capture_on_commit_callbacks
):
    subscribe(owner=alice, url=receiver.url(), events=[EventType.WEEKLY_DIGEST], scope=emea)
    with django_capture_on_commit_callbacks(execute=True):
        remind_owners_of_stale_key_results()
    data = receiver.received[0].json()["data"]
    assert (data["kind"], data["count"]) == ("check_ins", 1)
    today = timezone.localdate()
    assert data["week"] == (today - timedelta(days=today.weekday())).isoformat()
    assert data["items"][0]["title"] == "Parcels on dense routes"
    assert data["items"][0]["owner"] == "bob"


def test_a_closed_review_is_sent(
    alice, emea, emea_logistics, quarter, receiver, django_capture_on_commit_callbacks
):
    review = ReviewMeetingFactory(unit=emea_logistics, cycle=quarter, title="Q4 logistics review")
    subscribe(owner=alice, url=receiver.url(), events=[EventType.REVIEW_CLOSED], scope=emea)
    with django_capture_on_commit_callbacks(execute=True):
        review_close(
            review=review,
            by=alice,
            what_worked="Weekly check-ins.",
            what_did_not="",
            what_we_change="",
        )
    [post] = receiver.received
    payload = post.json()
    assert (
        payload["summary"]
        == "Alice Martin closed the review “Q4 logistics review” of EMEA Logistics."
    )
    assert payload["data"]["what_worked"] == "Weekly check-ins."
    assert payload["data"]["closed_by"] == "alice"


def test_a_check_in_a_kpi_makes_is_sent_as_the_systems(
    alice, emea, emea_logistics, bob, this_quarter, receiver, django_capture_on_commit_callbacks
):
    kpi = KPIFactory(name="Throughput", code="throughput", unit=emea_logistics, owner=bob)
    objective = ObjectiveFactory(unit=emea_logistics, cycle=this_quarter, title="Ship more")
    key_result = KeyResultFactory(
        objective=objective,
        title="Parcels a month",
        driving_kpi=kpi,
        start_value=0,
        target_value=200,
    )
    subscribe(owner=alice, url=receiver.url(), events=[EventType.CHECK_IN_RECORDED], scope=emea)
    with django_capture_on_commit_callbacks(execute=True):
        measurements_save(
            items=[MeasurementInput(kpi=kpi, period=timezone.localdate(), value=Decimal(120))],
            source="manual",
            recorded_by=bob,
        )

    [post] = receiver.received
    payload = post.json()
    assert (payload["data"]["source"], payload["data"]["author"]) == ("kpi", None)
    assert payload["data"]["key_result"]["id"] == key_result.pk
    assert payload["summary"].startswith("The system checked in 120")
