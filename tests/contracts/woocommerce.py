"""A WooCommerce store's REST API v3, the customers endpoints, for real on loopback HTTPS.

Every request is checked against what WooCommerce publishes (``schemas/woocommerce-customers.json``,
its sources at the top): the customer schema of the plugin's REST controller for the bodies
(read-only properties may not be sent, and a property the schema does not name is a
violation, where WordPress would drop it silently), the route arguments for the query
strings (``force`` to delete; the list parameters), HTTP Basic with the keys the store was
made with (``class-wc-rest-authentication.php``: an unknown key is no user, so the route's
permission check answers 401; a wrong secret and a Read-only key asked to write are 401
``woocommerce_rest_authentication_error``), and never the keys in the query string.

Answers have the published shapes (the customer document of ``get_formatted_item_data``, 201
with ``Location`` on create, the deleted document on delete, ``X-WP-Total`` on lists) and the
published error documents (``{"code", "message", "data": {"status"}}``): an address already
registered (``registration-error-email-exists``, 400), a customer that is not there
(``wc_user_invalid_id``, 404), a delete without ``force`` (``woocommerce_rest_trash_not_supported``,
501). The failure modes a store (or the host in front of it) shows come from :func:`refused_keys`,
:func:`field_errors`, :func:`too_many`, :func:`unavailable` and :func:`slow`, given to
``Api.fail_next``.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from jsonschema import Draft4Validator, FormatChecker

from tests.contracts.server import Api, Call, Reply, serve_api

BASE_PATH = "/wp-json/wc/v3"
PUBLISHED = json.loads(
    (Path(__file__).parent / "schemas" / "woocommerce-customers.json").read_text()
)
ID = r"(?P<id>[\d]+)"  # the plugin's route: /customers/(?P<id>[\d]+)
_TYPES = {"date-time": "string", "bool": "boolean", "mixed": None}


def writable(node: dict) -> dict:
    """The JSON Schema of what a client may send for a WordPress schema ``node``."""
    kind = _TYPES.get(node.get("type"), node.get("type"))
    schema: dict = {} if kind is None else {"type": kind}
    if "format" in node:
        schema["format"] = node["format"]
    if kind == "object" and "properties" in node:
        schema["properties"] = {
            name: writable(child)
            for name, child in node["properties"].items()
            if not child.get("readonly")
        }
        schema["additionalProperties"] = False
    if kind == "array" and "items" in node:
        schema["items"] = writable(node["items"])
    return schema


CREATE = Draft4Validator(
    {**writable(PUBLISHED["customer"]), "required": ["email"]}, format_checker=FormatChecker()
)
UPDATE = Draft4Validator(writable(PUBLISHED["customer"]), format_checker=FormatChecker())
LIST_PARAMS = {**PUBLISHED["collection_params"], **PUBLISHED["global_params"]}
DELETE_PARAMS = {**PUBLISHED["delete_params"], **PUBLISHED["global_params"]}


# --- failure modes -----------------------------------------------------------------------------


def refused_keys(message: str = "Consumer secret is invalid.") -> Reply:
    return _error(401, "woocommerce_rest_authentication_error", message)


def field_errors(params: dict[str, str], status: int = 400) -> Reply:
    """WordPress's answer to arguments its schema refuses (``rest_invalid_param``)."""
    reply = _error(status, "rest_invalid_param", "Invalid parameter(s): " + ", ".join(params))
    reply.body["data"]["params"] = params
    return reply


def too_many(retry_after: str = "1") -> Reply:
    reply = _error(429, "too_many_requests", "Too many requests.")
    reply.headers["Retry-After"] = retry_after
    return reply


def unavailable() -> Reply:
    return _error(503, "service_unavailable", "The store is down for maintenance.")


def slow(seconds: float) -> Reply:
    """An answer later than the client waits: a time-out."""
    return Reply(200, [], delay=seconds)


def _error(status: int, code: str, message: str) -> Reply:
    return Reply(status, {"code": code, "message": message, "data": {"status": status}})


# --- the store -------------------------------------------------------------------------------


@contextmanager
def serve_woocommerce(
    folder: Path, *, key: str, secret: str, permissions: str = "read_write"
) -> Iterator[Api]:
    """A store whose REST API key is ``key``/``secret`` with ``permissions`` (``read``,
    ``write`` or ``read_write``). ``api.state["accounts"]`` holds the emails of accounts the
    store already has (its administrator's, say); ``api.state["customers"]`` what it keeps."""
    routes = {
        ("GET", "/customers"): _guarded(_list),
        ("POST", "/customers"): _guarded(_create),
        ("PUT", f"/customers/{ID}"): _guarded(_update),
        ("DELETE", f"/customers/{ID}"): _guarded(_delete),
    }
    with serve_api(folder, BASE_PATH, routes) as api:
        api.state.update(
            key=key, secret=secret, permissions=permissions, customers={}, accounts=set(), next=25
        )
        yield api


def store_url(api: Api) -> str:
    """The address a seller types: the site, without the API's path."""
    return api.url.removesuffix(BASE_PATH)


def _guarded(handler):
    def run(api: Api, call: Call) -> Reply:
        refusal = _authenticate(api, call)
        if refusal is not None:
            return refusal
        problem = _shape_problem(call)
        if problem is not None:
            api.violation(f"{call.method} {call.path}: {problem}")
            return field_errors({"request": problem})
        return handler(api, call)

    return run


NOT_ALLOWED = {
    "GET": ("woocommerce_rest_cannot_view", "Sorry, you cannot list resources."),
    "POST": ("woocommerce_rest_cannot_create", "Sorry, you are not allowed to create resources."),
    "PUT": ("woocommerce_rest_cannot_edit", "Sorry, you are not allowed to edit this resource."),
    "DELETE": (
        "woocommerce_rest_cannot_delete",
        "Sorry, you are not allowed to delete this resource.",
    ),
}


def _authenticate(api: Api, call: Call) -> Reply | None:
    if "consumer_key" in call.query or "consumer_secret" in call.query:
        api.violation(f"{call.method} {call.path}: the keys in the query string")
    user, _, password = _basic(call.headers.get("authorization", ""))
    if user != api.state["key"]:  # no such key: no user, and the route's permission check fails
        return _error(401, *NOT_ALLOWED[call.method])
    if password != api.state["secret"]:
        return refused_keys()
    permissions = api.state["permissions"]
    if call.method == "GET" and permissions not in ("read", "read_write"):
        return refused_keys("The API key provided does not have read permissions.")
    if call.method != "GET" and permissions not in ("write", "read_write"):
        return refused_keys("The API key provided does not have write permissions.")
    return None


def _basic(header: str) -> tuple[str, str, str]:
    if not header.startswith("Basic "):
        return "", "", ""
    try:
        return base64.b64decode(header[6:], validate=True).decode().partition(":")
    except ValueError:
        return "", "", ""


def _shape_problem(call: Call) -> str | None:
    """What in the request the published API does not define, or None."""
    if call.method in ("POST", "PUT"):
        if not call.headers.get("content-type", "").startswith("application/json"):
            return "the body is not sent as application/json"
        validator = CREATE if call.method == "POST" else UPDATE
        errors = sorted(validator.iter_errors(call.body), key=lambda e: list(e.path))
        if errors:
            where = "/".join(str(p) for p in errors[0].path) or "(the document)"
            return f"{where}: {errors[0].message}"
    elif call.body is not None:
        return "a body on a request that takes none"
    params = LIST_PARAMS if call.method == "GET" else DELETE_PARAMS
    for name, values in call.query.items():
        if call.method in ("POST", "PUT") or name not in params:
            return f"query parameter {name!r} is not an argument of this route"
        problem = _param_problem(params[name], values[-1])
        if problem:
            return f"query parameter {name!r}: {problem}"
    return None


def _param_problem(spec: dict, value: str) -> str | None:
    if spec["type"] == "integer":
        if not re.fullmatch(r"-?\d+", value):
            return "not an integer"
        number = int(value)
        if number < spec.get("minimum", number) or number > spec.get("maximum", number):
            return "out of range"
    if spec["type"] == "boolean" and value not in ("true", "false", "1", "0"):
        return "not a boolean"
    if "enum" in spec and value not in spec["enum"]:
        return "not one of " + ", ".join(spec["enum"])
    if spec.get("format") == "email" and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
        return "not an email address"
    return None


# --- the routes ----------------------------------------------------------------------------


def _list(api: Api, call: Call) -> Reply:
    query = {name: values[-1] for name, values in call.query.items()}
    role = query.get("role", "customer")
    found = [
        customer
        for customer in api.state["customers"].values()
        if (role == "all" or customer["role"] == role)
        and ("email" not in query or customer["email"].lower() == query["email"].lower())
    ]
    per_page = int(query.get("per_page", 10))
    page = found[:per_page]
    if "_fields" in query:
        wanted = query["_fields"].split(",")
        page = [{name: c[name] for name in wanted if name in c} for c in page]
    pages = -(-len(found) // per_page)
    return Reply(200, page, {"X-WP-Total": str(len(found)), "X-WP-TotalPages": str(pages)})


def _create(api: Api, call: Call) -> Reply:
    email = call.body["email"]
    taken = {c["email"].lower() for c in api.state["customers"].values()}
    if email.lower() in taken | {a.lower() for a in api.state["accounts"]}:
        return _error(
            400,
            "registration-error-email-exists",
            "An account is already registered with your email address. Please log in.",
        )
    customer_id = api.state["next"]
    api.state["next"] += 1
    customer = _customer(api, customer_id, call.body)
    api.state["customers"][customer_id] = customer
    return Reply(201, customer, {"Location": f"{api.url}/customers/{customer_id}"})


def _update(api: Api, call: Call) -> Reply:
    customer = api.state["customers"].get(int(call.params["id"]))
    if customer is None:
        return _error(404, "wc_user_invalid_id", "Invalid user ID.")
    for name, value in call.body.items():
        if isinstance(value, dict):
            customer[name].update(value)
        elif name != "meta_data":
            customer[name] = value
    return Reply(200, customer)


def _delete(api: Api, call: Call) -> Reply:
    if call.query.get("force", ["false"])[-1] not in ("true", "1"):
        return _error(
            501, "woocommerce_rest_trash_not_supported", "Customers do not support trashing."
        )
    customer = api.state["customers"].pop(int(call.params["id"]), None)
    if customer is None:
        return _error(404, "wc_user_invalid_id", "Invalid user ID.")
    return Reply(200, customer)


def _customer(api: Api, customer_id: int, sent: dict) -> dict:
    """The document ``get_formatted_item_data`` makes of a new customer (edit context)."""
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    blank = dict.fromkeys(PUBLISHED["customer"]["properties"]["billing"]["properties"], "")
    shipping = dict.fromkeys(PUBLISHED["customer"]["properties"]["shipping"]["properties"], "")
    meta = [
        {"id": 100 + index, "key": item["key"], "value": item["value"]}
        for index, item in enumerate(sent.get("meta_data", []))
    ]
    return {
        "id": customer_id,
        "date_created": now,
        "date_created_gmt": now,
        "date_modified": now,
        "date_modified_gmt": now,
        "email": sent["email"],
        "first_name": sent.get("first_name", ""),
        "last_name": sent.get("last_name", ""),
        "role": "customer",
        "username": sent.get("username") or sent["email"].split("@")[0],
        "billing": {**blank, **sent.get("billing", {})},
        "shipping": {**shipping, **sent.get("shipping", {})},
        "is_paying_customer": False,
        "orders_count": 0,
        "total_spent": "0.00",
        "avatar_url": "https://secure.gravatar.com/avatar/?s=96",
        "meta_data": meta,
        "_links": {
            "self": [{"href": f"{api.url}/customers/{customer_id}"}],
            "collection": [{"href": f"{api.url}/customers"}],
        },
    }
