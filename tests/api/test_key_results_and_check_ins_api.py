"""/api/key-results/ and /api/check-ins/: key results change with their objective's rules;
check-ins are a record, made by those who may check in."""

from __future__ import annotations

from decimal import Decimal

import pytest

from objectives.models import CheckIn, KeyResult
from tests.factories import CheckInFactory, KeyResultFactory

pytestmark = pytest.mark.django_db


def key_result_payload(objective, **fields) -> dict:
    return {
        "objective": objective.pk,
        "title": "Late orders halved",
        "owner": "bob",
        "metric_type": "number",
        "direction": "decrease",
        "start_value": "120",
        "target_value": "60",
        **fields,
    }


def test_a_manager_adds_a_key_result(api, alice, bob, emea_objective):
    response = api(alice).post("/api/key-results/", key_result_payload(emea_objective))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["progress"] == 0
    assert body["status"] == "not_started"
    assert body["objective_url"].endswith(f"/api/v1/objectives/{emea_objective.pk}/")


def test_a_target_that_goes_the_wrong_way_is_refused_field_by_field(
    api, alice, bob, emea_objective
):
    response = api(alice).post(
        "/api/key-results/", key_result_payload(emea_objective, direction="increase")
    )
    assert response.status_code == 400
    assert "To increase, the target must be above the start value." in str(response.json())
    assert KeyResult.objects.filter(title="Late orders halved").count() == 0


def test_yes_no_key_results_need_no_numbers(api, alice, bob, emea_objective):
    response = api(alice).post(
        "/api/key-results/",
        {
            "objective": emea_objective.pk,
            "title": "Carrier signed",
            "owner": "bob",
            "metric_type": "boolean",
            "target_value": "1",
        },
    )
    assert response.status_code == 201, response.json()
    assert (response.json()["start_value"], response.json()["target_value"]) == ("0.0000", "1.0000")


def test_contributors_do_not_change_key_results(api, bob, emea_objective):
    key_result = emea_objective.key_results.get()
    response = api(bob).patch(
        f"/api/key-results/{key_result.pk}/", {"title": "Mine", "version": key_result.version}
    )
    assert response.status_code == 403
    assert api(bob).post("/api/key-results/", key_result_payload(emea_objective)).status_code == 403


def test_a_key_result_with_check_ins_is_not_deleted(api, alice, emea_objective):
    key_result = emea_objective.key_results.get()
    response = api(alice).delete(f"/api/key-results/{key_result.pk}/")
    assert response.status_code == 409  # what exists (its check-ins) stands in the way
    assert response.json() == {"detail": "It has check-ins, which are a record: keep it."}
    assert KeyResult.objects.filter(pk=key_result.pk).exists()
    fresh = KeyResultFactory(objective=emea_objective)
    assert api(alice).delete(f"/api/key-results/{fresh.pk}/").status_code == 204


def test_the_owner_checks_in_and_the_progress_moves(api, bob, emea_objective):
    key_result = emea_objective.key_results.get()
    KeyResult.objects.filter(pk=key_result.pk).update(owner=bob)  # owners always check in

    response = api(bob).post(
        "/api/check-ins/",
        {"key_result": key_result.pk, "value": "70", "confidence": 8, "note": "Carrier B on board"},
    )

    assert response.status_code == 201, response.json()
    assert response.json()["author"] == "bob"
    assert response.json()["source"] == "api"
    key_result.refresh_from_db()
    assert key_result.progress == pytest.approx(0.7)
    read = api(bob).get(f"/api/key-results/{key_result.pk}/").json()
    assert read["current_value"] == "70.0000"


def test_an_off_track_check_in_needs_a_note(api, bob, emea_objective):
    key_result = emea_objective.key_results.get()
    KeyResult.objects.filter(pk=key_result.pk).update(owner=bob)
    response = api(bob).post(
        "/api/check-ins/", {"key_result": key_result.pk, "value": "1", "confidence": 2}
    )
    assert response.status_code == 400
    assert response.json() == {
        "note": ["With confidence 3 or less, say what blocks this key result."]
    }


def test_viewers_and_outsiders_do_not_check_in(api, vera, charlie, emea_objective):
    key_result = emea_objective.key_results.get()
    assert (
        api(vera)
        .post("/api/check-ins/", {"key_result": key_result.pk, "value": "50", "confidence": 7})
        .status_code
        == 403
    )
    assert (
        api(charlie)
        .post("/api/check-ins/", {"key_result": key_result.pk, "value": "50", "confidence": 7})
        .status_code
        == 403
    )


def test_check_ins_are_a_record(api, sam, emea_objective):
    check_in = CheckInFactory(key_result=emea_objective.key_results.get(), value=Decimal(45))
    client = api(sam)
    assert client.patch(f"/api/check-ins/{check_in.pk}/", {"value": "99"}).status_code == 405
    assert client.delete(f"/api/check-ins/{check_in.pk}/").status_code == 405
    assert CheckIn.objects.get(pk=check_in.pk).value == Decimal(45)
