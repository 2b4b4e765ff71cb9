"""Checking an answer against the OpenAPI document the API serves: the status is documented
for the operation, the content type is the documented one, the body validates against its
schema (JSON Schema 2020-12, the document's ``$ref``s resolved within it, formats checked)
and the documented headers are there."""

from __future__ import annotations

from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

BASE = "urn:koopseri:openapi"


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


def _follow(document: dict, pointer: list[str]) -> tuple[dict, list[str]]:
    """The object at ``pointer``, following a ``$ref`` found there; and where it really is."""
    node = document
    for part in pointer:
        node = node[part]
    while "$ref" in node:
        pointer = node["$ref"].removeprefix("#/").split("/")
        node = document
        for part in pointer:
            node = node[part.replace("~1", "/").replace("~0", "~")]
    return node, pointer


def check(document: dict, path: str, response, method: str = "get") -> None:
    """Fail unless ``response`` is one the document allows for ``method path``."""
    status = str(response.status_code)
    operation = document["paths"][path][method]
    assert status in operation["responses"], f"{status} is not documented for {path}"
    described, where = _follow(document, ["paths", path, method, "responses", status])
    content_type = response.mimetype
    assert content_type in described["content"], f"{content_type} is not documented"
    for header in described.get("headers", {}):
        assert header in response.headers, f"{header} is missing"
    pointer = "/".join(_escape(part) for part in [*where, "content", content_type, "schema"])
    registry = Registry().with_resource(BASE, DRAFT202012.create_resource(document))
    validator = Draft202012Validator(
        {"$ref": f"{BASE}#/{pointer}"},
        registry=registry,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )
    validator.validate(response.get_json())
