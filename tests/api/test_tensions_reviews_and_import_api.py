"""Tensions are recorded and reviews planned over the API with the pages' rules, and the OKR
spreadsheet import runs as one operation: a dry run answers the preview's plan and saves
nothing; without it the plan is applied, all or nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from alignment.models import Tension
from objectives.models import Cycle, KeyResult, Objective
from okrplatform.org.models import Notification
from reviews.models import ReviewMeeting
from tests.factories import KeyResultFactory, KPIFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "objective,unit,cycle,owner,level,kind,perspective,parent,parent_unit,parent_cycle,"
    "key_result,kr_owner,metric,unit_of_measure,direction,start,target"
)


def okr_sheet(*rows: str) -> SimpleUploadedFile:
    text = "\n".join([HEADER, *rows]) + "\n"
    return SimpleUploadedFile("okrs.csv", text.encode(), content_type="text/csv")


ROW = (
    "EMEA on time,emea,2026-q4,alice,quarterly,committed,customer,,,,"
    "On-time delivery,,percentage,%,increase,91%,{target}"
)


def test_a_manager_of_the_kpis_side_records_a_tension(api, alice, bob, emea, apac, quarter):
    objective = ObjectiveFactory(unit=emea, cycle=quarter, owner=alice)
    key_result = KeyResultFactory(objective=objective)
    kpi = KPIFactory(unit=emea, owner=bob)
    body = {
        "objective": objective.pk,
        "key_result": key_result.pk,
        "kpi": kpi.code,
        "description": "Cheaper routes mean fewer drops a day at peak.",
    }
    response = api(alice).post("/api/tensions/", body)
    assert response.status_code == 201, response.json()
    tension = Tension.objects.get()
    assert (tension.state, tension.raised_by) == ("open", alice)
    assert Notification.objects.filter(recipient=bob).exists()
    decided = api(alice).post(f"/api/tensions/{tension.pk}/decide/", {"trade_off": "Volume wins."})
    assert decided.json()["state"] == "decided"


def test_tensions_are_refused_to_contributors_and_unknown_to_outsiders(
    api, alice, bob, charlie, emea, quarter
):
    objective = ObjectiveFactory(unit=emea, cycle=quarter, owner=alice)
    kpi = KPIFactory(unit=emea)
    body = {"objective": objective.pk, "kpi": kpi.code, "description": "Pulls apart."}
    assert api(bob).post("/api/tensions/", body).status_code == 403
    unseen = api(charlie).post("/api/tensions/", body)
    assert (unseen.status_code, set(unseen.json())) == (400, {"objective", "kpi"})
    other = KeyResultFactory(objective=ObjectiveFactory(unit=emea, cycle=quarter))
    mismatched = api(alice).post("/api/tensions/", {**body, "key_result": other.pk})
    assert (mismatched.status_code, list(mismatched.json())) == (400, ["key_result"])
    assert not Tension.objects.exists()


def review(**fields) -> dict:
    return {
        "unit": "emea",
        "cycle": "2026-q4",
        "title": "EMEA quarterly review",
        "scheduled_for": (timezone.now() + timedelta(days=7)).isoformat(),
        "location": "Munich",
        "facilitator": "alice",
        "participants": ["alice", "bob"],
        **fields,
    }


def test_a_manager_plans_a_review_of_her_unit(api, alice, bob, quarter):
    response = api(alice).post("/api/reviews/", review(), format="json")
    assert response.status_code == 201, response.json()
    meeting = ReviewMeeting.objects.get()
    assert (meeting.unit.code, meeting.cycle, meeting.facilitator) == ("emea", quarter, alice)
    assert sorted(response.json()["participants"]) == ["alice", "bob"]


def test_reviews_are_planned_by_managers_only_and_never_for_a_closed_cycle(
    api, alice, bob, vera, charlie, quarter
):
    assert api(vera).post("/api/reviews/", review(), format="json").status_code == 403
    assert (
        api(bob).post("/api/reviews/", review(unit="emea-logistics"), format="json").status_code
        == 403
    )
    unseen = api(charlie).post("/api/reviews/", review(), format="json")
    assert (unseen.status_code, list(unseen.json())) == (400, ["unit"])
    Cycle.objects.filter(pk=quarter.pk).update(state=Cycle.State.CLOSED)
    closed = api(alice).post("/api/reviews/", review(), format="json")
    assert (closed.status_code, list(closed.json())) == (400, ["cycle"])
    assert not ReviewMeeting.objects.exists()


def test_a_dry_run_answers_the_preview_plan_and_saves_nothing(api, alice, emea, quarter):
    objective = ObjectiveFactory(title="EMEA on time", unit=emea, cycle=quarter, owner=alice)
    KeyResultFactory(
        objective=objective,
        title="On-time delivery",
        owner=alice,
        metric_type="percentage",
        unit_label="%",
        start_value=91,
        target_value=97,
    )
    new = "Dock to stock,emea,2026-q4,alice,quarterly,committed,customer,,,,Hours,,number,h,,40,24"

    response = api(alice).post(
        "/api/imports/okrs/",
        {"file": okr_sheet(ROW.format(target="98%"), new), "dry_run": "true"},
        format="multipart",
    )

    assert response.status_code == 200, response.json()
    plan = response.json()
    assert (plan["dry_run"], plan["applied"]) == (True, False)
    assert (plan["created"], plan["updated"], plan["unchanged"]) == (2, 1, 1)
    [update] = [change for change in plan["changes"] if change["action"] == "update"]
    assert (update["row"], update["details"]) == (2, ["target: 97 → 98"])
    assert plan["errors"] == []
    assert KeyResult.objects.get(title="On-time delivery").target_value == 97
    assert not Objective.objects.filter(title="Dock to stock").exists()


def test_without_a_dry_run_the_plan_is_applied(api, alice, emea, quarter):
    response = api(alice).post(
        "/api/imports/okrs/", {"file": okr_sheet(ROW.format(target="97%"))}, format="multipart"
    )
    assert response.status_code == 200, response.json()
    assert (response.json()["applied"], response.json()["created"]) == (True, 2)
    assert KeyResult.objects.get(title="On-time delivery").objective.unit == emea


def test_one_bad_row_and_nothing_is_imported(api, alice, emea, quarter):
    rows = (
        ROW.format(target="97%"),
        "Bad unit,atlantis,2026-q4,alice,,,customer,,,,X,,number,,,0,10",
        "Bad owner,emea,2026-q4,nobody,,,customer,,,,Y,,number,,,0,10",
    )
    response = api(alice).post("/api/imports/okrs/", {"file": okr_sheet(*rows)}, format="multipart")
    assert response.status_code == 400
    errors = [(problem["row"], problem["column"]) for problem in response.json()["errors"]]
    assert errors == [(3, "unit"), (4, "owner")]
    assert response.json()["applied"] is False
    assert not Objective.objects.exists()


def test_an_unreadable_file_is_named_and_viewers_do_not_import(api, alice, vera, emea, quarter):
    junk = SimpleUploadedFile("okrs.xlsx", b"not a workbook")
    response = api(alice).post("/api/imports/okrs/", {"file": junk}, format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"][0]["column"] == "file"
    refused = api(vera).post(
        "/api/imports/okrs/", {"file": okr_sheet(ROW.format(target="97%"))}, format="multipart"
    )
    assert refused.status_code == 403
    assert not Objective.objects.exists()


def test_an_import_without_a_file_answers_with_the_plan_naming_the_file(api, alice, emea):
    # The same answer as every other refusal of this operation (its schema's 400): a plan.
    response = api(alice).post("/api/imports/okrs/", {"dry_run": "true"}, format="multipart")
    assert response.status_code == 400
    assert response.json()["dry_run"] is True
    assert response.json()["applied"] is False
    assert [(p["row"], p["column"]) for p in response.json()["errors"]] == [(0, "file")]
