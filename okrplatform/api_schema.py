"""The errors every API operation may answer, described once in the OpenAPI schema."""

from __future__ import annotations

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
    "409": ("Error", "Changed by someone else since you read it: read it again."),
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
            if "{" in path:
                codes.append("404")
            if method in {"put", "patch"}:
                codes.append("409")
            if method in WRITES:
                codes.append("429")
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
