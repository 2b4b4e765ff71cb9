"""The API's OpenAPI 3.1 description, served at /api/v1/openapi.json.

Written by hand, except the lists of values: the statuses, the requirements' states and
codes come from the enums of :mod:`portal.verification.services`, which the answers are
made from, so the document cannot drift from what the API says. ``tests/api`` validates the
document, and every answer against it.
"""

from __future__ import annotations

from enum import Enum

from portal.verification.services import Code, State, Status

VERSION = "1.0.0"

DESCRIPTION = """\
Where a Koopseri seller's verification stands, for Koopseri's marketplace: the account's
status and each requirement's state and deadline. Codes and dates only: nothing personal
(no name, email, phone, date of birth or number) is ever in an answer.

Every call needs the bearer token the portal's operators gave the marketplace
(`Authorization: Bearer <token>`). Calls are limited per token; past the limit the answer is
429 with `Retry-After`. Every answer about a seller is recorded in that seller's access log,
which the seller reads as "Koopseri marketplace". Answers are never cached
(`Cache-Control: no-store`); errors are `application/problem+json` (RFC 9457), with a
`code` that does not change with the wording.
"""

STATUS_TEXT = """\
`verified`: nothing is due. `pending`: nothing is due from the seller; staff are checking
what they gave. `action_needed`: something is currently due, by `deadline`. `restricted`:
something is past due (`restricted_reason` says which requirement).
"""

STATE_TEXT = """\
`currently_due`: the seller must act by `deadline`. `eventually_due`: will be asked for later.
`past_due`: the deadline has passed; the account is restricted. `pending_verification`:
given, staff are checking it. `satisfied`: done.
"""


def _values(enum: type[Enum]) -> list[str]:
    return [member.value for member in enum]


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _day(description: str) -> dict:
    return {"type": ["string", "null"], "format": "date", "description": description}


def _problem(description: str, headers: dict | None = None) -> dict:
    response = {
        "description": description,
        "content": {"application/problem+json": {"schema": _ref("Problem")}},
    }
    if headers:
        response["headers"] = headers
    return response


def _schemas() -> dict:
    return {
        "Status": {"type": "string", "enum": _values(Status), "description": STATUS_TEXT},
        "State": {"type": "string", "enum": _values(State), "description": STATE_TEXT},
        "RequirementCode": {
            "type": "string",
            "enum": _values(Code),
            "description": "What is required: the identity document and its number, the bank "
            "account (and its proof), the address, the business details (where the way the "
            "seller sells needs them), a passport that has not expired.",
        },
        "Requirement": {
            "type": "object",
            "required": ["code", "state", "deadline", "reason"],
            "additionalProperties": False,
            "properties": {
                "code": _ref("RequirementCode"),
                "state": _ref("State"),
                "deadline": _day("The day it is (or was) due by: currently due, past due."),
                "reason": {
                    "type": ["string", "null"],
                    "pattern": "^[a-z][a-z0-9_]*$",
                    "description": "A code saying why, e.g. `holder_name_differs`, `rejected`; "
                    "`other` for a reason without a code.",
                },
            },
        },
        "SellerStatus": {
            "type": "object",
            "required": ["seller_id", "status", "deadline", "restricted_reason", "requirements"],
            "additionalProperties": False,
            "properties": {
                "seller_id": {"type": "integer", "minimum": 1},
                "status": _ref("Status"),
                "deadline": _day("The earliest deadline among what is currently due."),
                "restricted_reason": {
                    "oneOf": [_ref("RequirementCode"), {"type": "null"}],
                    "description": "Restricted: the first requirement past due.",
                },
                "requirements": {"type": "array", "items": _ref("Requirement")},
            },
        },
        "Problem": {
            "type": "object",
            "description": "An error (RFC 9457).",
            "required": ["type", "title", "status", "code"],
            "properties": {
                "type": {"type": "string", "format": "uri-reference"},
                "title": {"type": "string"},
                "status": {"type": "integer"},
                "detail": {"type": "string"},
                "code": {
                    "type": "string",
                    "enum": [
                        "unauthorized",
                        "not_found",
                        "method_not_allowed",
                        "rate_limited",
                        "server_error",
                        "error",
                    ],
                },
            },
        },
    }


def document() -> dict:
    """The OpenAPI document, built anew each time (it is small)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Koopseri Seller Portal: marketplace API",
            "version": VERSION,
            "description": DESCRIPTION,
        },
        "servers": [{"url": "/api/v1", "description": "This portal"}],
        "security": [{"marketplaceToken": []}],
        "paths": {
            "/sellers/{id}/status": {
                "get": {
                    "operationId": "getSellerStatus",
                    "summary": "Where a seller's verification stands",
                    "parameters": [
                        {
                            "name": "id",
                            "in": "path",
                            "required": True,
                            "description": "The seller's id in the portal.",
                            "schema": {"type": "integer", "minimum": 0},
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "The seller's status and requirements.",
                            "content": {"application/json": {"schema": _ref("SellerStatus")}},
                        },
                        "401": {"$ref": "#/components/responses/Unauthorized"},
                        "404": {"$ref": "#/components/responses/NotFound"},
                        "429": {"$ref": "#/components/responses/TooManyRequests"},
                    },
                }
            }
        },
        "components": {
            "securitySchemes": {
                "marketplaceToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A token from the portal's MARKETPLACE_API_TOKENS setting.",
                }
            },
            "schemas": _schemas(),
            "responses": {
                "Unauthorized": _problem(
                    "No token, or not a valid one.",
                    {
                        "WWW-Authenticate": {
                            "description": 'Bearer realm="koopseri-marketplace"',
                            "schema": {"type": "string"},
                        }
                    },
                ),
                "NotFound": _problem(
                    "No active seller account has this id: never registered, not yet "
                    "confirmed, frozen, closed, erased, or not a seller's. Treat it as "
                    '"may not sell".'
                ),
                "TooManyRequests": _problem(
                    "Too many calls with this token.",
                    {
                        "Retry-After": {
                            "description": "Seconds to wait before calling again.",
                            "schema": {"type": "integer", "minimum": 1},
                        }
                    },
                ),
            },
        },
    }
