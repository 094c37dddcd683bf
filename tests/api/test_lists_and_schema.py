"""Every list of the API runs the same number of queries at ten times the data; the schema
describes every operation and the docs need nothing from the internet."""

from __future__ import annotations

from datetime import UTC, datetime
from unittest.mock import patch

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers

from objectives.api import ObjectiveSerializer
from objectives.models import Objective
from okrplatform.api import FastRepresentation, ModelSerializer
from okrplatform.api_urls import router
from tests.factories import KPIFactory, ObjectiveFactory, a_bit_of_everything

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


@pytest.mark.parametrize("url", LISTS)
def test_every_list_answers_what_drf_itself_would(api, alice, emea, quarter, url):
    # Rows are read through a plan worked out once per page (FastRepresentation) by fields
    # built once per serializer class: the answer is DRF's own, field for field.
    a_bit_of_everything(unit=emea, cycle=quarter, owner=alice)
    client = api(alice)
    fast = client.get(url, {"page_size": 500}).json()

    def drf_own(serializer, instance):
        return serializers.Serializer.to_representation(serializer, instance)

    def built_each_time(serializer):
        return serializers.ModelSerializer.get_fields(serializer)

    with (
        patch.object(FastRepresentation, "to_representation", drf_own),
        patch.object(ModelSerializer, "get_fields", built_each_time),
    ):
        assert client.get(url, {"page_size": 500}).json() == fast
    assert fast["results"]


def test_each_serializer_gets_fields_of_its_own():
    first, second = ObjectiveSerializer(), ObjectiveSerializer()
    assert first.fields["title"] is not second.fields["title"]
    assert first.fields["title"].parent is first


# The guard links of the page, then the KPIs' values and the objectives' progress four weeks
# ago with their key results: once per page, whatever its size.
POSSIBLE_CONFLICT_QUERIES = {"/api/objectives/": 4, "/api/kpis/": 4}


def test_every_filter_reads_the_one_parameter_named_after_it():
    # The filter backend skips a FilterSet whose filters' names are all absent from the query:
    # a filter that read other parameters (a range's `_after` and `_before`) would be skipped.
    filtersets = {
        viewset.filterset_class
        for _prefix, viewset, _basename in router.registry
        if getattr(viewset, "filterset_class", None)
    }
    assert len(filtersets) >= 14
    for filterset in filtersets:
        for name, declared in filterset.base_filters.items():
            # Read from the class, not .field: that would build the field once for every copy.
            widget = declared.extra.get("widget", declared.field_class.widget)
            widget_class = widget if isinstance(widget, type) else type(widget)
            assert not issubclass(widget_class, forms.MultiWidget), f"{filterset.__name__}.{name}"


def test_a_list_given_no_filter_answers_what_it_answers_with_one_that_keeps_every_row(
    api, alice, emea, quarter
):
    a_bit_of_everything(unit=emea, cycle=quarter, owner=alice)
    client = api(alice)
    unfiltered = client.get("/api/objectives/").json()
    assert unfiltered["count"] >= 1
    assert client.get("/api/objectives/", {"archived": "false"}).json() == unfiltered


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


def test_the_links_in_a_list_of_links_belong_to_their_own_serializer():
    first, second = ObjectiveSerializer(), ObjectiveSerializer()
    mine = first.fields["key_results"]
    assert mine.child_relation is not second.fields["key_results"].child_relation
    assert mine.child_relation.parent is mine
    assert mine.child_relation.root is first


def test_times_are_given_in_the_readers_time_zone_each_request_its_own(
    api, client, alice, emea, quarter
):
    objective = ObjectiveFactory(unit=emea, cycle=quarter, owner=alice)
    Objective.objects.filter(pk=objective.pk).update(
        created_at=datetime(2026, 12, 1, 8, 30, tzinfo=UTC)
    )
    alice.timezone = "Europe/Berlin"
    alice.save(update_fields=["timezone"])
    client.force_login(alice)

    def created_at(reader) -> str:
        return reader.get("/api/objectives/").json()["results"][0]["created_at"]

    # In the browser the API speaks the person's time zone; a token (another system) UTC.
    assert created_at(client) == "2026-12-01T09:30:00+01:00"
    assert created_at(api(alice)) == "2026-12-01T08:30:00Z"
    assert created_at(client) == "2026-12-01T09:30:00+01:00"


@pytest.mark.parametrize(
    ("url", "make_row"),
    [
        (
            "/api/objectives/",
            lambda unit, owner, cycle: ObjectiveFactory(unit=unit, owner=owner, cycle=cycle),
        ),
        ("/api/kpis/", lambda unit, owner, cycle: KPIFactory(unit=unit, owner=owner)),
    ],
)
def test_a_page_shows_each_rows_unit_and_owner_as_they_are_and_counts_without_them(
    api, alice, emea, quarter, url, make_row
):
    make_row(emea, alice, quarter)
    client = api(alice)
    with CaptureQueriesContext(connection) as queries:
        row = client.get(url).json()["results"][0]

    assert (row["unit"], row["owner"]) == ("emea", "alice")
    # The count of all rows reads neither the units nor the people.
    count = next(query["sql"] for query in queries if "COUNT(" in query["sql"])
    assert "JOIN" not in count
    emea.code = "emea-north"
    emea.save(update_fields=["code"])
    assert client.get(url).json()["results"][0]["unit"] == "emea-north"
