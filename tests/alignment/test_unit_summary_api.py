"""GET /api/org-units/<pk>/summary/: a unit's figures for a cycle, for BI and other systems."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from kpis.health import Health
from tests.factories import KPIFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def kpis(emea, emea_logistics, apac):
    KPIFactory(unit=emea, health=Health.ON_TARGET)
    KPIFactory(unit=emea_logistics, health=Health.CRITICAL)
    KPIFactory(unit=emea_logistics, health=Health.STALE)
    KPIFactory(unit=emea_logistics, health=Health.CRITICAL, is_active=False)
    KPIFactory(unit=apac, health=Health.WARNING)


def url(unit) -> str:
    return reverse("api_unit_summary", args=[unit.pk])


def test_the_summary_holds_the_rollup_the_index_and_the_counts(
    api, alice, emea, cycles, strategy, kpis
):
    api.force_authenticate(alice)

    response = api.get(url(emea), {"cycle": cycles.q4.pk})

    assert response.status_code == 200
    body = response.json()
    assert body["unit"] == {"id": emea.pk, "code": "emea", "name": "EMEA"}
    assert body["cycle"]["id"] == cycles.q4.pk
    assert body["objective_count"] == 4  # EMEA's, the team's, and the two unaligned
    assert body["aligned_count"] == 2
    assert body["alignment_index"] == pytest.approx(0.5)
    assert body["rollup"] is None, "no objective has progress yet"
    assert body["objectives_by_status"] == {
        "on_track": 0,
        "at_risk": 0,
        "off_track": 0,
        "no_progress": 4,
    }
    assert body["kpis_by_health"] == {
        "on_target": 1,
        "warning": 0,
        "critical": 1,
        "stale": 1,
        "no_data": 0,
    }, "the subtree's active KPIs; APAC's are not EMEA's"
    assert body["kpi_count"] == 3


def test_a_unit_without_objectives_in_the_cycle_has_no_index_not_zero(api, sam, apac, cycles):
    api.force_authenticate(sam)
    body = api.get(url(apac), {"cycle": cycles.q3.pk}).json()
    assert body["alignment_index"] is None
    assert body["objective_count"] == 0


def test_without_a_cycle_it_answers_for_the_current_quarter(api, sam, emea, cycles, strategy):
    api.force_authenticate(sam)
    body = api.get(url(emea)).json()
    assert body["cycle"]["name"] == "Q4 2026", "the latest active quarter"


def test_a_cycle_that_does_not_exist_is_a_clear_error(api, sam, emea, cycles):
    api.force_authenticate(sam)
    response = api.get(url(emea), {"cycle": "next"})
    assert response.status_code == 400
    assert response.json() == {"cycle": ["Nothing you see has the code or id “next”."]}


def test_the_cycle_is_named_by_its_code_as_everywhere_or_by_its_id(api, sam, emea, cycles):
    api.force_authenticate(sam)
    by_code = api.get(url(emea), {"cycle": cycles.q4.code})
    by_id = api.get(url(emea), {"cycle": cycles.q4.pk})
    assert by_code.status_code == by_id.status_code == 200
    assert by_code.json() == by_id.json()


def test_it_needs_a_login_and_a_unit_one_sees(api, charlie, emea, cycles):
    assert api.get(url(emea)).status_code in {401, 403}
    api.force_authenticate(charlie)
    assert api.get(url(emea), {"cycle": cycles.q4.pk}).status_code == 403


def test_other_systems_sign_in_with_a_token(api, alice, emea, cycles, strategy):
    token = Token.objects.create(user=alice)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api.get(url(emea), {"cycle": cycles.q4.pk}).status_code == 200
