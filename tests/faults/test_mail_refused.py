"""A mail server that refuses: the person's action is saved and answered, the e-mail waits in the
outbox with the reason, visible to staff, and nothing answers 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

from objectives.models import CatchballMessage
from okrplatform.outbox.models import EmailDelivery
from tests.factories import ObjectiveFactory

from .conftest import free_port


@pytest.fixture
def refusing_mail_server(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()  # nothing listens there: every connection is refused
    settings.EMAIL_TIMEOUT = 2


@pytest.mark.django_db(transaction=True)
def test_a_catchball_proposal_is_saved_and_answered_while_mail_is_refused(
    refusing_mail_server, client, bob, alice, emea_logistics, quarter, sam
):
    objective = ObjectiveFactory(
        title="Dock to stock", unit=emea_logistics, cycle=quarter, owner=bob
    )
    client.force_login(bob)

    response = client.post(
        reverse("objective_catchball", args=[objective.pk]),
        {"action": "proposed", "text": "Please agree."},
    )

    assert response.status_code == 302
    assert CatchballMessage.objects.filter(objective=objective, text="Please agree.").exists()
    [delivery] = EmailDelivery.objects.filter(recipient=alice.email)
    assert delivery.state == EmailDelivery.State.FAILED
    assert "Connection refused" in delivery.last_error or "Errno" in delivery.last_error

    client.force_login(sam)
    listed = client.get(reverse("admin:outbox_emaildelivery_changelist"))
    assert listed.status_code == 200
    assert alice.email in listed.content.decode()
