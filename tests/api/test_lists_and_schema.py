"""Every list of the API runs the same number of queries at ten times the data; the schema
describes every operation and the docs need nothing from the internet."""

from __future__ import annotations

from unittest.mock import patch

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from drf_spectacular.generators import SchemaGenerator
from rest_framework import serializers

from objectives.api import ObjectiveSerializer
from okrplatform.api import FastRepresentation, ModelSerializer
from okrplatform.api_urls import router
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
