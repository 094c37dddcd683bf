"""A KPI short of its target but not past warning reads "within tolerance", never "target met",
on the board, the KPI page, the projector and the API."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from kpis.health import Health, health_words
from kpis.rollups import refresh_kpis
from tests.factories import (
    KPIFactory,
    KPILinkFactory,
    MeasurementFactory,
    ObjectiveFactory,
    ReviewMeetingFactory,
)

pytestmark = pytest.mark.django_db

MONTH = timezone.localdate().replace(day=1)


@pytest.mark.parametrize(
    ("direction", "value", "words"),
    [
        ("higher", "100", "Target met"),
        ("higher", "104", "Target met"),
        ("higher", "95", "Below target, within tolerance"),
        ("higher", "90", "Below target, within tolerance"),
        ("lower", "7", "Target met"),
        ("lower", "7.5", "Above target, within tolerance"),
    ],
)
def test_on_target_is_told_apart_by_direction(direction, value, words):
    target = Decimal(100) if direction == "higher" else Decimal(7)
    assert (
        health_words(
            health=Health.ON_TARGET,
            direction=direction,
            latest_value=Decimal(value),
            target=target,
        )
        == words
    )


def test_warning_and_critical_keep_their_words():
    for health, words in ((Health.WARNING, "Warning"), (Health.CRITICAL, "Critical")):
        assert health_words(health=health, direction="higher", latest_value=1, target=2) == words


@pytest.fixture
def short_of_target(emea, alice):
    kpi = KPIFactory(name="On-time delivery", unit=emea, owner=alice, frequency="monthly")
    MeasurementFactory(kpi=kpi, period=MONTH, value=Decimal(95))
    refresh_kpis()
    kpi.refresh_from_db()
    return kpi


def test_the_board_and_the_kpi_page_say_within_tolerance(client, alice, emea, short_of_target):
    client.force_login(alice)
    board = client.get(reverse("kpi_board"), {"unit": emea.pk}).content.decode()
    page = client.get(reverse("kpi_detail", args=[short_of_target.pk])).content.decode()

    for html in (board, page):
        assert "Below target, within tolerance" in html
        assert "Target met" not in html


def test_the_projector_says_within_tolerance(client, alice, emea, quarter, short_of_target):
    objective = ObjectiveFactory(title="Deliver on time", unit=emea, cycle=quarter, owner=alice)
    KPILinkFactory(kpi=short_of_target, objective=objective, kind="guards")
    review = ReviewMeetingFactory(unit=emea, cycle=quarter)
    client.force_login(alice)

    slides = client.get(reverse("review_present", args=[review.pk])).content.decode()

    assert "Below target, within tolerance" in slides


def test_the_api_says_within_tolerance(client, alice, short_of_target):
    client.force_login(alice)

    body = client.get(f"/api/kpis/{short_of_target.pk}/").json()

    assert (body["health"], body["health_label"]) == ("on_target", "Below target, within tolerance")
