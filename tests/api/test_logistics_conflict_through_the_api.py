"""The acceptance case of an integrator: the logistics conflict built through the API alone.

Alice manages EMEA and pursues "Reduce last-mile delivery cost by 15%"; Bob, in EMEA Logistics,
owns the throughput KPI that must hold meanwhile. Alice's system loads six weeks of history —
the cost falling week by week, the throughput sliding — and the last week breaches the KPI's
warning threshold. The API then flags the possible conflict on both the objective and the KPI,
and exactly one intervention is open, for both owners.

Every write commits as in production (the tasks after commit run eagerly, in-process).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from okrplatform.org.models import Membership
from tests.factories import MembershipFactory, OrgUnitFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

WEEK = timedelta(weeks=1)
# Cost per parcel, six and one weeks ago and the weeks between: 4.00 → 3.40 is the aim.
COSTS = ["3.97", "3.90", "3.82", "3.74", "3.66", "3.58"]
# Throughput, five weeks ago to this week: the last one below the warning threshold.
THROUGHPUT = ["12500", "12400", "12300", "12000", "11600", "10600"]


def created(response) -> dict:
    assert response.status_code == 201, response.json()
    return response.json()


def test_the_logistics_conflict_built_through_the_api_alone(api, alice, bob, emea, this_quarter):
    client = api(alice)
    cycle = client.get("/api/v1/cycles/", {"code": this_quarter.code}).json()["results"][0]

    objective = created(
        client.post(
            "/api/v1/objectives/",
            {
                "title": "Reduce last-mile delivery cost by 15%",
                "unit": "emea",
                "cycle": cycle["code"],
                "owner": "alice",
                "perspective": "financial",
            },
        )
    )
    key_result = created(
        client.post(
            "/api/v1/key-results/",
            {
                "objective": objective["id"],
                "title": "Cost per parcel",
                "owner": "alice",
                "metric_type": "currency",
                "direction": "decrease",
                "start_value": "4.00",
                "target_value": "3.40",
            },
        )
    )
    kpi = created(
        client.post(
            "/api/v1/kpis/",
            {
                "code": "emea-delivery-throughput",
                "name": "Delivery volume throughput",
                "unit": "emea-logistics",
                "owner": "bob",
                "unit_label": "parcels/day",
                "direction": "higher",
                "frequency": "weekly",
                "target": "12000",
                "warning_threshold": "11000",
                "critical_threshold": "10000",
                "indicator": "lead",
                "perspective": "internal_process",
                "source": "api",
            },
        )
    )
    created(
        client.post(
            "/api/v1/kpi-links/",
            {"kpi": kpi["code"], "objective": objective["id"], "kind": "guards"},
            format="json",
        )
    )

    now = timezone.now()
    for weeks_ago, cost in zip(range(6, 0, -1), COSTS, strict=True):
        created(
            client.post(
                "/api/v1/check-ins/",
                {
                    "key_result": key_result["id"],
                    "value": cost,
                    "confidence": 7,
                    "note": "Denser routes, fewer failed first attempts.",
                    "checked_in_at": (now - weeks_ago * WEEK).isoformat(),
                },
                format="json",
            )
        )
    today = timezone.localdate()
    for weeks_ago, value in zip(range(5, 0, -1), THROUGHPUT[:-1], strict=True):
        period = (today - weeks_ago * WEEK).isoformat()
        measurement = {"kpi": kpi["code"], "period": period, "value": value}
        assert created(client.post("/api/v1/measurements/", measurement))["result"] == "created"
    # This week: first a healthy estimate, then the real figure sent again for the same period.
    this_week = {"kpi": kpi["code"], "period": today.isoformat()}
    assert created(client.post("/api/v1/measurements/", {**this_week, "value": "11900"}))
    breach = client.post("/api/v1/measurements/", {**this_week, "value": THROUGHPUT[-1]})
    assert (breach.status_code, breach.json()["result"]) == (200, "updated")
    again = client.post("/api/v1/measurements/", {**this_week, "value": THROUGHPUT[-1]})
    assert (again.status_code, again.json()["result"]) == (200, "unchanged")

    seen_objective = client.get(f"/api/v1/objectives/{objective['id']}/").json()
    [conflict] = seen_objective["possible_conflicts"]
    assert conflict["kpi"] == "emea-delivery-throughput"
    assert conflict["progress_then"] == pytest.approx(0.3)  # 3.82 four weeks ago
    assert conflict["progress_now"] == pytest.approx(0.7)  # 3.58 last week
    assert (conflict["kpi_then"], conflict["kpi_now"]) == ("12400.0000", "10600.0000")

    seen_kpi = client.get(f"/api/v1/kpis/{kpi['id']}/").json()
    assert (seen_kpi["health"], seen_kpi["trend"]) == ("warning", "worsening")
    assert [found["objective"] for found in seen_kpi["possible_conflicts"]] == [objective["id"]]
    listed = client.get("/api/v1/objectives/", {"unit": "emea", "cycle": cycle["code"]}).json()
    assert [row["possible_conflicts"][0]["kpi"] for row in listed["results"]] == [kpi["code"]]

    interventions = client.get("/api/v1/interventions/", {"kpi": kpi["code"]}).json()
    assert interventions["count"] == 1
    [intervention] = interventions["results"]
    assert intervention["objective"] == objective["id"]
    assert intervention["state"] == "open"
    assert sorted(intervention["assignees"]) == ["alice", "bob"]
    # Bob, the KPI's owner, sees it too with his own token, whichever identifier he filters by.
    for identifier in (kpi["code"], kpi["id"]):
        his = api(bob).get("/api/interventions/", {"kpi": identifier}).json()
        assert [row["id"] for row in his["results"]] == [intervention["id"]]

    # Bob sees the objective above his unit and his KPI: the conflict, on both, on the lists too.
    his_objectives = api(bob).get("/api/objectives/", {"unit": "emea"}).json()["results"]
    assert [row["possible_conflicts"][0]["kpi"] for row in his_objectives] == [kpi["code"]]
    his_kpis = api(bob).get("/api/kpis/", {"code": kpi["code"]}).json()["results"]
    assert [row["possible_conflicts"][0]["objective"] for row in his_kpis] == [objective["id"]]
    # EMEA Sales sees the objective (EMEA is above it) but not Logistics' KPI: no conflict
    # names a KPI it does not see, on the list or the objective itself.
    sales = OrgUnitFactory(name="EMEA Sales", code="emea-sales", parent=emea)
    seller = UserFactory(username="selma")
    MembershipFactory(user=seller, unit=sales, role=Membership.Role.CONTRIBUTOR)
    hers = api(seller).get("/api/objectives/", {"unit": "emea"}).json()["results"]
    assert [(row["id"], row["possible_conflicts"]) for row in hers] == [(objective["id"], [])]
    assert api(seller).get(f"/api/objectives/{objective['id']}/").json()["possible_conflicts"] == []
