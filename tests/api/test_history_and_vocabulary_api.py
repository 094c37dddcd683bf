"""History can be loaded — check-ins at their own time, a measurement sent again through the
single route — and the API speaks one vocabulary: filters take the codes bodies use, the
schema answers JSON when asked, and /api/v1/ is the canonical address with /api/ its alias."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from kpis.models import Measurement
from objectives.models import Cycle
from tests.factories import (
    InterventionFactory,
    KPIFactory,
    MeasurementFactory,
    ObjectiveFactory,
    ReviewMeetingFactory,
    TensionFactory,
)

pytestmark = pytest.mark.django_db


def check_in(key_result, **fields) -> dict:
    return {"key_result": key_result.pk, "value": "120", "confidence": 7, "note": "OK", **fields}


def test_a_check_in_for_an_earlier_moment_counts_at_its_own_time(api, bob, key_result):
    now = timezone.now()
    client = api(bob)
    latest = client.post(
        "/api/check-ins/", check_in(key_result, value="150", checked_in_at=now - timedelta(days=2))
    )
    assert latest.status_code == 201, latest.json()
    # An older value arrives afterwards: it is history, not the current value.
    older = client.post(
        "/api/check-ins/", check_in(key_result, value="60", checked_in_at=now - timedelta(days=9))
    )
    assert older.status_code == 201, older.json()
    assert older.json()["checked_in_at"] == older.json()["created_at"]

    key_result.refresh_from_db()
    assert key_result.current_value == Decimal(150)
    assert key_result.last_check_in_at == now - timedelta(days=2)
    listed = client.get("/api/check-ins/", {"key_result": key_result.pk}).json()["results"]
    assert [row["value"] for row in listed] == ["150.0000", "60.0000"]


@pytest.mark.parametrize(
    ("moment", "message"),
    [
        (timedelta(days=1), "cannot be in the future"),
        (-timedelta(days=60), "Choose a moment inside"),
    ],
)
def test_a_check_in_in_the_future_or_outside_its_cycle_is_refused(
    api, bob, key_result, moment, message
):
    response = api(bob).post(
        "/api/check-ins/", check_in(key_result, checked_in_at=timezone.now() + moment)
    )
    assert response.status_code == 400
    assert message in str(response.json()["checked_in_at"])
    assert not key_result.check_ins.exists()


def test_a_check_in_in_a_closed_cycle_is_refused_even_to_staff(api, sam, key_result):
    Cycle.objects.filter(pk=key_result.objective.cycle_id).update(state=Cycle.State.CLOSED)
    response = api(sam).post(
        "/api/check-ins/",
        check_in(key_result, checked_in_at=timezone.now() - timedelta(days=3)),
    )
    assert response.status_code == 400
    assert "closed" in str(response.json()["checked_in_at"])
    assert not key_result.check_ins.exists()


def test_a_measurement_sent_again_through_the_single_route_is_an_upsert(api, bob, emea_logistics):
    kpi = KPIFactory(unit=emea_logistics, frequency="weekly")
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday() + 7)
    body = {"kpi": kpi.code, "period": (monday + timedelta(days=2)).isoformat(), "value": "42"}
    client = api(bob)

    first = client.post("/api/measurements/", body)
    assert (first.status_code, first.json()["result"]) == (201, "created")
    assert first.json()["period"] == monday.isoformat()
    same = client.post("/api/measurements/", body)
    assert (same.status_code, same.json()["result"]) == (200, "unchanged")
    changed = client.post("/api/measurements/", {**body, "value": "40.5"})
    assert (changed.status_code, changed.json()["result"]) == (200, "updated")

    [stored] = Measurement.objects.filter(kpi=kpi)
    assert stored.value == Decimal("40.5")
    assert [row.value for row in stored.history.order_by("history_id")] == [
        Decimal(42),
        Decimal("40.5"),
    ]


def test_a_viewer_does_not_send_measurements_again(api, bob, vera, emea_logistics):
    kpi = KPIFactory(unit=emea_logistics, owner=bob)
    MeasurementFactory(kpi=kpi, period=date(2026, 11, 1), value=Decimal(95))
    response = api(vera).post(
        "/api/measurements/", {"kpi": kpi.code, "period": "2026-11-01", "value": "1"}
    )
    assert response.status_code == 403
    assert Measurement.objects.get(kpi=kpi).value == Decimal(95)


def test_filters_take_the_codes_that_bodies_use_and_ids_too(
    api, alice, charlie, emea, apac, quarter
):
    objective = ObjectiveFactory(unit=emea, cycle=quarter, owner=alice)
    kpi = KPIFactory(unit=emea, code="emea-otd")
    intervention = InterventionFactory(kpi=kpi, objective=objective)
    client = api(alice)

    for value in ("emea-otd", kpi.pk):
        found = client.get("/api/interventions/", {"kpi": value}).json()["results"]
        assert [row["id"] for row in found] == [intervention.pk]
    for query in ({"unit": "emea"}, {"unit": emea.pk}, {"cycle": quarter.code}, {"owner": "alice"}):
        found = client.get("/api/objectives/", query).json()["results"]
        assert [row["id"] for row in found] == [objective.pk], query
    assert client.get("/api/measurements/", {"kpi": "emea-otd"}).status_code == 200
    assert client.get("/api/kpis/", {"unit": "emea"}).json()["count"] == 1
    tension = TensionFactory(objective=objective, kpi=kpi)
    found = client.get("/api/tensions/", {"kpi": "emea-otd"}).json()["results"]
    assert [row["id"] for row in found] == [tension.pk]
    meeting = ReviewMeetingFactory(unit=emea, cycle=quarter)
    found = client.get("/api/reviews/", {"unit": "emea", "cycle": quarter.code}).json()["results"]
    assert [row["id"] for row in found] == [meeting.pk]
    found = client.get("/api/org-units/", {"parent": "helix"}).json()["results"]
    assert [row["code"] for row in found] == ["emea"]  # APAC is out of her sight


def test_a_code_out_of_sight_is_as_unknown_as_a_typo(api, charlie, emea):
    KPIFactory(unit=emea, code="emea-otd")
    hidden = api(charlie).get("/api/interventions/", {"kpi": "emea-otd"})
    typo = api(charlie).get("/api/interventions/", {"kpi": "emea-otx"})
    assert hidden.status_code == typo.status_code == 400
    assert hidden.json() == {"kpi": ["Nothing you see has the code or id “emea-otd”."]}
    assert api(charlie).get("/api/objectives/", {"unit": "emea"}).status_code == 400


def test_the_schema_answers_json_when_asked(api, alice):
    response = api(alice).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    schema = response.json()
    assert "/api/v1/kpis/" in schema["paths"]
    assert not [path for path in schema["paths"] if not path.startswith("/api/v1/")]
    yaml = api(alice).get("/api/schema/")
    assert yaml["Content-Type"].startswith("application/vnd.oai.openapi")


def test_v1_is_the_canonical_address_and_api_its_alias(api, alice, emea_objective):
    canonical = api(alice).get(f"/api/v1/objectives/{emea_objective.pk}/")
    alias = api(alice).get(f"/api/objectives/{emea_objective.pk}/")
    assert canonical.status_code == alias.status_code == 200
    assert canonical.json() == alias.json()
    assert alias.json()["url"] == f"http://testserver/api/v1/objectives/{emea_objective.pk}/"
    assert api(alice).get("/api/v1/nothing-here/").status_code == 404
    assert api(alice).get("/api/v1/nothing-here/").json()["detail"]


def test_an_identifier_with_a_percent_sign_is_named_back_as_sent(api, alice):
    response = api(alice).get("/api/kpis/", {"owner": "100%s"})
    assert response.status_code == 400
    assert response.json() == {"owner": ["“100%s” is not a code, a username or an id."]}


def test_a_filter_value_no_code_can_hold_is_refused_before_it_reaches_the_database(api, alice):
    for value in ["two words", "nul\x00byte", "emoji\u2728"]:
        response = api(alice).get("/api/kpis/", {"owner": value})
        assert response.status_code == 400, value
        assert list(response.json()) == ["owner"]


def test_a_filter_given_without_a_value_is_refused_rather_than_ignored(api, alice):
    response = api(alice).get("/api/v1/objectives/", {"cycle": ""})
    assert response.status_code == 400
    assert response.json() == {"cycle": ["Give a value, or leave the parameter out."]}


def test_an_id_no_database_holds_is_refused_rather_than_overflowing(api, alice):
    response = api(alice).get("/api/check-ins/", {"key_result": 10**30})
    assert response.status_code == 400
    assert list(response.json()) == ["key_result"]


def test_a_digit_that_is_not_ascii_is_a_code_that_nothing_has_not_an_id(api, alice, emea):
    # "¹" counts as a digit for str.isdigit(), which int() refuses: it was a 500.
    for value in ["¹", "¹\x1e", "٣"]:
        response = api(alice).get("/api/measurements/", {"kpi": value})
        assert response.status_code == 400, value
        assert list(response.json()) == ["kpi"]
    by_id = api(alice).get("/api/objectives/", {"unit": str(emea.pk)})
    assert by_id.status_code == 200
