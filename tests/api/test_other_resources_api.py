"""Units, cycles, initiatives, KPIs, interventions, tensions, reviews and decisions over the API."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook

from alignment.models import Tension
from objectives.models import Intervention
from reviews.models import Decision
from tests.factories import (
    InitiativeFactory,
    InterventionFactory,
    KPIFactory,
    ObjectiveFactory,
    ReviewMeetingFactory,
    TensionFactory,
)

pytestmark = pytest.mark.django_db


def results(response) -> list[dict]:
    assert response.status_code == 200, response.json()
    return response.json()["results"]


def test_units_are_the_ones_one_sees_with_links_to_their_summary(api, bob, emea, apac):
    codes = {row["code"] for row in results(api(bob).get("/api/org-units/"))}
    assert codes == {"helix", "emea", "emea-logistics"}, "their unit, below and above"
    emea_row = api(bob).get(f"/api/org-units/{emea.pk}/").json()
    assert emea_row["parent"] == "helix"
    assert emea_row["summary_url"].endswith(f"/api/v1/org-units/{emea.pk}/summary/")
    assert api(bob).get(f"/api/org-units/{apac.pk}/").status_code == 404


def test_cycles_carry_their_expected_progress(api, vera, quarter):
    [row] = results(api(vera).get("/api/cycles/"))
    assert row["code"] == quarter.code
    assert 0 <= row["expected_progress"] <= 1


def test_a_unit_exports_its_okrs_as_xlsx_and_csv(api, alice, emea, quarter, emea_objective):
    workbook = api(alice).get(f"/api/org-units/{emea.pk}/export/", {"cycle": quarter.pk})
    assert workbook["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(workbook.content))["OKRs"]
    assert sheet["A2"].value == "EMEA on time at 97%"
    text = (
        api(alice)
        .get(f"/api/org-units/{emea.pk}/export/", {"cycle": quarter.pk, "file": "csv"})
        .content.decode()
    )
    assert text.splitlines()[0].startswith("objective,unit,cycle,owner")


def test_initiatives_are_changed_by_managers_of_their_unit(api, alice, bob, emea, quarter):
    initiative = InitiativeFactory(unit=emea, cycle=quarter, owner=alice, title="Routes")
    url = f"/api/initiatives/{initiative.pk}/"
    refused = api(bob).patch(url, {"state": "done", "version": initiative.version})
    assert refused.status_code == 403
    done = api(alice).patch(url, {"state": "done", "version": initiative.version})
    assert done.status_code == 200
    assert done.json()["state"] == "done"


def test_kpis_are_read_with_their_health(api, vera, emea):
    kpi = KPIFactory(unit=emea, code="otd-emea", health="warning")
    [row] = results(api(vera).get("/api/kpis/", {"code": "otd-emea"}))
    assert (row["code"], row["health"], row["health_label"]) == ("otd-emea", "warning", "Warning")
    assert kpi.pk == row["id"]
    # A viewer reads KPIs but does not define them (tests/api/test_kpi_writes_api.py).
    assert api(vera).delete(f"/api/kpis/{kpi.pk}/").status_code == 403


def test_interventions_are_acknowledged_and_resolved_by_those_on_them(
    api, alice, vera, emea, quarter
):
    objective = ObjectiveFactory(unit=emea, cycle=quarter, owner=alice)
    intervention = InterventionFactory(kpi=KPIFactory(unit=emea), objective=objective)
    intervention.assignees.add(alice)
    url = f"/api/interventions/{intervention.pk}/"

    assert api(vera).post(url + "acknowledge/").status_code == 403
    assert api(alice).post(url + "acknowledge/").json()["state"] == "acknowledged"
    assert api(alice).post(url + "notes/", {"text": ""}).status_code == 400
    resolved = api(alice).post(url + "resolve/", {"text": "Routes are back."})
    assert resolved.json()["state"] == "resolved"
    assert Intervention.objects.get().notes.get().text == "Routes are back."


def test_a_tension_is_decided_over_the_api(api, alice, vera, emea, quarter):
    tension = TensionFactory(
        objective=ObjectiveFactory(unit=emea, cycle=quarter), kpi=KPIFactory(unit=emea)
    )
    url = f"/api/tensions/{tension.pk}/decide/"
    assert api(vera).post(url, {"trade_off": "Cost first"}).status_code == 403
    assert api(alice).post(url, {"trade_off": ""}).status_code == 400
    decided = api(alice).post(url, {"trade_off": "Cost first until May."})
    assert decided.json()["state"] == "decided"
    assert Tension.objects.get().decision is not None


def test_decisions_are_recorded_in_a_review_by_its_managers(api, alice, vera, emea, quarter):
    review = ReviewMeetingFactory(unit=emea, cycle=quarter)
    kpi = KPIFactory(unit=emea, code="otd-emea")
    payload = {"review": review.pk, "title": "Add a second carrier", "kpis": ["otd-emea"]}

    assert api(vera).post("/api/decisions/", payload).status_code == 403
    made = api(alice).post("/api/decisions/", payload)

    assert made.status_code == 201, made.json()
    assert made.json()["decided_by"] == "alice"
    assert list(Decision.objects.get().kpis.all()) == [kpi]
    [row] = results(api(vera).get("/api/reviews/"))
    assert row["unit"] == "emea"


def test_a_decision_about_a_kpi_outside_the_review_is_refused(api, alice, emea, apac, quarter):
    review = ReviewMeetingFactory(unit=emea, cycle=quarter)
    KPIFactory(unit=apac, code="apac-pipeline")
    response = api(alice).post(
        "/api/decisions/", {"review": review.pk, "title": "x", "kpis": ["apac-pipeline"]}
    )
    assert response.status_code == 400
    assert "kpis" in response.json()
