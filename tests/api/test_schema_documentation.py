"""The schema documents itself for an integrator: every field and parameter says what it holds,
and every write shows a request body that the schema accepts."""

from __future__ import annotations

import jsonschema
import pytest
from drf_spectacular.generators import SchemaGenerator

pytestmark = pytest.mark.django_db

WRITES = ("post", "put", "patch")


@pytest.fixture(scope="module")
def schema() -> dict:
    return SchemaGenerator().get_schema(public=True)


def _operations(schema: dict):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if isinstance(operation, dict) and "responses" in operation:
                yield path, method, operation


def test_every_property_of_every_component_has_a_description(schema):
    missing = [
        f"{name}.{field}"
        for name, component in schema["components"]["schemas"].items()
        for field, definition in component.get("properties", {}).items()
        if not str(definition.get("description", "")).strip()
    ]
    assert not missing, f"{len(missing)} properties without a description: {missing}"


def test_every_parameter_of_every_operation_has_a_description(schema):
    missing = [
        f"{method.upper()} {path} {parameter['in']}:{parameter['name']}"
        for path, method, operation in _operations(schema)
        for parameter in operation.get("parameters", [])
        if not str(parameter.get("description", "")).strip()
    ]
    assert not missing, f"{len(missing)} parameters without a description: {missing}"


def test_every_write_with_a_body_shows_an_example_of_it(schema):
    # One example per operation: it stands for the same body in every media type it takes.
    missing = [
        f"{method.upper()} {path}"
        for path, method, operation in _operations(schema)
        if method in WRITES
        and "requestBody" in operation
        and not any(
            content.get("examples") for content in operation["requestBody"]["content"].values()
        )
    ]
    assert not missing, f"{len(missing)} writes without an example of their body: {missing}"


def test_every_request_example_keeps_its_request_schema(schema):
    # The components as one document, so that each request schema's $refs resolve in it.
    components = _as_json_schema(schema["components"])
    broken = []
    for path, method, operation in _operations(schema):
        for media_type, content in operation.get("requestBody", {}).get("content", {}).items():
            for name, example in content.get("examples", {}).items():
                if media_type == "multipart/form-data":
                    # A file field's example is a file name: only the fields' names are checked.
                    known = content["schema"].get("properties") or _resolve(
                        schema, content["schema"]
                    ).get("properties", {})
                    unknown = set(example["value"]) - set(known)
                    if unknown:
                        broken.append(f"{method.upper()} {path} “{name}”: unknown {unknown}")
                    continue
                document = {**_as_json_schema(content["schema"]), "components": components}
                validator = jsonschema.Draft202012Validator(document)
                problems = [
                    f"{'/'.join(map(str, error.absolute_path)) or 'body'}: {error.message}"
                    for error in validator.iter_errors(example["value"])
                ]
                if problems:
                    broken.append(f"{method.upper()} {path} “{name}”: {problems}")
    assert not broken, "Examples the schema refuses:\n" + "\n".join(broken)


def _resolve(schema: dict, definition: dict) -> dict:
    reference = definition.get("$ref", "")
    return schema["components"]["schemas"][reference.rsplit("/", 1)[-1]] if reference else {}


def _as_json_schema(definition):
    """OpenAPI 3.0's ``nullable`` in JSON Schema's words: null is one more type allowed."""
    if isinstance(definition, list):
        return [_as_json_schema(item) for item in definition]
    if not isinstance(definition, dict):
        return definition
    converted = {key: _as_json_schema(value) for key, value in definition.items()}
    if converted.pop("nullable", False):
        converted = {"anyOf": [converted, {"type": "null"}]}
    return converted
