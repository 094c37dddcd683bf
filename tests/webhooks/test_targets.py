"""The target guard: no webhook is sent, on anyone's say-so, into this machine or the private
network, unless the operator allows it; an allow-list of hosts narrows it further. These use
address literals and names from /etc/hosts only: no lookup or request leaves the machine."""

from __future__ import annotations

from decimal import Decimal

import pytest

from objectives.services import check_in_record
from okrplatform.webhooks.delivery import delivery_attempt
from okrplatform.webhooks.models import EventType, WebhookDelivery
from okrplatform.webhooks.targets import TargetRefused, target_check

from .conftest import subscribe


@pytest.fixture
def guarded(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False
    settings.WEBHOOKS_TARGET_HOSTS = []


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://172.16.5.4/hook",
        "http://169.254.169.254/latest/meta-data/",  # a cloud's metadata service
        "http://100.64.0.1/hook",  # carrier-grade NAT
        "http://0.0.0.0/hook",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://[fd00::1]/hook",
        "http://224.0.0.1/hook",
    ],
)
def test_inside_addresses_are_refused(guarded, url):
    with pytest.raises(TargetRefused, match="loopback, private or reserved"):
        target_check(url)


@pytest.mark.parametrize(
    "url", ["ftp://203.0.113.5/x", "file:///etc/passwd", "http://[::1/x", "http:///x"]
)
def test_only_http_addresses_are_accepted(guarded, url):
    with pytest.raises(TargetRefused, match="http:// or https://"):
        target_check(url)


def test_a_public_address_passes(guarded):
    target_check("https://8.8.8.8/hook")  # checked, not contacted


def test_the_operator_may_allow_private_targets(guarded, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = True
    target_check("http://10.1.2.3/hook")


def test_the_allow_list_of_hosts_holds_even_for_public_ones(settings):
    settings.WEBHOOKS_TARGET_HOSTS = ["hooks.slack.com"]
    with pytest.raises(TargetRefused, match=r"only be sent to hooks\.slack\.com"):
        target_check("https://8.8.8.8/hook")


@pytest.mark.django_db
def test_a_target_refused_since_it_was_saved_gets_nothing_and_is_not_tried_again(
    alice, emea, bob, key_result, receiver, settings, django_capture_on_commit_callbacks
):
    hook = subscribe(
        owner=alice, url=receiver.url(), events=[EventType.CHECK_IN_RECORDED], scope=emea
    )
    with django_capture_on_commit_callbacks(execute=False):
        check_in_record(key_result=key_result, author=bob, value=Decimal(150), confidence=8)
    settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS = False  # the operator closed it meanwhile

    outcome = delivery_attempt(delivery_id=WebhookDelivery.objects.get(subscription=hook).pk)

    assert (outcome.state, outcome.retry_in) == (WebhookDelivery.State.FAILED, None)
    assert receiver.received == []
    assert "loopback, private or reserved" in WebhookDelivery.objects.get().last_error
