"""The errors every API operation may answer, described once in the OpenAPI schema."""

from __future__ import annotations

from drf_spectacular.extensions import OpenApiSerializerFieldExtension

# The field extensions below are found by drf-spectacular once this module is imported, which
# it is before any field is described: `canonical_paths_only` is a preprocessing hook.

ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string", "description": "What went wrong, in words."}},
    "required": ["detail"],
}
VALIDATION_ERROR = {
    "type": "object",
    "description": "The problems per field: each field (or `detail`, `non_field_errors`) with "
    "its messages.",
    "additionalProperties": {},
}

RESPONSES = {
    "400": ("ValidationError", "The request is invalid: nothing was saved."),
    "401": ("Error", "No valid `Authorization: Token <key>` header (or session)."),
    "403": ("Error", "Your role does not allow this."),
    "404": ("Error", "There is no such object, or you do not see it."),
    "409": (
        "ValidationError",
        "Nothing was saved: someone changed it since you read it (send the version you read "
        "again), what exists stands in the way (a code or a role taken already, check-ins to "
        "keep), or it was decided meanwhile.",
    ),
    "415": ("Error", "The body is not JSON (`Content-Type: application/json`)."),
    "429": ("Error", "Too many writes: wait as the `Retry-After` header says."),
}
WRITES = {"post", "put", "patch", "delete"}


def describe_errors(result: dict, generator, request, public) -> dict:
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault("Error", ERROR)
    components.setdefault("ValidationError", VALIDATION_ERROR)
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in WRITES | {"get"}:
                continue
            codes = ["400", "401", "403"]
            if "{" in path or method == "get":
                codes.append("404")  # no such object, or a list's page past its last
            if method in WRITES:
                codes += ["409", "429"]
            if "requestBody" in operation:
                codes.append("415")
            responses = operation.setdefault("responses", {})
            for code in codes:
                if code in responses:
                    continue
                name, description = RESPONSES[code]
                responses[code] = {
                    "description": description,
                    "content": {
                        "application/json": {"schema": {"$ref": f"#/components/schemas/{name}"}}
                    },
                }
    return result


CANONICAL_PREFIX = "/api/v1/"


def canonical_paths_only(endpoints: list, **kwargs) -> list:
    """The API answers under /api/v1/ and its alias /api/: the schema names each operation
    once, at its canonical address."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith(CANONICAL_PREFIX)]


class WiderAnswerSchema(OpenApiSerializerFieldExtension):
    """Answers of an ``AnswersWider`` field may hold more than its requests."""

    target_class = "okrplatform.api.AnswersWider"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        return self.target.widen(schema) if direction == "response" else schema


class NumberSchema(OpenApiSerializerFieldExtension):
    """A ``NumberField`` takes a JSON number or a decimal string, within its limit; it answers
    a decimal string."""

    target_class = "okrplatform.api.NumberField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        field = self.target
        if direction == "response":
            return schema
        number = {"type": "number", "minimum": -int(field.limit), "maximum": int(field.limit)}
        for bound in ("minimum", "maximum"):
            if bound in schema:
                number[bound] = float(schema[bound])
        text = {"type": "string", "pattern": field.text.pattern}
        described = {key: schema[key] for key in ("description", "nullable") if key in schema}
        return {"anyOf": [number, text], **described}


# Text without a NUL character (DRF and PostgreSQL refuse one), and with something that is not
# a space where a value is required. DRF trims text with Python's str.strip(), whose spaces are
# not quite a JSON Schema \s: they include the separators U+001C to U+001F and U+0085, and
# leave out U+FEFF. So the spaces are listed as Python has them.
PYTHON_SPACES = (
    "\\t\\n\\u000b\\f\\r\\u001c-\\u001f \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029"
    "\\u202f\\u205f\\u3000"
)
ANY_TEXT = "^[^\\u0000]*$"
NOT_BLANK = f"^[^\\u0000]*[^{PYTHON_SPACES}\\u0000][^\\u0000]*$"


def state_the_rules(result: dict, generator, request, public) -> dict:
    """What the schema can say of the rules every operation keeps:

    - an update sends the ``version`` it read (PUT and PATCH bodies require it);
    - a filter given is given a value (``cycle=`` is refused, not read as absent);
    - no text holds a NUL character (DRF and the database refuse it)."""
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method in {"put", "patch"} and "requestBody" in operation:
                for content in operation["requestBody"].get("content", {}).values():
                    body = content.get("schema", {})
                    name = body.get("$ref", "").rsplit("/", 1)[-1]
                    component = result["components"]["schemas"].get(name, {})
                    if "version" in component.get("properties", {}):
                        content["schema"] = {"allOf": [body, {"required": ["version"]}]}
                        operation["requestBody"]["required"] = True
            for parameter in operation.get("parameters", []) if method in WRITES | {"get"} else []:
                schema = parameter.get("schema", {})
                if (
                    parameter.get("in") == "query"
                    and parameter["name"] != "ordering"
                    and schema.get("type") == "string"
                    and "enum" not in schema
                ):
                    schema.setdefault("minLength", 1)
                    if not {"format", "pattern"} & set(schema):
                        schema["pattern"] = NOT_BLANK
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if not name.endswith("Request"):
            continue  # answers may echo what was sent, in a message
        for value in component.get("properties", {}).values():
            prop = value.get("items", {}) if value.get("type") == "array" else value
            if (
                prop.get("type") == "string"
                and not value.get("readOnly")
                and not {"enum", "format", "pattern"} & set(prop)
            ):
                # Text is trimmed: a required one needs a character that is not a space.
                prop["pattern"] = NOT_BLANK if prop.get("minLength", 0) >= 1 else ANY_TEXT
    return result


# Fields every resource or page shares, described once (a description a serializer gives wins).
COMMON_FIELDS = {
    "id": "Its id: stable, the last part of its address, and how bodies that take ids name it.",
    "url": "Its own address in the API (canonical, under `/api/v1/`).",
}
PAGE_FIELDS = {
    "count": "How many rows match, over all pages.",
    "next": "The address of the next page, with the same filters; null on the last page.",
    "previous": "The address of the previous page, with the same filters; null on the first.",
    "results": "This page's rows: `page_size` of them (50 unless asked; at most 500).",
}


def describe_common_fields(result: dict, generator, request, public) -> dict:
    """Gives the fields every resource and every page of a list shares their description,
    where the serializer gave none."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        known = PAGE_FIELDS if name.startswith("Paginated") else COMMON_FIELDS
        for field, schema in component.get("properties", {}).items():
            if field in known and not schema.get("description"):
                schema["description"] = known[field]
    return result
