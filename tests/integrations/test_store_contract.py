"""The loopback store holds the connector to WooCommerce's published schema: it can fail. A
request with a property the schema does not name, a read-only one, a value of the wrong type,
the keys in the query string or a delete without ``force`` is a violation; and its own answers
have the published shape."""

from __future__ import annotations

import pytest
from jsonschema import Draft4Validator

from portal.sharing.parties.client import Client, basic_auth
from tests.contracts.woocommerce import PUBLISHED, writable
from tests.integrations.conftest import KEY, SECRET


def _client(app, store):
    return Client(store.url, headers={"Authorization": basic_auth(KEY, SECRET)}, attempts=1)


BAD_REQUESTS = {
    "a property outside the schema": (
        "POST",
        "/customers",
        {"email": "a@b.example", "date_of_birth": "1990-01-01"},
        {},
    ),
    "a nested property outside it": (
        "POST",
        "/customers",
        {"email": "a@b.example", "billing": {"ic_number": "9001"}},
        {},
    ),
    "a read-only property": ("POST", "/customers", {"email": "a@b.example", "id": 3}, {}),
    "no email on create": ("POST", "/customers", {"billing": {"phone": "+60123"}}, {}),
    "a phone that is not a string": (
        "POST",
        "/customers",
        {"email": "a@b.example", "billing": {"phone": 60123}},
        {},
    ),
    "keys in the query string": ("GET", "/customers", None, {"consumer_key": KEY}),
    "an argument the route has not": ("GET", "/customers", None, {"birthday": "1"}),
    "per_page past 100": ("GET", "/customers", None, {"per_page": 500}),
}


@pytest.mark.parametrize("case", list(BAD_REQUESTS))
def test_a_request_the_schema_refuses_is_a_violation(app, store, case):
    method, path, body, query = BAD_REQUESTS[case]
    with app.app_context():
        answer = _client(app, store).call(method, path, json_body=body, query=query)
    assert answer.status in (400, 401, 404)
    assert store.violations, case
    store.violations.clear()  # seen: the fixture would fail the test on it otherwise


def test_a_delete_without_force_is_refused_as_woocommerce_refuses_it(app, store):
    with app.app_context():
        answer = _client(app, store).call("DELETE", "/customers/25")
    assert answer.status == 501 and answer.body["code"] == "woocommerce_rest_trash_not_supported"


def test_the_store_answers_in_the_published_shape(app, store):
    document = {"email": "a@b.example", "billing": {"company": "Kedai", "phone": "+60123456789"}}
    with app.app_context():
        created = _client(app, store).call("POST", "/customers", json_body=document)
    assert created.status == 201 and created.headers["location"].endswith("/customers/25")
    everything = writable(
        {
            **PUBLISHED["customer"],
            "properties": {
                name: {**spec, "readonly": False}
                for name, spec in PUBLISHED["customer"]["properties"].items()
            },
        }
    )
    everything["properties"]["_links"] = {"type": "object"}
    # Every property, but the password: write-only (get_formatted_item_data leaves it out).
    everything["required"] = [name for name in everything["properties"] if name != "password"]
    Draft4Validator(everything).validate(created.body)
