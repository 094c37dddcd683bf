"""The API takes what its schema says and refuses the rest, with 400 and the parameter or field
named: the rules a fuzz run (test_schema_fuzz.py) holds it to, one by one."""

from __future__ import annotations

import re
import sys
from decimal import Decimal

import pytest
from drf_spectacular.generators import SchemaGenerator

from objectives.models import CheckIn
from reviews.models import ReviewMeeting
from tests.factories import (
    InterventionFactory,
    KPIFactory,
    ObjectiveFactory,
    ReviewMeetingFactory,
)

pytestmark = pytest.mark.django_db

OBJECTIVES = "/api/v1/objectives/"


def test_a_page_is_a_whole_number_from_one_and_a_page_past_the_last_is_404(api, alice, emea):
    client = api(alice)
    for page in ["0", "-1", "last", "1.5", "", "²"]:
        response = client.get(OBJECTIVES, {"page": page})
        assert response.status_code == 400, page
        assert list(response.json()) == ["page"]
    assert client.get(OBJECTIVES, {"page": 1}).status_code == 200
    past = client.get(OBJECTIVES, {"page": 2})
    assert past.status_code == 404
    assert past.json()["detail"]
    # More digits than int() takes (4,300) was a 500; it is a page past the last too.
    for far in ["9" * 25, "9" * 5000]:
        assert client.get(OBJECTIVES, {"page": far}).status_code == 404
    assert client.get(OBJECTIVES, {"page_size": "9" * 5000}).status_code == 400


def test_a_page_size_outside_one_to_five_hundred_is_refused_not_replaced(api, alice, emea):
    client = api(alice)
    for size in ["0", "501", "null", ""]:
        response = client.get(OBJECTIVES, {"page_size": size})
        assert response.status_code == 400, size
        assert response.json() == {"page_size": ["Give a whole number from 1 to 500."]}
    assert client.get(OBJECTIVES, {"page_size": 500}).status_code == 200


def test_a_filter_is_given_once_and_a_yes_or_no_filter_takes_true_or_false(api, alice, emea):
    client = api(alice)
    twice = client.get(f"{OBJECTIVES}?unit=emea&unit=emea")
    assert twice.status_code == 400
    assert twice.json() == {"unit": ["Give this parameter once."]}
    for value in ["null", "yes", "2"]:
        response = client.get(OBJECTIVES, {"below": value})
        assert response.status_code == 400, value
        assert response.json() == {"below": ["Give true or false."]}
    assert client.get(OBJECTIVES, {"below": "true"}).status_code == 200
    assert client.get(OBJECTIVES, {"below": "False"}).status_code == 200


def test_text_is_a_json_string_and_a_number_is_not_taken_for_its_digits(api, alice, emea, quarter):
    body = {
        "title": 0,
        "unit": "emea",
        "cycle": quarter.code,
        "owner": "alice",
        "perspective": "internal_process",
    }
    response = api(alice).post(OBJECTIVES, body, format="json")
    assert response.status_code == 400
    assert response.json() == {"title": ["Not a valid string."]}


def test_a_number_may_be_sent_as_a_number_or_as_digits_and_extra_decimals_are_rounded(
    api, alice, emea_objective
):
    key_result = emea_objective.key_results.get()
    client = api(alice)
    for sent, stored in [(55, "55.0000"), (55.123456, "55.1235"), ("56.00005", "56.0001")]:
        response = client.post(
            "/api/v1/check-ins/",
            {"key_result": key_result.pk, "value": sent, "confidence": 7},
            format="json",
        )
        assert response.status_code == 201, response.json()
        assert response.json()["value"] == stored
    assert CheckIn.objects.filter(value=Decimal("56.0001")).exists()
    for refused in ["1e3", " ", "12,5", True, 10**16, "1234567890123456"]:
        response = client.post(
            "/api/v1/check-ins/",
            {"key_result": key_result.pk, "value": refused, "confidence": 7},
            format="json",
        )
        assert response.status_code == 400, refused
        assert list(response.json()) == ["value"]


def test_a_list_of_references_is_a_json_array(api, alice, emea, quarter):
    body = {
        "unit": "emea",
        "cycle": quarter.code,
        "title": "EMEA quarterly review",
        "scheduled_for": "2026-12-18T14:00:00Z",
        "participants": {},
    }
    response = api(alice).post("/api/v1/reviews/", body, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["participants"]


def test_a_body_that_is_not_json_is_415(api, alice, emea, quarter):
    form = {"title": "x", "unit": "emea", "cycle": quarter.code, "owner": "alice"}
    response = api(alice).post(OBJECTIVES, form, format="multipart")
    assert response.status_code == 415
    assert response.json()["detail"]


def test_an_export_option_given_empty_is_refused_rather_than_defaulted(api, alice, emea):
    response = api(alice).get(f"/api/v1/org-units/{emea.pk}/export/?sheet=")
    assert response.status_code == 400
    assert list(response.json()) == ["sheet"]
    unknown = api(alice).get(f"/api/v1/org-units/{emea.pk}/summary/?cycle=no-such-cycle")
    assert unknown.status_code == 400
    assert unknown.json() == {"cycle": ["Nothing you see has the code or id “no-such-cycle”."]}


def test_an_update_of_an_objective_without_its_version_is_refused_by_the_schema_too(
    api, alice, emea, quarter
):
    schema = SchemaGenerator().get_schema(public=True)
    patch = schema["paths"]["/api/v1/objectives/{id}/"]["patch"]["requestBody"]["content"]
    assert patch["application/json"]["schema"]["allOf"][1] == {"required": ["version"]}
    objective = ObjectiveFactory(unit=emea, cycle=quarter, owner=alice)
    response = api(alice).patch(f"{OBJECTIVES}{objective.pk}/", {"title": "New"}, format="json")
    assert response.status_code == 400
    assert list(response.json()) == ["version"]


def test_a_reference_holding_a_nul_character_is_refused_before_the_database_sees_it(
    api, alice, emea
):
    response = api(alice).post(
        "/api/v1/measurements/",
        {"kpi": "emea\x00otd", "period": "2026-11-16", "value": 1},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"kpi": ["Give it as a string: its code, or the username."]}
    listed = api(alice).get("/api/v1/kpis/", {"code": "emea\x00otd"})
    assert listed.status_code == 400
    assert list(listed.json()) == ["code"]


def test_a_decision_for_a_closed_review_is_a_conflict_with_what_is_recorded(
    api, alice, emea, quarter
):
    alice.is_staff = True  # staff pass the permission (others are refused 403 before)
    alice.save()
    review = ReviewMeetingFactory(
        unit=emea, cycle=quarter, facilitator=alice, state=ReviewMeeting.State.CLOSED
    )
    response = api(alice).post(
        "/api/v1/decisions/", {"review": review.pk, "title": "Too late"}, format="json"
    )
    assert response.status_code == 409
    assert response.json() == {"detail": "This review is closed: its decisions are a record."}
    assert not review.decisions.exists()


def test_a_required_text_is_blank_in_the_schema_exactly_when_the_api_trims_it_to_nothing(
    api, alice, emea, quarter
):
    schema = SchemaGenerator().get_schema(public=True)
    note = schema["components"]["schemas"]["NewNoteRequest"]["properties"]["text"]
    # JSON Schema reads a pattern as ECMA 262 does, whose \s is not Python's: the spaces are
    # listed, so that every reader of the schema (a fuzzer, a client) draws the same line.
    assert "\\s" not in note["pattern"]
    required_text = re.compile(note["pattern"])
    # Every character Python's str.strip() removes (DRF trims with it), and a few it keeps.
    for code in range(1, sys.maxunicode + 1):
        character = chr(code)
        if 0xD800 <= code <= 0xDFFF:
            continue  # halves of a pair, never a character on their own in JSON text
        blank = not character.strip()
        assert bool(required_text.match(character)) is not blank, hex(code)

    intervention = InterventionFactory(
        kpi=KPIFactory(unit=emea), objective=ObjectiveFactory(unit=emea, cycle=quarter)
    )
    client = api(alice)
    notes = f"/api/v1/interventions/{intervention.pk}/notes/"
    assert client.post(notes, {"text": "\x1e"}, format="json").status_code == 400
    assert client.post(notes, {"text": "\ufeff"}, format="json").status_code == 200
