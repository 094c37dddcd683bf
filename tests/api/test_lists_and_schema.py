"""Every list of the API runs the same number of queries at ten times the data; the schema
describes every operation and the docs need nothing from the internet."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.generators import SchemaGenerator

from tests.factories import a_bit_of_everything

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/org-units/",
    "/api/cycles/",
    "/api/objectives/",
    "/api/key-results/",
    "/api/check-ins/",
    "/api/initiatives/",
    "/api/kpis/",
    "/api/measurements/",
    "/api/interventions/",
    "/api/tensions/",
    "/api/reviews/",
    "/api/decisions/",
]


@pytest.mark.parametrize("url", LISTS)
def test_a_list_runs_a_bounded_number_of_queries(api, alice, emea, quarter, url):
    client = api(alice)
    counts, slices = [], 0
    for wanted in (2, 20):
        while slices < wanted:
            a_bit_of_everything(unit=emea, cycle=quarter, owner=alice)
            slices += 1
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, {"page_size": 500})
        assert response.status_code == 200
        assert response.json()["count"] >= (1 if url == "/api/cycles/" else 2)
        counts.append(len(queries))
    assert counts[1] <= counts[0], f"{url}: {counts[0]} queries at 2 slices, {counts[1]} at 20"
    assert counts[1] <= 8 + POSSIBLE_CONFLICT_QUERIES.get(url, 0)


# The guard links of the page, then the KPIs' values and the objectives' progress four weeks
# ago with their key results: once per page, whatever its size.
POSSIBLE_CONFLICT_QUERIES = {"/api/objectives/": 4, "/api/kpis/": 4}


def test_every_operation_is_described_with_its_errors():
    schema = SchemaGenerator().get_schema(public=True)
    operations = [
        (path, method, operation)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    ]
    assert len(operations) >= 45
    for path, method, operation in operations:
        assert operation.get("summary") or operation.get("description"), f"{method} {path}"
        assert "401" in operation["responses"], f"{method} {path}"
        assert "403" in operation["responses"], f"{method} {path}"
    assert schema["components"]["securitySchemes"]["tokenAuth"]["name"] == "Authorization"
    objective = schema["components"]["schemas"]["Objective"]["properties"]
    assert {"progress", "status", "expected_progress", "is_aligned", "grade"} <= set(objective)


def test_the_schema_and_the_docs_are_served_without_the_internet(client, alice):
    client.force_login(alice)
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"openapi: 3" in schema.content
    docs = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in docs
    assert "cdn." not in docs


def test_unknown_api_paths_answer_in_json(api, alice):
    response = api(alice).post("/api/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"detail": "There is no such resource in the API."}
