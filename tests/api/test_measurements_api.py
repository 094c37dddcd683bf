"""/api/measurements/: one value, or batches of up to 10,000 that are atomic and idempotent."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from kpis.health import Frequency
from kpis.models import KPI, Measurement
from objectives.models import CheckIn
from tests.factories import KeyResultFactory, KPIFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db

BULK = "/api/measurements/bulk/"


@pytest.fixture
def throughput(emea_logistics, bob):
    return KPIFactory(
        code="emea-throughput",
        name="Throughput",
        unit=emea_logistics,
        owner=bob,
        frequency=Frequency.WEEKLY,
        target=Decimal(50000),
        warning_threshold=Decimal(48000),
        critical_threshold=Decimal(45000),
    )


def monday(weeks_ago: int) -> date:
    today = timezone.localdate()
    return today - timedelta(days=today.weekday(), weeks=weeks_ago)


def a_month(kpi_code: str, start: int = 51000) -> list[dict]:
    return [
        {"kpi": kpi_code, "period": monday(weeks).isoformat(), "value": str(start - 500 * weeks)}
        for weeks in range(4, 0, -1)
    ]


def test_one_measurement_is_stored_on_its_periods_first_day(api, bob, throughput):
    wednesday = monday(1) + timedelta(days=2)
    response = api(bob).post(
        "/api/measurements/", {"kpi": "emea-throughput", "period": str(wednesday), "value": "47000"}
    )
    assert response.status_code == 201, response.json()
    assert response.json()["period"] == monday(1).isoformat()
    assert response.json()["source"] == "api"
    throughput.refresh_from_db()
    assert throughput.health == "warning"


def test_a_batch_is_saved_and_health_follows(api, bob, throughput):
    response = api(bob).post(BULK, {"items": a_month("emea-throughput")}, format="json")

    assert response.status_code == 200, response.json()
    assert response.json() == {"received": 4, "created": 4, "updated": 0, "unchanged": 0}
    throughput.refresh_from_db()
    assert throughput.latest_value == Decimal(50500)
    assert throughput.health == "on_target"


def test_sending_the_same_batch_again_changes_nothing(api, bob, throughput):
    client = api(bob)
    client.post(BULK, {"items": a_month("emea-throughput")}, format="json")
    history = Measurement.history.count()

    again = client.post(BULK, {"items": a_month("emea-throughput")}, format="json")

    assert again.json() == {"received": 4, "created": 0, "updated": 0, "unchanged": 4}
    assert Measurement.history.count() == history


def test_a_changed_value_updates_its_period_and_keeps_the_old_one_in_history(api, bob, throughput):
    client = api(bob)
    client.post(BULK, {"items": a_month("emea-throughput")}, format="json")
    changed = a_month("emea-throughput", start=40000)[-1:]

    response = client.post(BULK, {"items": changed}, format="json")

    assert response.json()["updated"] == 1
    stored = Measurement.objects.get(kpi=throughput, period=monday(1))
    assert stored.value == Decimal(39500)
    assert list(stored.history.values_list("value", flat=True)) == [
        Decimal(39500),
        Decimal(50500),
    ]


def test_one_bad_item_saves_nothing_and_every_bad_item_is_named(api, bob, throughput, apac):
    foreign = KPIFactory(code="apac-pipeline", unit=apac)
    items = a_month("emea-throughput")
    items[1]["value"] = "lots"
    items[2]["period"] = "21/11/2026"
    items.append({"kpi": "no-such-kpi", "period": monday(1).isoformat(), "value": "1"})
    items.append({"kpi": foreign.code, "period": monday(1).isoformat(), "value": "1"})
    items.append({"kpi": "emea-throughput", "period": monday(-3).isoformat(), "value": "1"})
    items.append({"kpi": "emea-throughput", "period": monday(1).isoformat(), "value": "1e400"})

    response = api(bob).post(BULK, {"items": items}, format="json")

    assert response.status_code == 400
    problems = [(error["index"], error["field"]) for error in response.json()["errors"]]
    assert problems == [
        (1, "value"),
        (2, "period"),
        (4, "kpi"),
        (5, "kpi"),
        (6, "period"),
        (7, "value"),
    ]
    # A KPI out of the person's sight is as unknown as a typo: its name is not told.
    assert response.json()["errors"][3]["message"] == (
        f"There is no KPI with the code “{foreign.code}”."
    )
    assert foreign.name not in response.content.decode()
    assert not Measurement.objects.exists()


def test_a_batch_holds_at_most_ten_thousand(api, bob, throughput):
    items = a_month("emea-throughput") * 2501
    response = api(bob).post(BULK, {"items": items}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "items"


@pytest.mark.parametrize("body", [{}, {"items": "x"}, {"items": [1, 2]}, []])
def test_a_malformed_batch_is_a_clear_error(api, bob, throughput, body):
    response = api(bob).post(BULK, body, format="json")
    assert response.status_code == 400
    assert "errors" in response.json()


def test_a_body_that_is_not_json_is_refused_in_the_same_shape(api, bob, throughput):
    response = api(bob).post(BULK, data=b"\xe5p\n\x9d-", content_type="application/json")
    assert response.status_code == 400
    [problem] = response.json()["errors"]
    assert problem["field"] == "items"
    assert "JSON parse error" in problem["message"]
    assert not Measurement.objects.exists()


def test_a_key_result_driven_by_the_kpi_follows_the_batch(api, bob, throughput, emea_logistics):
    objective = ObjectiveFactory(unit=emea_logistics)
    key_result = KeyResultFactory(
        objective=objective,
        driving_kpi=throughput,
        start_value=Decimal(45000),
        target_value=Decimal(55000),
    )

    api(bob).post(BULK, {"items": a_month("emea-throughput")}, format="json")

    check_in = CheckIn.objects.get(key_result=key_result)
    assert check_in.source == CheckIn.Source.KPI
    assert check_in.value == Decimal(50500)
    key_result.refresh_from_db()
    assert key_result.progress == pytest.approx(0.55)


def test_viewers_do_not_push_measurements(api, vera, throughput):
    response = api(vera).post(BULK, {"items": a_month("emea-throughput")}, format="json")
    assert response.status_code == 400
    assert {error["field"] for error in response.json()["errors"]} == {"kpi"}
    assert not Measurement.objects.exists()


def test_measurements_are_listed_by_kpi_code_and_period(api, bob, throughput):
    client = api(bob)
    client.post(BULK, {"items": a_month("emea-throughput")}, format="json")
    body = client.get(
        "/api/measurements/", {"kpi": "emea-throughput", "period_after": monday(2).isoformat()}
    ).json()
    assert [row["period"] for row in body["results"]] == [
        monday(2).isoformat(),
        monday(1).isoformat(),
    ]
    assert KPI.objects.get(code="emea-throughput").latest_period == monday(1)


def test_permission_comes_before_validation_and_unseen_kpis_are_unknown(
    api, bob, vera, charlie, throughput
):
    api(bob).post(
        "/api/measurements/",
        {"kpi": "emea-throughput", "period": monday(1).isoformat(), "value": "50000"},
        format="json",
    )
    again = {"kpi": "emea-throughput", "period": monday(1).isoformat(), "value": "not a number"}

    # Vera sees the KPI but records nothing: refused before her input is looked at.
    refused = api(vera).post("/api/measurements/", again, format="json")
    assert refused.status_code == 403
    assert "number" not in refused.content.decode()
    # Charlie does not see it: to him it does not exist, and nothing about it is told.
    unknown = api(charlie).post("/api/measurements/", again, format="json")
    assert unknown.status_code == 400
    assert set(unknown.json()) == {"kpi", "value"}
    assert throughput.name not in unknown.content.decode()
    assert Measurement.objects.count() == 1


def test_a_new_note_updates_a_period_an_empty_one_keeps_it_and_the_last_of_twins_counts(
    api, bob, throughput
):
    client = api(bob)
    item = {"kpi": "emea-throughput", "period": monday(1).isoformat(), "value": "47000"}
    client.post(BULK, {"items": [{**item, "note": "Strike at the port"}]}, format="json")

    again = client.post(BULK, {"items": [{**item, "note": ""}]}, format="json")
    assert again.json() == {"received": 1, "created": 0, "updated": 0, "unchanged": 1}

    renote = client.post(BULK, {"items": [{**item, "note": "Port open again"}]}, format="json")
    assert renote.json()["updated"] == 1
    assert Measurement.objects.get(kpi=throughput, period=monday(1)).note == "Port open again"

    twins = [{**item, "value": "46000"}, {**item, "value": "48500"}]
    assert client.post(BULK, {"items": twins}, format="json").json()["updated"] == 1
    stored = Measurement.objects.get(kpi=throughput, period=monday(1))
    assert (stored.value, stored.note) == (Decimal(48500), "Port open again")
    assert [row.history_type for row in stored.history.order_by("history_id")] == ["+", "~", "~"]
