"""KPIs are defined, changed and archived over the API by the managers of their unit, as the
objectives are; KPI links are made by the managers of the objective's unit."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from kpis.models import KPI
from kpis.rollups import refresh_kpis
from objectives.models import Intervention, KPILink
from tests.factories import (
    KeyResultFactory,
    KPIFactory,
    KPILinkFactory,
    MeasurementFactory,
    ObjectiveFactory,
)

pytestmark = pytest.mark.django_db


def new_kpi(**fields) -> dict:
    return {
        "code": "emea-throughput",
        "name": "Delivery volume throughput",
        "unit": "emea-logistics",
        "owner": "bob",
        "direction": "higher",
        "frequency": "weekly",
        "target": "12000",
        "warning_threshold": "11000",
        "critical_threshold": "10000",
        "indicator": "lead",
        "perspective": "internal_process",
        **fields,
    }


def test_a_manager_defines_a_kpi_of_a_unit_below_hers(api, alice, bob, emea_logistics):
    response = api(alice).post("/api/kpis/", new_kpi(), format="json")

    assert response.status_code == 201, response.json()
    kpi = KPI.objects.get(code="emea-throughput")
    assert (kpi.unit, kpi.owner) == (emea_logistics, bob)
    body = response.json()
    assert (body["health"], body["trend"], body["possible_conflicts"]) == ("no_data", "unknown", [])
    assert body["version"] == kpi.version


@pytest.mark.parametrize("who", ["bob", "vera"])
def test_contributors_and_viewers_do_not_define_kpis(api, who, request, bob, vera):
    person = request.getfixturevalue(who)
    response = api(person).post("/api/kpis/", new_kpi(), format="json")
    assert response.status_code == 403
    assert not KPI.objects.filter(code="emea-throughput").exists()


def test_a_unit_out_of_sight_is_unknown_rather_than_forbidden(api, charlie, bob, emea_logistics):
    response = api(charlie).post("/api/kpis/", new_kpi(), format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["unit"]


def test_thresholds_against_the_direction_are_refused_field_by_field(api, alice, bob):
    response = api(alice).post("/api/kpis/", new_kpi(warning_threshold="13000"), format="json")
    assert response.status_code == 400
    assert "warning_threshold" in response.json()
    taken = KPIFactory(code="taken")
    assert api(alice).post("/api/kpis/", new_kpi(code=taken.code)).status_code == 409


def test_a_change_needs_the_version_read_and_new_thresholds_move_the_health(
    api, alice, emea_logistics
):
    kpi = KPIFactory(
        unit=emea_logistics,
        direction="higher",
        target=Decimal(100),
        warning_threshold=Decimal(90),
        critical_threshold=Decimal(80),
    )
    MeasurementFactory(kpi=kpi, period=date.today().replace(day=1), value=Decimal(95))
    url = f"/api/kpis/{kpi.pk}/"
    read = api(alice).get(url).json()

    without = api(alice).patch(url, {"warning_threshold": "96"}, format="json")
    assert without.status_code == 400
    assert "version" in without.json()

    changed = api(alice).patch(
        url, {"warning_threshold": "96", "version": read["version"]}, format="json"
    )
    assert changed.status_code == 200, changed.json()
    assert changed.json()["health"] == "warning"

    stale = api(alice).patch(url, {"name": "Late", "version": read["version"]}, format="json")
    assert stale.status_code == 409
    assert "Alice Martin" in stale.json()["detail"]


def test_a_contributor_does_not_change_a_kpi_and_an_outsider_does_not_see_it(
    api, bob, charlie, emea_logistics
):
    kpi = KPIFactory(unit=emea_logistics)
    url = f"/api/kpis/{kpi.pk}/"
    assert api(bob).patch(url, {"name": "x", "version": kpi.version}).status_code == 403
    assert api(charlie).patch(url, {"name": "x", "version": kpi.version}).status_code == 404
    assert api(charlie).delete(url).status_code == 404
    assert KPI.objects.get(pk=kpi.pk).name == kpi.name


def test_archiving_a_kpi_keeps_it_and_its_measurements(api, alice, emea_logistics):
    kpi = KPIFactory(unit=emea_logistics)
    MeasurementFactory(kpi=kpi)
    assert api(alice).delete(f"/api/kpis/{kpi.pk}/").status_code == 204
    kpi.refresh_from_db()
    assert (kpi.is_active, kpi.measurements.count()) == (False, 1)


def test_an_archived_kpi_is_gone_from_its_route_and_the_list_until_asked_for(
    api, alice, emea_logistics
):
    kept, archived = KPIFactory(unit=emea_logistics), KPIFactory(unit=emea_logistics)
    client = api(alice)
    url = f"/api/kpis/{archived.pk}/"
    before = client.get(url).json()["updated_at"]
    client.delete(url)

    assert client.get(url).status_code == 404
    assert client.patch(url, {"name": "x", "version": archived.version}).status_code == 404

    def listed(**query) -> list[tuple[int, bool]]:
        rows = client.get("/api/kpis/", query).json()["results"]
        return [(row["id"], row["archived"]) for row in rows]

    assert listed() == [(kept.pk, False)]
    assert listed(archived="true") == [(archived.pk, True)]
    assert listed(archived="false") == [(kept.pk, False)]
    (row,) = client.get("/api/kpis/", {"archived": "true"}).json()["results"]
    assert row["updated_at"] > before


def test_a_manager_restores_an_archived_kpi_and_a_contributor_does_not(
    api, alice, bob, emea_logistics
):
    kpi = KPIFactory(unit=emea_logistics)
    MeasurementFactory(kpi=kpi)
    api(alice).delete(f"/api/kpis/{kpi.pk}/")
    assert api(bob).post(f"/api/kpis/{kpi.pk}/restore/").status_code == 403

    restored = api(alice).post(f"/api/kpis/{kpi.pk}/restore/")
    assert restored.status_code == 200
    assert (restored.json()["archived"], restored.json()["is_active"]) == (False, True)
    assert api(alice).get(f"/api/kpis/{kpi.pk}/").status_code == 200


def test_the_trend_follows_the_last_two_measurements_and_the_direction(api, vera, emea):
    cost = KPIFactory(
        unit=emea,
        direction="lower",
        target=Decimal(3),
        warning_threshold=Decimal(4),
        critical_threshold=Decimal(5),
    )
    MeasurementFactory(kpi=cost, period=date(2026, 9, 1), value=Decimal("3.9"))
    MeasurementFactory(kpi=cost, period=date(2026, 10, 1), value=Decimal("3.5"))
    refresh_kpis({cost.pk})
    body = api(vera).get(f"/api/kpis/{cost.pk}/").json()
    assert (body["trend"], body["trend_label"]) == ("improving", "improving")


def test_a_manager_links_a_guard_kpi_and_a_breach_opens_one_intervention(
    api, alice, bob, emea, emea_logistics, quarter, django_capture_on_commit_callbacks
):
    objective = ObjectiveFactory(unit=emea, cycle=quarter, owner=alice)
    kpi = KPIFactory(unit=emea_logistics, owner=bob, health="critical", latest_value=Decimal(1))
    kpi.latest_period = date(2026, 11, 1)
    kpi.save()
    body = {"kpi": kpi.code, "objective": objective.pk, "kind": "guards"}

    with django_capture_on_commit_callbacks(execute=True):
        response = api(alice).post("/api/kpi-links/", body, format="json")

    assert response.status_code == 201, response.json()
    assert KPILink.objects.filter(kpi=kpi, objective=objective, kind="guards").exists()
    [intervention] = Intervention.objects.filter(kpi=kpi, objective=objective)
    assert {person.username for person in intervention.assignees.all()} == {"alice", "bob"}
    assert api(alice).post("/api/kpi-links/", body, format="json").status_code == 409
    listed = api(bob).get("/api/kpi-links/", {"kpi": kpi.code}).json()
    assert [row["id"] for row in listed["results"]] == [response.json()["id"]]


def test_kpi_links_are_refused_to_contributors_and_unknown_to_outsiders(
    api, bob, charlie, emea, emea_logistics, quarter, alice
):
    objective = ObjectiveFactory(unit=emea, cycle=quarter, owner=alice)
    kpi = KPIFactory(unit=emea_logistics)
    body = {"kpi": kpi.code, "objective": objective.pk, "kind": "leads"}
    assert api(bob).post("/api/kpi-links/", body, format="json").status_code == 403
    refused = api(charlie).post("/api/kpi-links/", body, format="json")
    assert refused.status_code == 400
    assert set(refused.json()) == {"kpi", "objective"}
    link = KPILinkFactory(kpi=kpi, objective=objective)
    assert api(bob).delete(f"/api/kpi-links/{link.pk}/").status_code == 403
    assert api(charlie).delete(f"/api/kpi-links/{link.pk}/").status_code == 404
    assert api(alice).delete(f"/api/kpi-links/{link.pk}/").status_code == 204
    assert not KPILink.objects.filter(pk=link.pk).exists()


def test_a_key_result_is_driven_only_by_a_kpi_its_manager_sees(api, alice, emea, apac, quarter):
    key_result = KeyResultFactory(objective=ObjectiveFactory(unit=emea, cycle=quarter))
    hidden = KPIFactory(unit=apac)
    url = f"/api/key-results/{key_result.pk}/"
    refused = api(alice).patch(
        url, {"driving_kpi": hidden.code, "version": key_result.version}, format="json"
    )
    assert refused.status_code == 400
    assert list(refused.json()) == ["driving_kpi"]
    seen = KPIFactory(unit=emea)
    driven = api(alice).patch(
        url, {"driving_kpi": seen.code, "version": key_result.version}, format="json"
    )
    assert driven.status_code == 200, driven.json()
    assert driven.json()["driving_kpi"] == seen.code
