"""Pos Malaysia's SendParcel API on loopback, as its documentation describes it.

Every request is checked against ``schemas/sendparcel.json`` (written from Pos Malaysia's
published *Pos Standard API v2.1*, https://api-doc.pos.com.my/, with the parts no public
source shows marked as assumed there): required fields, types, formats, and no field the
documentation does not name. A request that breaks it is answered 400, as the API would,
and recorded in ``api.violations``; the :func:`sendparcel_api` fixture fails the test then.

The server answers with the documented shapes: a bearer token for the client credentials,
``{"message": "success", "data": {…}}``, and error documents ``{"message", "reason": […]}``
whose reasons name their field. What Pos refuses for its own reasons is kept in
``api.state``: ``closed_dates`` (no collection that day), ``unknown_postcodes``; a phone
outside Malaysia and an ``address1`` under five characters are refused too. Failures that
do not depend on the request are scripted with :meth:`Api.fail_next` and the replies below.
"""

from __future__ import annotations

import itertools
import json
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from tests.contracts.server import Api, Call, Reply, serve_api

SCHEMA = json.loads((Path(__file__).parent / "schemas" / "sendparcel.json").read_text())
KEYS = {
    "client_id": "koopseri-test-client",
    "client_secret": "s3cret-for-loopback-only",
    "account_number": "8800000001",
    "subscription_code": "KOOPSERI01",
}


def validator(name: str) -> Draft202012Validator:
    """A validator for one of the schema's definitions (``pickup_request``, …)."""
    schema = {"$ref": f"#/$defs/{name}", "$defs": SCHEMA["$defs"]}
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


VALIDATORS = {
    name: validator(name)
    for name in ("token_request", "pickup_request", "cancel_request", "token", "success", "error")
}


def problems(name: str, document: object) -> list[str]:
    """What is wrong with ``document`` as the schema's ``name``: one line per error, by path."""
    return [
        f"{error.json_path}: {error.message}"
        for error in sorted(VALIDATORS[name].iter_errors(document), key=lambda e: e.json_path)
    ]


# --- failures scripted with api.fail_next --------------------------------------------------


def error(status: int, message: str, *reasons: str, **headers: str) -> Reply:
    """An error document as the API gives it."""
    body = {"message": message, "reason": list(reasons)}
    assert not problems("error", body)
    return Reply(status, body, headers=dict(headers))


def unauthorized() -> Reply:
    return error(401, "Unauthorized", "token: missing, expired or revoked")


def too_many(retry_after: int = 1) -> Reply:
    return error(
        429, "Too Many Requests", "rate limit exceeded", **{"Retry-After": str(retry_after)}
    )


def unavailable() -> Reply:
    return error(503, "Service Unavailable", "try again later")


def silence(seconds: float = 1.5) -> Reply:
    """No answer within the client's time-out (``SHARING_TIMEOUT`` is 1 s in these tests)."""
    return Reply(200, {"message": "success", "data": {}}, delay=seconds)


def script(api: Api, path: str, *replies: Reply) -> None:
    """Answer the next requests to ``path`` (``BOOK``, ``CANCEL``, ``TOKEN``) with
    ``replies``, in order, before the API looks at them: a failure of that one endpoint,
    whatever comes before it (:meth:`Api.fail_next` would hit the token request first)."""
    api.state["script"].setdefault(path, []).extend(replies)


def _scripted(api: Api, call: Call) -> Reply | None:
    queue = api.state["script"].get(call.path)
    return queue.pop(0) if queue else None


# --- the API -------------------------------------------------------------------------------


def _checked(api: Api, call: Call, name: str) -> Reply | None:
    found = problems(name, call.body)
    if not found:
        return None
    for problem in found:
        api.violation(f"{call.method} {call.path} {problem}")
    return error(400, "Bad Request", *found)


def _authorised(api: Api, call: Call) -> bool:
    header = call.headers.get("authorization", "")
    return header.startswith("Bearer ") and header[7:] in api.state["tokens"]


def token(api: Api, call: Call) -> Reply:
    if (reply := _scripted(api, call)) is not None:
        return reply
    if not call.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        api.violation("POST /oauth2/token: the body must be form-encoded (RFC 6749 §4.4.2)")
    if (refused := _checked(api, call, "token_request")) is not None:
        return refused
    if (call.body["client_id"], call.body["client_secret"]) != (
        KEYS["client_id"],
        KEYS["client_secret"],
    ):
        return Reply(401, {"error": "invalid_client"})
    issued = secrets.token_urlsafe(24)
    api.state["tokens"].add(issued)
    return Reply(200, {"access_token": issued, "token_type": "Bearer", "expires_in": 86400})


def book(api: Api, call: Call) -> Reply:
    if (reply := _scripted(api, call)) is not None:
        return reply
    if not _authorised(api, call):
        return unauthorized()
    if (refused := _checked(api, call, "pickup_request")) is not None:
        return refused
    body = call.body
    address = body["sender"]["address"]
    reasons = []
    if body["pickup"]["date"] in api.state["closed_dates"]:
        reasons.append("pickup.date: no collection is available on this date")
    if address["postcode"] in api.state["unknown_postcodes"]:
        reasons.append("sender.address.postcode: the postcode does not match the city and state")
    if len(address["address1"]) < 5:
        reasons.append("sender.address.address1: must be 5 to 800 characters")
    if not body["sender"]["phone_number"].lstrip("+").startswith("60"):
        reasons.append("sender.phone_number: must be a Malaysian number (+60)")
    if reasons:
        return error(422, "Unprocessable Entity", *reasons)
    number = f"PU{next(api.state['numbers']):08d}"
    api.state["pickups"][number] = {"status": "booked", "date": body["pickup"]["date"]}
    data = {"pickup_number": number, "pickup_date": body["pickup"]["date"], "status": "booked"}
    return Reply(200, {"message": "success", "data": data})


def cancel(api: Api, call: Call) -> Reply:
    if (reply := _scripted(api, call)) is not None:
        return reply
    if not _authorised(api, call):
        return unauthorized()
    if (refused := _checked(api, call, "cancel_request")) is not None:
        return refused
    pickup = api.state["pickups"].get(call.body["pickup_number"])
    if pickup is None:
        return error(404, "Not Found", "pickup_number: no such pickup")
    if pickup["status"] != "booked":
        return error(409, "Conflict", f"pickup_number: the pickup is {pickup['status']}")
    pickup["status"] = "cancelled"
    number = call.body["pickup_number"]
    return Reply(
        200, {"message": "success", "data": {"pickup_number": number, "status": "cancelled"}}
    )


TOKEN = "/oauth2/token"
BOOK = "/api/pickup/v2.1/create"
CANCEL = "/api/pickup/v2.1/cancel"
ROUTES = {
    ("POST", re.escape(TOKEN)): token,
    ("POST", re.escape(BOOK)): book,
    ("POST", re.escape(CANCEL)): cancel,
}


def fresh_state() -> dict:
    return {
        "tokens": set(),
        "numbers": itertools.count(1),
        "pickups": {},
        "closed_dates": set(),
        "unknown_postcodes": set(),
        "script": {},
    }


# --- fixtures ------------------------------------------------------------------------------


@contextmanager
def serve_sendparcel(folder: Path) -> Iterator[Api]:
    """The API on loopback, certificate and key in ``folder``."""
    from portal.sharing.parties.sendparcel import forget_tokens

    folder.mkdir(exist_ok=True)
    with serve_api(folder, "", ROUTES) as api:
        api.state.update(fresh_state())
        try:
            yield api
        finally:
            forget_tokens()


@pytest.fixture
def sendparcel_api(tmp_path):
    """The API on loopback; the test fails if any request broke the documented schema."""
    with serve_sendparcel(tmp_path / "sendparcel-api") as api:
        yield api
        assert api.violations == [], "requests outside SendParcel's documented schema"


def sendparcel_config(api: Api) -> dict:
    """App settings under which SendParcel is reached at ``api`` with the test keys."""
    return {
        "SHARING_ENDPOINTS": {"sendparcel": api.url},
        "SHARING_CREDENTIALS": {"sendparcel": dict(KEYS)},
        "SHARING_CA_FILE": api.ca_file,
        "SHARING_RETRY_DELAY": 0.01,
        "SHARING_TIMEOUT": 1.0,
        "SHARING_MAX_WAIT": 2.0,
    }
