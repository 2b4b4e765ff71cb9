"""DHL Express, through the MyDHL API: a pickup booked, a pickup cancelled, and what an
erasure request can do through the API (cancel the pickups still open).

Written against the MyDHL API 3.3.1 OpenAPI document, released 2026-06-28
(https://developer.dhl.com/sites/default/files/2026-07/dpdhl-express-api-3.3.1.yaml, linked
from https://developer.dhl.com/api-reference/dhl-express-mydhl-api):

- ``POST /pickups``: ``supermodelIoLogisticsExpressPickupRequest``; the answer (201) is a
  ``supermodelIoLogisticsExpressPickupResponse`` whose ``dispatchConfirmationNumbers[0]`` is
  the booking's number, our ``Receipt.reference``. ``plannedPickupDateAndTime`` is the local
  time of the shipper's zone with its offset ("2019-08-04T14:00:31GMT+01:00"), no earlier
  than today and no more than 10 days ahead; ``customerDetails.*.contactInformation``
  requires ``phone``, ``companyName`` and ``fullName``; an address line holds 45 characters.
- ``DELETE /pickups/{dispatchConfirmationNumber}`` with the required query parameters
  ``requestorName`` and ``reason``; 404 "Pickup not found".
- Every operation: HTTP Basic (``securitySchemes.basicAuth``: the API key and secret from
  the DHL developer portal), the required ``x-version`` header (the document's version),
  ``Message-Reference`` (1 to 36 characters) and ``Message-Reference-Date`` (an RFC 7231
  HTTP-date). Problems come back as ``supermodelIoLogisticsExpressErrorResponse`` (title,
  detail, status, instance, message, ``additionalDetails``: "#/path: what is wrong").
- Product: global product code ``N``, DHL Express "DOMESTIC EXPRESS" (DHL's reference data,
  dataset ``productCode``); ``SHARING_CREDENTIALS["dhl"]["product"]`` may name another that
  the account is set up for.

Why not karrio (``karrio`` and ``karrio.mydhl`` 2026.1.32, read and run in a scratch venv):
importing karrio sets ``ssl._create_default_https_context = ssl._create_unverified_context``
(``karrio/core/utils/helpers.py``), turning off certificate checks for every HTTPS call the
portal makes without its own context, and ``PIL.ImageFile.LOAD_TRUNCATED_IMAGES = True``,
which loosens the documents room's image checks; it needs lxml, PyPDF2, py-soap,
python-barcode and loguru at run time; its pickup request sends ``plannedPickupDateAndTime``
as "2026-12-08T10:00:00 GMT+00:00" (the local time labelled as UTC), always adds
``mobilePhone`` (a copy of the phone) and ``location`` "reception", sends no ``x-version``
nor ``Message-Reference``, and its cancellation sends neither ``requestorName`` nor
``reason``, both required; its generated types declare ``postalCode`` an int (jstruct does
not convert, so "01000" survives today, but nothing guards it); its unified
``PickupRequest.address`` carries email, company and tax ids, which the door would have to
keep empty field by field. Here the request is built from the door's ``Message`` alone, so
exactly the paths listed in ``docs/parties/dhl.md`` leave, and the portal's one HTTPS client
(``parties.client``) sends it: its CA, time-outs, Retry-After and logging rules.
"""

from __future__ import annotations

import re
import textwrap
import uuid
from datetime import UTC, date, datetime, time
from email.utils import format_datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

from portal.sharing.connectors import (
    ERASURE,
    PICKUP,
    PICKUP_CANCELLATION,
    Connector,
    Credentials,
    Message,
    Receipt,
    Refused,
    Unsupported,
    development_folder,
    koopseri_keys,
)
from portal.sharing.models import ThirdParty
from portal.sharing.parties.client import Answer, Client, basic_auth

API_VERSION = "3.3.1"  # sent as x-version: the document the requests were written against
SHIPPER_ZONE = ZoneInfo("Asia/Kuala_Lumpur")  # Koopseri's sellers ship from Malaysia
READY_AT = time(10, 0)  # the parcel is ready from 10 am on the day the seller chose
CLOSE_TIME = "18:00"
LOCATION = "front door"
DOMESTIC_EXPRESS = "N"
REQUESTOR = "Koopseri"  # who asks DHL to cancel: the portal, never a person's name
LINE = 45  # characters in one of DHL's address lines (three of them)
# What the seller's parcel size means to DHL: the largest a size allows, metric (kg, cm).
PACKAGES = {
    "small": {"weight": 2, "dimensions": {"length": 30, "width": 20, "height": 15}},
    "medium": {"weight": 10, "dimensions": {"length": 50, "width": 40, "height": 30}},
    "large": {"weight": 30, "dimensions": {"length": 70, "width": 50, "height": 50}},
}
# A stable namespace for Message-Reference: the same message gives the same UUID on a retry.
_REFERENCES = uuid.UUID("5d0f2c7e-6c3b-4f43-9d6a-6b1f0e7a9c21")
_NUMBER = re.compile(r"[A-Za-z0-9]{1,35}")


def make(party: ThirdParty, credentials: Credentials | None = None) -> Connector:
    """The MyDHL connector for ``party`` (``SHARING_ENDPOINTS[slug]``, the API's base, and
    ``SHARING_CREDENTIALS[slug]``: username, password, account), or the development folder
    when no endpoint is configured. Raises :class:`NotConfigured` when keys are missing."""
    configured = koopseri_keys(party, ("username", "password", "account"))
    if configured is None:
        return development_folder(party)
    return MyDhl(*configured)


class MyDhl:
    def __init__(self, base_url: str, keys: dict):
        self.client = Client(
            base_url,
            headers={
                "Authorization": basic_auth(keys["username"], keys["password"]),
                "x-version": API_VERSION,
            },
            name="mydhl",
        )
        self.account = str(keys["account"])
        self.product = str(keys.get("product") or DOMESTIC_EXPRESS)

    def send(self, message: Message) -> Receipt:
        if message.kind == PICKUP:
            return self._book(message)
        if message.kind == PICKUP_CANCELLATION:
            if not message.partner_reference:
                raise Refused("not_found", "no dispatch confirmation number to cancel")
            self._cancel(
                message.partner_reference, message.reference, message.sent_at, "seller cancelled"
            )
            return Receipt(None, f"DHL cancelled pickup {message.partner_reference}")
        if message.kind == ERASURE:
            return self._erase(message)
        raise Unsupported(f"the MyDHL API has no way to say {message.kind or 'this'}")

    def _book(self, message: Message) -> Receipt:
        body = pickup_request(message, account=self.account, product=self.product)
        answer = self.client.call(
            "POST",
            "/pickups",
            json_body=body,
            headers=reference_headers(message.reference, message.sent_at),
        )
        if not answer.ok:
            raise refusal(answer)
        numbers = (
            answer.body.get("dispatchConfirmationNumbers")
            if isinstance(answer.body, dict)
            else None
        )
        number = numbers[0] if isinstance(numbers, list) and numbers else None
        if not isinstance(number, str) or not _NUMBER.fullmatch(number):
            raise Refused(
                "rejected", f"HTTP {answer.status} without a dispatch confirmation number"
            )
        return Receipt(number, f"DHL booked pickup {number} (HTTP {answer.status})")

    def _cancel(self, number: str, reference: str, sent_at: datetime, reason: str) -> Answer:
        answer = self.client.call(
            "DELETE",
            f"/pickups/{quote(number, safe='')}",
            query={"requestorName": REQUESTOR, "reason": reason},
            headers=reference_headers(reference, sent_at),
        )
        if not answer.ok:
            raise refusal(answer, cancelling=True)
        return answer

    def _erase(self, message: Message) -> Receipt:
        """Cancel each open pickup; DHL keeps the records of what it was sent, which only its
        privacy contact can be asked to erase (``erased=False``)."""
        cancelled = gone = 0
        for number in message.partner_references:
            try:
                self._cancel(
                    number,
                    f"{message.reference}/{number}",
                    message.sent_at,
                    "seller account closed",
                )
                cancelled += 1
            except Refused as exc:
                if exc.code != "not_found":
                    raise
                gone += 1  # collected, cancelled already, or past: nothing open to cancel
        outcome = (
            f"DHL cancelled {cancelled} open pickup(s), {gone} no longer open; DHL keeps its "
            "records, so its privacy contact must be asked to erase them"
        )
        return Receipt(None, outcome, erased=False)


def reference_headers(reference: str, sent_at: datetime) -> dict[str, str]:
    """``Message-Reference`` (a UUID derived from our reference, 36 characters: the same on
    every try of one message) and ``Message-Reference-Date`` (an HTTP-date)."""
    return {
        "Message-Reference": str(uuid.uuid5(_REFERENCES, reference)),
        "Message-Reference-Date": format_datetime(sent_at.astimezone(UTC), usegmt=True),
    }


def pickup_request(message: Message, *, account: str, product: str) -> dict:
    """The ``POST /pickups`` body: the day and size the seller chose, our account, and the
    seller's name, address and phone from ``message.seller`` (nothing else of theirs).
    Raises :class:`Refused` (``address``) for an address DHL's lengths cannot hold."""
    seller = message.seller
    day = date.fromisoformat(str(message.details["pickup_date"]))
    size = str(message.details["parcel_size"])
    party = {
        "postalAddress": postal_address(seller["address"]),
        "contactInformation": contact(seller),
    }
    return {
        "plannedPickupDateAndTime": planned_pickup(day),
        "closeTime": CLOSE_TIME,
        "location": LOCATION,
        "locationType": "business",
        "accounts": [{"typeCode": "shipper", "number": account}],
        "customerDetails": {"shipperDetails": party, "pickupDetails": dict(party)},
        "shipmentDetails": [
            {
                "productCode": product,
                "isCustomsDeclarable": False,
                "unitOfMeasurement": "metric",
                "packages": [PACKAGES[size]],
            }
        ],
    }


def planned_pickup(day: date) -> str:
    """``day`` at :data:`READY_AT` in the shipper's zone, as MyDHL writes it:
    "2026-12-08T10:00:00GMT+08:00"."""
    moment = datetime.combine(day, READY_AT, SHIPPER_ZONE)
    offset = moment.strftime("%z")  # +0800
    return f"{moment:%Y-%m-%dT%H:%M:%S}GMT{offset[:3]}:{offset[3:]}"


def postal_address(address: dict) -> dict:
    """The seller's address in DHL's lines of 45 characters (up to three, broken between
    words); the postcode as the string it is, so "01000" keeps its zero."""
    street = " ".join(
        part.strip()
        for part in (address.get("line1"), address.get("line2"))
        if part and part.strip()
    )
    lines = textwrap.wrap(street, LINE, break_long_words=True)
    city = (address.get("city") or "").strip()
    if not lines or len(lines) > 3 or not city or len(city) > LINE:
        raise Refused("address", "the address does not fit DHL's lines")
    found = {
        "postalCode": str(address.get("postcode") or ""),
        "cityName": city,
        "countryCode": str(address.get("country") or ""),
        "addressLine1": lines[0],
    }
    for index, line in enumerate(lines[1:], start=2):
        found[f"addressLine{index}"] = line
    if address.get("state"):
        found["provinceCode"] = str(address["state"])
    return found


def contact(seller: dict) -> dict:
    """Name and phone. MyDHL requires a company name too: a seller trades in their own name,
    so it is the same name (no other data of theirs)."""
    name = str(seller["name"]).strip()
    return {"phone": str(seller["phone"]), "companyName": name[:100], "fullName": name[:255]}


# What in DHL's words points at the date, the address or the phone (its field paths, and the
# words of its business errors); checked in this order.
_DATE = r"plannedPickupDateAndTime|closeTime|(?<!Reference-)\bdate\b|holiday|weekend|cut-?off"
_ADDRESS = r"postal ?(Address|Code)|postcode|cityName|\bcity\b|addressLine|\baddress\b|provinceCode"
_CAUSES = [
    ("date", re.compile(_DATE, re.I)),
    ("address", re.compile(_ADDRESS + "|countryCode", re.I)),
    ("phone", re.compile("phone", re.I)),
]
_GONE = re.compile(r"already cancel|completed|not found", re.I)


def refusal(answer: Answer, *, cancelling: bool = False) -> Refused:
    """DHL's error document as a :class:`Refused` code. The detail kept for the log is DHL's
    status, its numeric codes and field paths only: never its free text, which may quote
    what the seller wrote."""
    document = answer.body if isinstance(answer.body, dict) else {}
    words = [document.get("title"), document.get("detail"), document.get("message")]
    extra = document.get("additionalDetails")
    if isinstance(extra, list):
        words += extra
    text = " ".join(str(word) for word in words if isinstance(word, str))
    codes = sorted(set(re.findall(r"\b\d{3,6}(?=:)", text)) | set(re.findall(r"#/[\w/]+", text)))
    detail = f"HTTP {answer.status} " + " ".join(codes)[:200]
    if cancelling and (answer.status == 404 or _GONE.search(text)):
        return Refused("not_found", detail)
    for code, pattern in _CAUSES:
        if pattern.search(text):
            return Refused(code, detail)
    return Refused("rejected", detail)
