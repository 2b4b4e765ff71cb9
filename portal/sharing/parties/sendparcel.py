"""Pos Malaysia SendParcel: a seller's pickup booked, and cancelled, through Pos Malaysia's API.

What is published, and followed here:

- Pos Malaysia, *Pos Standard API v2.1 — Contract Customer*, the Postman collection published
  at https://api-doc.pos.com.my/ (collection ``2sAXjSyorM``). §1 Environments: staging
  ``https://api-dev.pos.com.my``, production ``https://posapi.pos.com.my`` (the value of
  ``SHARING_ENDPOINTS["sendparcel"]``). §2 Authentication: an OAuth 2.0 bearer token from the
  client-credentials grant, valid 24 hours; production ``client_id``/``client_secret`` come
  from *SendParcel Pro → Store Integration*. §3 Conventions: JSON bodies (the token request
  form-encoded, RFC 6749 §4.4.2), country codes ISO 3166-1 alpha-2, weight in kg with at most
  30 kg a parcel, dimensions in cm, times in Malaysia time.
- The token request ``POST /oauth2/token`` (``grant_type``, ``client_id``, ``client_secret``)
  and the *Create Order* request ``POST /api/order/v2.1/create`` as the collection's users
  publish them (e.g. public integrations calling ``posapi.pos.com.my``): ``account_number``,
  ``subscription_code``, ``reference.merchant_reference_number``, ``pickup.required``,
  ``pickup.date``, ``pickup.timeslot.start_time``/``end_time`` (``HH:mm``), ``sender.name``,
  ``sender.phone_number`` (``+60…``), ``sender.address.address1``/``address2``/``city``/
  ``state`` (Pos's state names, "WP Kuala Lumpur")/``country``/``postcode``,
  ``parcel_details[].weight``/``length``/``width``/``height``/``item_count``; a success answer
  ``{"message": "success", "data": {…}}`` and an error answer ``{"message", "reason": […]}``.

What is NOT found in public sources, and assumed (docs/parties/sendparcel.md says the same):

- A pickup booked on its own, without a consignment: the collection books a pickup only as
  part of an order, which needs a receiver the portal does not have. Assumed:
  ``POST /api/pickup/v2.1/create`` taking the Create Order fields above less the receiver
  (``account_number``, ``subscription_code``, ``reference``, ``pickup``, ``sender``,
  ``parcel_details``), answering ``data.pickup_number``.
- Cancelling it: the collection names a cancellation but its request is not public. Assumed:
  ``POST /api/pickup/v2.1/cancel`` with ``account_number``, ``pickup_number`` and ``remark``,
  the remark modelled on EasyParcel's published cancellation (``POST /open_api/2025-09/
  shipment/cancel``, ``cancel_list[].shipment_number`` and a required ``remark``:
  github.com/easyparcel/OpenAPI, ``source/includes/2025-09/_cancelshipment.md``); 404 for a
  pickup it does not know, 409 for one already cancelled or collected.
- Error documents: each ``reason`` begins with the request field it is about
  (``"pickup.date: …"``), and validation errors answer 422.

The door hands over the seller's ``name``, ``address`` and ``phone`` only (the registry's
categories for SendParcel); they go into ``sender`` and nowhere else, and the parcel size
becomes a weight and a box. The seller's email is never sent, though Create Order takes one.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING

from portal.countries import MY_STATES
from portal.sharing.connectors import (
    ERASURE,
    PICKUP,
    PICKUP_CANCELLATION,
    Connector,
    Credentials,
    DeliveryFailed,
    Message,
    Receipt,
    Refused,
    Unsupported,
    development_folder,
    koopseri_keys,
)
from portal.sharing.parties.client import Answer, Client

if TYPE_CHECKING:
    from portal.sharing.models import ThirdParty

TOKEN_PATH = "/oauth2/token"  # noqa: S105 (a path, not a secret)
PICKUP_PATH = "/api/pickup/v2.1/create"  # assumed, see above
CANCEL_PATH = "/api/pickup/v2.1/cancel"  # assumed, see above
KEYS = ("client_id", "client_secret", "account_number", "subscription_code")

# The portal's parcel sizes (shipping.services.PARCEL_SIZES) as Pos prices them: the top
# weight of each band (never under-declared) and a box of that kind, in kg and cm.
PARCELS = {
    "small": {"weight": 2.0, "length": 35.0, "width": 25.0, "height": 15.0},
    "medium": {"weight": 10.0, "length": 50.0, "width": 40.0, "height": 40.0},
    "large": {"weight": 30.0, "length": 60.0, "width": 50.0, "height": 50.0},
}
# The seller picks a day; the courier may come any time in Pos's working day.
TIMESLOT = {"start_time": "09:00", "end_time": "18:00"}
NAME_MAX = 100  # the longest sender name Create Order takes

# ISO 3166-2:MY codes (what the profile keeps) as Pos names the states: their own names, the
# federal territories shortened as Pos writes them.
STATES = {
    **MY_STATES,
    "MY-14": "WP Kuala Lumpur",
    "MY-15": "WP Labuan",
    "MY-16": "WP Putrajaya",
}

# A reason's field (the words before its colon), as the refusal the door words for the seller.
FIELD_REFUSALS = (
    ("pickup.date", "date"),
    ("pickup.timeslot", "date"),
    ("sender.address", "address"),
    ("sender.phone_number", "phone"),
)
_FIELD = re.compile(r"[a-z_][a-z0-9_]*(?:\[\d+\])?(?:\.[a-z_][a-z0-9_]*(?:\[\d+\])?)*")

# Bearer tokens by (API, client id): one a day per process, not one per pickup.
_tokens: dict[tuple[str, str], tuple[str, float]] = {}
_tokens_lock = threading.Lock()


def make(party: ThirdParty, credentials: Credentials | None = None) -> Connector:
    """The registry's factory: SendParcel's API when ``SHARING_ENDPOINTS`` names it, with
    Koopseri's keys from ``SHARING_CREDENTIALS``; else the development folder."""
    configured = koopseri_keys(party, KEYS)
    if configured is None:
        return development_folder(party)
    return SendParcel(*configured, name=party.slug)


def forget_tokens() -> None:
    """Drop every cached token (a key rotated; tests)."""
    with _tokens_lock:
        _tokens.clear()


class SendParcel:
    def __init__(self, url: str, keys: Mapping[str, str], *, name: str = "sendparcel"):
        self.url = url
        self.keys = {name: str(keys[name]) for name in KEYS}
        self.client = Client(url, name=name)

    def __repr__(self) -> str:  # never a key, in a traceback or a log
        return f"SendParcel(url={self.url!r})"

    def send(self, message: Message) -> Receipt:
        if message.kind == PICKUP:
            return self._book(message)
        if message.kind == PICKUP_CANCELLATION:
            if not message.partner_reference:
                raise Refused("not_found", "no SendParcel pickup number on record")
            # Our references only: the booking's, and this message's.
            remark = f"Cancelled by the seller (booking {message.cancels}, {message.reference})"
            number = self._cancel(message.partner_reference, remark)
            return Receipt(reference=number, outcome=f"pickup {number} cancelled")
        if message.kind == ERASURE:
            return self._erase(message)
        raise Unsupported(f"SendParcel's API has no request for {message.kind or 'this'}")

    def _book(self, message: Message) -> Receipt:
        answer = self._call(PICKUP_PATH, pickup_request(message, self.keys))
        if not _success(answer):
            raise refusal(answer)
        data = answer.body.get("data")  # a dict: _success checked the document
        number = _clean(data.get("pickup_number") if isinstance(data, dict) else None)
        if not number:
            raise DeliveryFailed("SendParcel answered without a pickup number")
        return Receipt(reference=number, outcome=f"pickup booked, their reference {number}")

    def _cancel(self, number: str, remark: str) -> str:
        body = {"account_number": self.keys["account_number"], "pickup_number": number}
        answer = self._call(CANCEL_PATH, {**body, "remark": remark})
        if answer.status in (404, 409):  # unknown, or already cancelled or collected
            raise Refused("not_found", f"HTTP {answer.status}")
        if not _success(answer):
            raise refusal(answer)
        return number

    def _erase(self, message: Message) -> Receipt:
        """Cancel the open pickups; what Pos keeps of past ones only its privacy contact can
        be asked to erase (``erased=False``: the door emails it)."""
        cancelled = closed = 0
        for number in message.partner_references:
            try:
                self._cancel(number, f"Cancelled by Koopseri ({message.reference})")
                cancelled += 1
            except Refused as exc:
                if exc.code != "not_found":
                    raise
                closed += 1
        outcome = f"{cancelled} open pickups cancelled, {closed} already closed"
        return Receipt(reference=None, outcome=outcome, erased=False)

    def _call(self, path: str, body: dict) -> Answer:
        """POST ``body`` with a bearer token; a cached token the API refuses is replaced
        once (Pos may revoke one before its 24 hours)."""
        token, fresh = self._token()
        try:
            return self.client.call("POST", path, json_body=body, headers=_bearer(token))
        except Refused as exc:
            if exc.code != "credentials" or fresh:
                raise
        self._forget()
        token, _ = self._token()
        return self.client.call("POST", path, json_body=body, headers=_bearer(token))

    def _token(self) -> tuple[str, bool]:
        key = (self.url, self.keys["client_id"])
        with _tokens_lock:
            cached = _tokens.get(key)
        if cached and cached[1] > time.monotonic():
            return cached[0], False
        form = {
            "grant_type": "client_credentials",
            "client_id": self.keys["client_id"],
            "client_secret": self.keys["client_secret"],
        }
        answer = self.client.call("POST", TOKEN_PATH, form=form)
        body = answer.body if isinstance(answer.body, dict) else {}
        token = body.get("access_token")
        if not answer.ok or not isinstance(token, str) or not token:
            # RFC 6749 §5.2: an unknown client or secret is 400 or 401 ``invalid_client``.
            raise Refused("credentials", f"token HTTP {answer.status}")
        lifetime = body.get("expires_in")
        lifetime = lifetime if isinstance(lifetime, int) and lifetime > 0 else 86400
        with _tokens_lock:
            _tokens[key] = (token, time.monotonic() + max(lifetime - 60, 1))
        return token, True

    def _forget(self) -> None:
        with _tokens_lock:
            _tokens.pop((self.url, self.keys["client_id"]), None)


def pickup_request(message: Message, keys: Mapping[str, str]) -> dict:
    """The booking's body: the seller's name, phone and address (as the door gave them, and
    nothing else of the seller), the day and the parcel. Raises :class:`Refused` ``address``
    for an address Pos cannot serve (outside Malaysia), before anything is sent."""
    seller = message.seller
    size = str(message.details.get("parcel_size", ""))
    if size not in PARCELS:
        raise Refused("rejected", "unknown parcel size")
    sender: dict[str, object] = {}
    if seller.get("name"):
        sender["name"] = str(seller["name"])[:NAME_MAX]
    if seller.get("phone"):
        sender["phone_number"] = str(seller["phone"])
    if isinstance(seller.get("address"), Mapping):
        sender["address"] = _address(seller["address"])
    return {
        "account_number": keys["account_number"],
        "subscription_code": keys["subscription_code"],
        "reference": {"merchant_reference_number": message.reference},
        "pickup": {
            "required": True,
            "date": str(message.details.get("pickup_date", "")),
            "timeslot": dict(TIMESLOT),
        },
        "sender": sender,
        "parcel_details": [{**PARCELS[size], "item_count": 1}],
    }


def _address(address: Mapping[str, object]) -> dict:
    if address.get("country") != "MY" or address.get("state") not in STATES:
        raise Refused("address", "not a Malaysian state")
    found = {"address1": str(address.get("line1") or "")}
    if address.get("line2"):
        found["address2"] = str(address["line2"])
    found.update(
        city=str(address.get("city") or ""),
        state=STATES[address["state"]],
        postcode=str(address.get("postcode") or ""),
        country="MY",
    )
    return found


def refusal(answer: Answer) -> Refused:
    """The party's error document as a refusal the door words for the seller. Only the
    fields' names go into the detail (a reason's text may repeat what the seller gave)."""
    fields = reason_fields(answer.body)
    for field in fields:
        for prefix, code in FIELD_REFUSALS:
            if field == prefix or field.startswith(prefix + "."):
                return Refused(code, f"HTTP {answer.status} {field}")
    return Refused("rejected", f"HTTP {answer.status} {','.join(fields)}"[:120])


def reason_fields(document: object) -> list[str]:
    """The request fields an error document's ``reason`` entries are about, in order."""
    reasons = document.get("reason") if isinstance(document, dict) else None
    if isinstance(reasons, str):
        reasons = [reasons]
    found = []
    for reason in reasons if isinstance(reasons, list) else ():
        head = str(reason).split(":", 1)[0].strip()
        if ":" in str(reason) and _FIELD.fullmatch(head):
            found.append(head)
    return found


def _success(answer: Answer) -> bool:
    body = answer.body if isinstance(answer.body, dict) else {}
    return answer.ok and body.get("message") == "success"


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _clean(value: object) -> str | None:
    """A reference of the party's as we keep it: printable, at most 64 characters."""
    if not isinstance(value, str | int) or isinstance(value, bool):
        return None
    return "".join(ch for ch in str(value) if ch.isprintable())[:64] or None
