"""The MyDHL API (DHL Express) on loopback, checking every request against its published
OpenAPI document (the part the connector uses: ``schemas/mydhl-3.3.1-pickups.yaml``, with its
source at the top) and answering with the published response shapes.

Every request is checked before anything else happens, scripted failures included: HTTP
Basic with the test keys, the operation's header, query and path parameters (the required
``x-version``; ``Message-Reference`` of 1 to 36 characters; ``Message-Reference-Date`` an
RFC 7231 IMF-fixdate), no unknown query parameter, and the JSON body against the operation's
request schema. Besides the schema, the rules the document states in words:
``plannedPickupDateAndTime`` is "YYYY-MM-DDTHH:MM:SS" then "GMT+HH:MM" (the offset of the
shipper's zone), and a day in the past or more than 10 days ahead is refused (an error
document, not a violation: DHL's own refusal, worded here after the field's description).

A pickup gets a dispatch confirmation number ("PRG" and 12 digits, as the examples);
``DELETE`` cancels it (200), answers 404 for a number it never gave (the published example)
and 400 for one already cancelled. What the server answers is checked against the response
schema too, so the test server cannot drift from the published shapes.
"""

from __future__ import annotations

import base64
import re
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from jsonschema import Draft4Validator
from openapi_spec_validator.readers import read_from_filename

from tests.contracts.server import Api, Call, Reply

SCHEMA = Path(__file__).resolve().parent / "schemas" / "mydhl-3.3.1-pickups.yaml"
BASE_PATH = "/mydhlapi/test"  # as the test environment's base
USERNAME, PASSWORD, ACCOUNT = "koopseri-test-key", "test-secret-Zq81", "987654321"
CREDENTIALS = {"username": USERNAME, "password": PASSWORD, "account": ACCOUNT}
SHIPPER_ZONE = ZoneInfo("Asia/Kuala_Lumpur")
_PLANNED = re.compile(r"(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2}):(\d{2}) ?GMT([+-]\d{2}):(\d{2})")
_HTTP_DATE = re.compile(
    r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"\d{4} \d{2}:\d{2}:\d{2} GMT"
)


@cache
def document() -> dict:
    found, _ = read_from_filename(str(SCHEMA))
    return found


def _validator(schema: dict) -> Draft4Validator:
    """OpenAPI 3.0's schema objects are JSON Schema draft 4 with extra annotations; their
    ``$ref``s point into the document's components."""
    return Draft4Validator({**schema, "components": document()["components"]})


def _resolve(item: dict) -> dict:
    ref = item.get("$ref")
    if not ref:
        return item
    found = document()
    for part in ref.removeprefix("#/").split("/"):
        found = found[part]
    return found


def _operation(method: str, template: str) -> tuple[dict, list[dict]]:
    path_item = document()["paths"][template]
    operation = path_item[method.lower()]
    parameters = [_resolve(p) for p in path_item.get("parameters", []) + operation["parameters"]]
    return operation, parameters


def problem(status: int, title: str, detail: str, *, instance="/expressapi/pickups", **extra):
    """A MyDHL error document (``supermodelIoLogisticsExpressErrorResponse``)."""
    body = {"instance": instance, "detail": detail, "title": title, "status": str(status)}
    body.update(extra)
    return body


def check(api: Api, call: Call, method: str, template: str) -> Reply | None:
    """Every rule of the operation for ``call``; a violation is recorded and answered 400
    (or 401 when the keys are wrong) as DHL would. None: the request is as published."""
    operation, parameters = _operation(method, template)
    expected = "Basic " + base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()
    given = call.headers.get("authorization")
    if given is None:
        api.violation(f"{method} {call.path}: no HTTP Basic authorization (basicAuth)")
    if given != expected:
        return Reply(401, problem(401, "Unauthorized", "Invalid credentials"))
    problems = []
    known_query = set()
    for parameter in parameters:
        where, name = parameter["in"], parameter["name"]
        if where == "header":
            value = call.headers.get(name.lower())
        elif where == "query":
            known_query.add(name)
            values = call.query.get(name)
            value = values[0] if values else None
            if values and len(values) > 1:
                problems.append(f"query {name} given {len(values)} times")
        else:
            value = call.params.get(name)
        if value is None:
            if parameter.get("required"):
                problems.append(f"{where} parameter {name} is required")
            continue
        for error in _validator(parameter["schema"]).iter_errors(value):
            problems.append(f"{where} parameter {name}: {error.message}")
    for name in ("Message-Reference", "Message-Reference-Date"):  # the portal always sends both
        if name.lower() not in call.headers:
            problems.append(f"header {name} missing")
    when = call.headers.get("message-reference-date")
    if when is not None and not _HTTP_DATE.fullmatch(when):
        problems.append("header Message-Reference-Date is not an RFC 7231 IMF-fixdate")
    version = call.headers.get("x-version")
    if version is not None and version != document()["info"]["version"]:
        problems.append(f"header x-version {version!r} is not {document()['info']['version']}")
    problems += [
        f"query parameter {name} is not in the operation"
        for name in call.query
        if name not in known_query
    ]
    body_spec = operation.get("requestBody")
    if body_spec is None:
        if call.body is not None:
            problems.append("a body where the operation takes none")
    elif not call.headers.get("content-type", "").startswith("application/json"):
        problems.append("the body is not application/json")
    else:
        schema = body_spec["content"]["application/json"]["schema"]
        for error in _validator(schema).iter_errors(call.body):
            pointer = "/".join(str(p) for p in error.absolute_path)
            problems.append(f"#/{pointer}: {error.message}")
    if problems:
        for found in problems:
            api.violation(f"{method} {call.path}: {found}")
        return Reply(
            400, problem(400, "Bad request", "; ".join(problems)[:500], message="Bad request")
        )
    return None


def script(api: Api, *replies: Reply) -> None:
    """Answer the next requests with ``replies``, after each is checked like any other."""
    api.state.setdefault("script", []).extend(replies)


def _answer(api: Api, call: Call, method: str, template: str, route) -> Reply:
    reply = check(api, call, method, template)
    if reply is None and api.state.get("script"):
        reply = api.state["script"].pop(0)
    if reply is None:
        reply = route(api, call)
    _check_reply(api, method, template, reply)
    return reply


def _check_reply(api: Api, method: str, template: str, reply: Reply) -> None:
    if reply.body is None:
        return
    operation, _ = _operation(method, template)
    declared = operation["responses"].get(str(reply.status), {}).get("content")
    schema = (
        declared["application/json"]["schema"]
        if declared
        else {"$ref": "#/components/schemas/supermodelIoLogisticsExpressErrorResponse"}
    )
    for error in _validator(schema).iter_errors(reply.body):
        api.violation(
            f"the test server answered {reply.status} off the published shape: {error.message}"
        )


def _book(api: Api, call: Call) -> Reply:
    planned = call.body["plannedPickupDateAndTime"]
    found = _PLANNED.fullmatch(planned)
    if not found:
        api.violation(f"plannedPickupDateAndTime {planned!r} is not YYYY-MM-DDTHH:MM:SSGMT+HH:MM")
        return Reply(
            422,
            problem(422, "Validation error", "#/plannedPickupDateAndTime is not well formatted"),
        )
    day = date.fromisoformat(found.group(1))
    moment = datetime.combine(day, datetime.min.time(), SHIPPER_ZONE).strftime("%z")
    if f"{found.group(5)}{found.group(6)}" != moment:
        api.violation(
            f"plannedPickupDateAndTime {planned!r} is not in the shipper's zone ({moment})"
        )
    today = datetime.now(SHIPPER_ZONE).date()
    if not today <= day <= today + timedelta(days=10):
        return Reply(
            400,
            problem(
                400,
                "Bad request",
                "#/plannedPickupDateAndTime: the pickup date must not be in the past nor more "
                "than 10 days in the future",
                message="Bad request",
            ),
        )
    pickups = api.state.setdefault("pickups", {})
    number = f"PRG{day:%y%m%d}{len(pickups) + 1:06d}"
    pickups[number] = {"status": "booked", "body": call.body}
    body = {
        "dispatchConfirmationNumbers": [number],
        "readyByTime": "10:00",
        "nextPickupDate": day.isoformat(),
    }
    return Reply(201, body)


def _cancel(api: Api, call: Call) -> Reply:
    number = call.params["dispatchConfirmationNumber"]
    found = api.state.setdefault("pickups", {}).get(number)
    instance = f"/expressapi/pickups/{number}"
    if found is None:
        detail = "Cancellation of booking was not successful. Requested Pickup was not found"
        return Reply(404, problem(404, "Pickup not found", detail, instance=instance))
    if found["status"] == "cancelled":
        return Reply(
            400,
            problem(
                400,
                "Bad request",
                "Pickup already cancelled",
                instance=instance,
                message="Bad request",
            ),
        )
    found["status"] = "cancelled"
    found["cancelled_by"] = call.query
    return Reply(200)


def routes() -> dict:
    return {
        ("POST", r"/pickups"): lambda api, call: _answer(api, call, "POST", "/pickups", _book),
        ("DELETE", r"/pickups/(?P<dispatchConfirmationNumber>[^/]+)"): lambda api, call: _answer(
            api, call, "DELETE", "/pickups/{dispatchConfirmationNumber}", _cancel
        ),
    }


# The failure modes, as scripted answers.
def unauthorized() -> Reply:
    return Reply(401, problem(401, "Unauthorized", "Invalid credentials"))


def field_errors(*details: str) -> Reply:
    """422 with DHL's field errors (the published example's shape: "#/path: what")."""
    body = problem(
        422,
        "Validation error",
        "Multiple problems found, see Additional Details",
        message="Unprocessable Entity",
        additionalDetails=list(details),
    )
    return Reply(422, body)


def refused(detail: str, status: int = 400) -> Reply:
    return Reply(status, problem(status, "Bad request", detail, message="Bad request"))


def too_many(retry_after: str = "1") -> Reply:
    return Reply(
        429, problem(429, "Too Many Requests", "Rate limit exceeded"), {"Retry-After": retry_after}
    )


def unavailable() -> Reply:
    return Reply(503, problem(503, "Service Unavailable", "Please try again later"))


def silent(seconds: float) -> Reply:
    """No answer before the client's time-out."""
    return Reply(503, None, delay=seconds)
