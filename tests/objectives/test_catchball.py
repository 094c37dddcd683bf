"""Catchball: a team proposes its objective, the unit above agrees or returns it, in a thread."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from objectives.catchball import actions_for, catchball_turn
from objectives.models import CatchballMessage, Objective
from okrplatform.org.models import Notification
from tests.factories import ObjectiveFactory

pytestmark = pytest.mark.django_db

State = Objective.Catchball


@pytest.fixture
def proposal(emea_logistics, quarter, bob, alice):
    """Bob's team objective; Alice manages EMEA, the unit above his team."""
    return ObjectiveFactory(
        title="Dock to stock in a day", unit=emea_logistics, cycle=quarter, owner=bob
    )


def turn(objective, person, action, text=""):
    catchball_turn(objective=objective, by=person, action=action, text=text)
    objective.refresh_from_db()


def notified(person) -> list[str]:
    return list(Notification.objects.filter(recipient=person).values_list("message", flat=True))


def test_a_proposal_goes_to_the_manager_above(
    proposal, bob, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        turn(proposal, bob, "proposed", "The one lever we own for on-time delivery.")

    assert proposal.catchball == State.PROPOSED
    message = proposal.catchball_messages.get()
    assert (message.author, message.action) == (bob, "proposed")
    assert notified(alice) == [
        "Bob Keller proposes “Dock to stock in a day”: agree to it or return it."
    ]
    assert [message.to for message in mail.outbox] == [[alice.email]]


def test_the_manager_above_agrees_and_the_owner_hears_of_it(proposal, bob, alice):
    turn(proposal, bob, "proposed")
    turn(proposal, alice, "agreed", "Agreed; align the dates with Rotterdam.")

    assert proposal.catchball == State.AGREED
    assert notified(bob) == ["Alice Martin agreed to “Dock to stock in a day”."]
    assert list(proposal.catchball_messages.values_list("action", flat=True)) == [
        "proposed",
        "agreed",
    ]


def test_returning_needs_a_reason_and_the_thread_goes_on(proposal, bob, alice):
    turn(proposal, bob, "proposed")
    with pytest.raises(ValidationError, match="Say why"):
        turn(proposal, alice, "returned", "   ")
    assert proposal.catchball == State.PROPOSED

    turn(proposal, alice, "returned", "Add a guard on pick accuracy.")
    assert proposal.catchball == State.RETURNED
    assert notified(bob) == [
        "Alice Martin returned “Dock to stock in a day”: Add a guard on pick accuracy."
    ]

    turn(proposal, bob, "proposed", "Added: pick accuracy stays above 99.5%.")
    turn(proposal, alice, "agreed")
    assert proposal.catchball == State.AGREED
    assert proposal.catchball_messages.count() == 4


def test_one_cannot_agree_to_ones_own_proposal(proposal, bob):
    turn(proposal, bob, "proposed")
    with pytest.raises(
        ValidationError, match="Only a manager of EMEA can agree to it or return it"
    ):
        turn(proposal, bob, "agreed")
    assert proposal.catchball == State.PROPOSED


def test_each_turn_only_when_the_negotiation_allows_it(proposal, bob, alice):
    with pytest.raises(ValidationError, match="reload the page"):
        turn(proposal, alice, "agreed")
    turn(proposal, bob, "proposed")
    with pytest.raises(ValidationError, match="reload the page"):
        turn(proposal, bob, "proposed")


def test_two_managers_answering_at_once_do_not_both_win(proposal, bob, alice, sam):
    turn(proposal, bob, "proposed")
    seen_by_sam = Objective.objects.get(pk=proposal.pk)  # Sam opened the page before Alice acted
    turn(proposal, alice, "returned", "Not funded.")

    with pytest.raises(ValidationError, match="now “Returned for rework”"):
        catchball_turn(objective=seen_by_sam, by=sam, action="agreed")
    proposal.refresh_from_db()
    assert proposal.catchball == State.RETURNED


def test_the_top_unit_has_nobody_above_to_agree(company, quarter, sam):
    top = ObjectiveFactory(unit=company, cycle=quarter)
    assert actions_for(sam, top) == []
    with pytest.raises(ValidationError, match="no unit above"):
        catchball_turn(objective=top, by=sam, action="proposed")


def test_each_side_sees_its_own_buttons(client, proposal, bob, alice, vera):
    url = reverse("objective_detail", args=[proposal.pk])
    client.force_login(bob)
    assert "Propose to EMEA" in client.get(url).content.decode()
    turn(proposal, bob, "proposed")

    client.force_login(alice)
    html = client.get(url).content.decode()
    assert "Agree" in html
    assert "Return with this comment" in html
    client.force_login(vera)  # a viewer of EMEA: reads the thread, takes no turn
    html = client.get(url).content.decode()
    assert "Proposed, awaiting agreement" in html
    assert 'action="/objectives/' not in html.split('id="catchball"')[1].split("</section>")[0]


def test_a_turn_from_the_page_and_the_way_back(client, proposal, bob, alice):
    client.force_login(bob)
    url = reverse("objective_catchball", args=[proposal.pk])
    response = client.post(url, {"action": "proposed", "text": "Please agree."})
    assert response.status_code == 302
    assert response.url.endswith("#catchball")

    client.force_login(alice)
    home = client.get(reverse("home")).content.decode()
    assert "waiting for your agreement" in home
    client.post(url, {"action": "returned", "text": "Not this quarter."})

    client.force_login(bob)
    assert "returned to you" in client.get(reverse("home")).content.decode()


def test_a_refused_turn_keeps_what_was_typed(client, proposal, bob):
    client.force_login(bob)
    url = reverse("objective_catchball", args=[proposal.pk])
    client.post(url, {"action": "proposed", "text": ""})

    response = client.post(url, {"action": "agreed", "text": "Agreeing with myself"})

    assert response.status_code == 400
    html = response.content.decode()
    assert "Only a manager of EMEA can agree to it or return it." in html
    assert "Agreeing with myself</textarea>" in html
    assert CatchballMessage.objects.count() == 1


def test_outsiders_take_no_turn(client, proposal, charlie):
    client.force_login(charlie)
    response = client.post(
        reverse("objective_catchball", args=[proposal.pk]), {"action": "commented", "text": "Hi"}
    )
    assert response.status_code == 403
    assert not CatchballMessage.objects.exists()
