"""WooCommerce: the seller's own store, through its REST API v3 and the seller's own keys.

What Koopseri says to a store, and how (WooCommerce REST API documentation,
https://woocommerce.github.io/woocommerce-rest-api-docs/, sources in
github.com/woocommerce/woocommerce-rest-api-docs ``source/includes/wp-api-v3/``):

- Authentication over HTTPS: HTTP Basic, the consumer key as the user name and the consumer
  secret as the password (``_authentication.md``, "Authentication over HTTPS"). Never in the
  query string, where a web server would log them.
- :meth:`WooCommerceConnector.check`, before the keys are saved: ``GET /customers?per_page=1
  &_fields=id`` ("List all customers", ``_customers.md``): read-only, so a key with Read or
  Read/Write permission may make it, on the very resource the portal then writes; ``_fields``
  (WordPress REST API, "Global Parameters", developer.wordpress.org/rest-api/using-the-rest-api/
  global-parameters/) keeps the store's own customers' data out of the answer.
- A store connection: ``POST /customers`` ("Create a customer") from ``Message.seller`` only,
  the email (``$.email``, mandatory, and ``$.billing.email``), the shop name
  (``$.billing.company``) and the phone (``$.billing.phone``), with our reference in
  ``$.meta_data``; the customer's ``id`` is the receipt's reference.
- A disconnection, and an erasure: ``DELETE /customers/<id>?force=true`` ("Delete a
  customer": customers cannot be trashed, ``force`` must be true). A record already gone
  (404) is what was asked for.
- A correction: ``PUT /customers/<id>`` ("Update a customer") with the corrected values only.
- Errors: ``{"code", "message", "data": {"status", "params"}}`` (``_introduction.md``,
  "Errors"; WordPress ``WP_REST_Request::has_valid_params`` adds ``params``, a field name to
  its problem for ``rest_invalid_param``, a list of names for ``rest_missing_callback_param``).
  A refused key is 401 ``woocommerce_rest_authentication_error`` (``class-wc-rest-authentication.php``:
  a wrong secret, or a Read-only key asked to write); an address already registered is 400
  ``registration-error-email-exists`` (``wc_create_new_customer``, wc-user-functions.php).

The WooCommerce plugin's own schema of a customer
(``includes/rest-api/Controllers/Version2/class-wc-rest-customers-v2-controller.php``
``get_item_schema``) is what the contract tests check every request against
(``tests/contracts/schemas/woocommerce-customers.json``).

Why the portal's own HTTPS client (:mod:`portal.sharing.parties.client`) and not the official
``WooCommerce`` package from PyPI (``woocommerce.API``, github.com/woocommerce/wc-api-python,
``woocommerce/api.py``): that client is a thin wrapper of ``requests.request`` that follows
redirects (a store answering a ``POST`` with 301 or 302 would turn it into a ``GET``, and the
keys would go on to whatever host it names), never retries and never reads ``Retry-After``,
and would add ``requests`` and its dependencies to the portal for four calls. Its
``verify_ssl`` does reach ``requests``' ``verify`` (a CA file path works), but the portal's
client already does all this the way every party's connector does: HTTPS only, no redirect,
retries of what may pass with the party's ``Retry-After`` honoured, 401/403 as refused keys,
a cap on the answer's size, and nothing of a body or a credential in a log.

A POST carries no idempotency key in WooCommerce. When a retried ``POST /customers`` meets
``registration-error-email-exists``, the record may be our own first try's: the connector
looks for a customer with that address whose ``meta_data`` holds this message's reference,
and takes it; otherwise the address belongs to another account and the store said no.
"""

from __future__ import annotations

import re

from flask import current_app

from portal.sharing.connectors import (
    CORRECTION,
    ERASURE,
    STORE_CONNECTION,
    STORE_DISCONNECTION,
    Credentials,
    DeliveryFailed,
    Message,
    Receipt,
    Refused,
    Unsupported,
    development_folder,
)
from portal.sharing.models import ThirdParty
from portal.sharing.parties.client import Answer, Client, basic_auth

API_PATH = "/wp-json/wc/v3"
# Our reference of the transfer, kept on the record it made (not personal: "KS-...").
REFERENCE_META = "koopseri_reference"
# The store's customer ids are whole numbers (the route is /customers/(?P<id>[\d]+)).
_CUSTOMER_ID = re.compile(r"^[0-9]{1,20}$")
# Error codes that mean the store does not take the email address (wc_create_new_customer,
# WC_REST_Customers_V1_Controller::update_item).
EMAIL_CODES = frozenset(
    {
        "registration-error-email-exists",
        "registration-error-invalid-email",
        "woocommerce_rest_customer_invalid_email",
    }
)


def make(party: ThirdParty, credentials: Credentials | None = None):
    """The registry's factory (``CONNECTORS["woocommerce"]``). A store is reached only with
    the seller's own keys; without them there is no store to speak to (see
    :class:`WithoutKeys`)."""
    if credentials is None:
        return WithoutKeys(party)
    return WooCommerceConnector(credentials)


class WithoutKeys:
    """A message for a store without its keys (a store disconnected, or connected before the
    portal kept keys): an erasure request cannot be made through the API, so it must go by
    email; anything else is not configured (development writes it to the folder)."""

    def __init__(self, party: ThirdParty):
        self.party = party

    def send(self, message: Message) -> Receipt:
        if message.kind == ERASURE:
            raise Unsupported("no store keys: the store is reached by email only")
        return development_folder(self.party).send(message)


class WooCommerceConnector:
    def __init__(self, credentials: Credentials):
        self.client = Client(
            credentials.url.rstrip("/") + API_PATH,
            headers={"Authorization": basic_auth(credentials.key, credentials.secret)},
            name="woocommerce",
            public_only=not current_app.config["SHARING_STORE_PRIVATE_ADDRESSES"],
        )

    def check(self) -> None:
        """Whether the keys open the store's customers, read-only and without reading any
        customer's data. Raises :class:`Refused` (``credentials``: the keys were refused;
        ``not_found``: no WooCommerce REST API answers at that address) or
        :class:`DeliveryFailed` (the store could not be reached)."""
        answer = self.client.call("GET", "/customers", query={"per_page": 1, "_fields": "id"})
        if not answer.ok:
            raise refusal(answer)
        if not isinstance(answer.body, list):  # a page, not the REST API (plain permalinks)
            raise Refused("not_found", "not a WooCommerce REST API answer")

    def send(self, message: Message) -> Receipt:
        if message.kind == STORE_CONNECTION:
            return self._create(message)
        if message.kind == STORE_DISCONNECTION:
            return self._delete(message.partner_reference)
        if message.kind == ERASURE:
            return self._erase(message.partner_references)
        if message.kind == CORRECTION:
            return self._correct(message)
        raise Unsupported(f"a store takes no {message.kind or 'generic'} message")

    # --- the customer record ------------------------------------------------------------------

    def _create(self, message: Message) -> Receipt:
        document = customer_document(message.seller)
        if "email" not in document:
            raise Refused("rejected", "a store customer needs an email address")
        document["meta_data"] = [{"key": REFERENCE_META, "value": message.reference}]
        answer = self.client.call("POST", "/customers", json_body=document)
        if answer.ok and _id_of(answer.body):
            customer = _id_of(answer.body)
            return Receipt(
                customer, f"customer record created (HTTP {answer.status}), id {customer}"
            )
        problem = refusal(answer)
        if _code_of(answer) == "registration-error-email-exists":
            earlier = self._our_earlier_record(document["email"], message.reference)
            if earlier:
                return Receipt(earlier, f"customer record created on an earlier try, id {earlier}")
        raise problem

    def _our_earlier_record(self, email: str, reference: str) -> str | None:
        """The customer our own earlier try of this message created, if the store has one."""
        try:
            answer = self.client.call(
                "GET", "/customers", query={"email": email, "_fields": "id,meta_data"}
            )
        except DeliveryFailed:
            return None
        for customer in answer.body if answer.ok and isinstance(answer.body, list) else ():
            meta = customer.get("meta_data") if isinstance(customer, dict) else None
            for item in meta if isinstance(meta, list) else ():
                ours = isinstance(item, dict) and item.get("key") == REFERENCE_META
                if ours and item.get("value") == reference:
                    return _id_of(customer)
        return None

    def _delete(self, customer: str | None) -> Receipt:
        if not customer or not _CUSTOMER_ID.match(customer):
            raise Refused("not_found", "no customer record of ours is named")
        answer = self.client.call("DELETE", f"/customers/{customer}", query={"force": "true"})
        if answer.status == 404:
            return Receipt(customer, f"customer record {customer} was already gone (HTTP 404)")
        if not answer.ok:
            raise refusal(answer)
        return Receipt(customer, f"customer record {customer} deleted (HTTP {answer.status})")

    def _erase(self, customers: tuple[str, ...]) -> Receipt:
        """Delete every customer record of ours the request names: the store then holds
        nothing Koopseri sent it (orders the seller placed in their own store are theirs)."""
        done = [self._delete(customer).reference for customer in customers]
        if not done:
            return Receipt(None, "no customer record of ours in the store")
        return Receipt(None, "customer records deleted: " + ", ".join(done))

    def _correct(self, message: Message) -> Receipt:
        customer = message.partner_reference
        if not customer or not _CUSTOMER_ID.match(customer):
            raise Unsupported("the store's customer record is not named")
        document = customer_document(message.seller)
        if not document:
            return Receipt(customer, "nothing the store holds was corrected")
        answer = self.client.call("PUT", f"/customers/{customer}", json_body=document)
        if not answer.ok:
            raise refusal(answer)
        return Receipt(customer, f"customer record {customer} corrected (HTTP {answer.status})")


def customer_document(seller) -> dict:
    """The customer record's fields from what the door allowed, and nothing else: email
    (``$.email`` and ``$.billing.email``), shop name (``$.billing.company``), phone
    (``$.billing.phone``). A field the door left out is left out here too."""
    document: dict = {}
    billing: dict = {}
    if seller.get("email"):
        document["email"] = billing["email"] = str(seller["email"])
    if seller.get("shop_name"):
        billing["company"] = str(seller["shop_name"])
    if seller.get("phone"):
        billing["phone"] = str(seller["phone"])
    if billing:
        document["billing"] = billing
    return document


def refusal(answer: Answer) -> Refused:
    """The store's error document as a refusal code; ``detail`` keeps the store's error code
    and the names of the fields it named, never their values."""
    code = _code_of(answer)
    names, problems = _params_of(answer)
    detail = " ".join([code or f"HTTP {answer.status}", *names])[:200]
    if answer.status == 404:
        return Refused("not_found", detail)
    if code in EMAIL_CODES:
        return Refused("email", detail)
    said = " ".join(names + problems).lower()
    if code in ("rest_invalid_param", "rest_missing_callback_param") or answer.status == 422:
        if "phone" in said:
            return Refused("phone", detail)
        if "email" in said:
            return Refused("email", detail)
    return Refused("rejected", detail)


def _code_of(answer: Answer) -> str:
    body = answer.body if isinstance(answer.body, dict) else {}
    code = body.get("code")
    return "".join(ch for ch in code if ch.isprintable())[:80] if isinstance(code, str) else ""


def _params_of(answer: Answer) -> tuple[list[str], list[str]]:
    body = answer.body if isinstance(answer.body, dict) else {}
    data = body.get("data") if isinstance(body.get("data"), dict) else {}
    params = data.get("params")
    if isinstance(params, dict):
        return [str(k)[:40] for k in params], [str(v)[:200] for v in params.values()]
    if isinstance(params, list):
        return [str(k)[:40] for k in params], []
    return [], []


def _id_of(document: object) -> str | None:
    value = document.get("id") if isinstance(document, dict) else None
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return str(value)
    return None
