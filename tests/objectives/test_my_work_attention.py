"""My work's "needs your attention first": it follows an in-place check-in, leaves a key result
created this week alone, and a brand-new objective reads "Not started"."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from objectives.models import KeyResult
from objectives.progress import Status
from objectives.rollups import recompute_all
from tests.factories import CheckInFactory, KeyResultFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def lagging(emea_logistics, quarter, bob):
    objective = ObjectiveFactory(title="Deliver on time", unit=emea_logistics, cycle=quarter)
    key_result = KeyResultFactory(objective=objective, owner=bob, title="On-time delivery rate")
    CheckInFactory(key_result=key_result, value=Decimal(5), note="Carrier strike")
    recompute_all()
    return key_result


def test_the_attention_list_follows_an_in_place_check_in(client, bob, lagging):
    client.force_login(bob)
    home = client.get(reverse("home")).content.decode()
    assert "On-time delivery rate</a>" in home.split('id="attention"')[1].split("</section>")[0]

    response = client.post(
        reverse("key_result_check_ins", args=[lagging.pk]),
        {"value": "95", "confidence": "8", "note": "", "next": reverse("home")},
        headers={"HX-Request": "true"},
    )

    html = response.content.decode()
    attention = html.split('id="attention"')[1].split("</section>")[0]
    assert 'hx-swap-oob="true"' in html.split('id="attention"')[1][:80]
    assert "On-time delivery rate" not in attention
    assert "Nothing: every key result of yours is on track" in attention


def test_the_objective_page_gets_no_attention_list(client, bob, lagging):
    client.force_login(bob)
    response = client.post(
        reverse("key_result_check_ins", args=[lagging.pk]),
        {"value": "95", "confidence": "8", "note": ""},
        headers={"HX-Request": "true"},
    )
    assert 'id="attention"' not in response.content.decode()


def test_a_key_result_created_this_week_is_not_overdue_for_a_check_in(emea_logistics, quarter, bob):
    objective = ObjectiveFactory(unit=emea_logistics, cycle=quarter)
    new = KeyResultFactory(objective=objective, owner=bob)
    old = KeyResultFactory(objective=objective, owner=bob)
    KeyResult.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=9))
    old.refresh_from_db()
    now = timezone.now()

    assert not new.needs_check_in(now)
    assert old.needs_check_in(now)


def test_a_brand_new_objective_reads_not_started(client, bob, emea_logistics, quarter):
    objective = ObjectiveFactory(title="Dock to stock", unit=emea_logistics, cycle=quarter)
    KeyResultFactory(objective=objective, owner=bob)
    recompute_all()
    objective.refresh_from_db()
    assert objective.status == Status.NOT_STARTED

    client.force_login(bob)
    page = client.get(reverse("objective_detail", args=[objective.pk])).content.decode()
    progress = page.split(f'id="objective-{objective.pk}-progress"')[1].split("</div>")[0]
    assert "Not started" in progress
    assert "Off track" not in progress


def test_someone_who_owns_nothing_is_pointed_to_their_units_not_told_all_is_on_track(client, vera):
    client.force_login(vera)  # a viewer in EMEA: no objective, no key result of her own

    html = client.get(reverse("home")).content.decode()

    assert 'id="attention"' not in html
    assert "every key result of yours is on track" not in html
    assert f'href="{reverse("organisation")}"' in html
    assert f'href="{reverse("kpi_board")}"' in html
