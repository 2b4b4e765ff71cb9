"""How a message reaches a third party.

The door decides *what* may leave and hands a connector a :class:`Message`; the connector
decides *how* it is said. A party's own connector (MyDHL, SendParcel, WooCommerce: see
:mod:`portal.sharing.parties`) speaks its published API; any other party gets the portal's
own JSON envelope over HTTPS (:class:`HttpsConnector`), or a folder in development.

A connector either returns a :class:`Receipt` (the party accepted the message) or raises
:class:`DeliveryFailed`: :class:`Refused` when the party said no for a reason a retry will
not change (its ``code`` becomes a message for the seller), :class:`Unsupported` when the
party's API has no way to say this. It retries what may succeed on a second try (no
connection, a timeout, 429 or 5xx) with the same idempotency key, so the party can
recognise a repeat; it does not retry what will not (other 4xx). It never follows a redirect.
"""

from __future__ import annotations

import http.client
import json
import logging
import os
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Protocol
from urllib.parse import urlsplit

from flask import current_app

from portal.config import is_development

if TYPE_CHECKING:
    from portal.sharing.models import ThirdParty

log = logging.getLogger(__name__)

USER_AGENT = "Koopseri-Seller-Portal/1 (+https://koopseri.com)"
RETRYABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class Receipt:
    reference: str | None  # the party's own reference for what it received, if it gave one
    outcome: str  # a short, non-personal line for the record
    # An erasure request: whether the party's API erased all it holds. False: the API did
    # what it can (cancelled open pickups), and the party's privacy contact must be emailed.
    erased: bool = True


# What a message asks of the party (``Message.kind``).
PICKUP = "pickup"
PICKUP_CANCELLATION = "pickup_cancellation"
STORE_CONNECTION = "store_connection"
STORE_DISCONNECTION = "store_disconnection"
CORRECTION = "correction"
PORTABILITY = "portability"
ERASURE = "erasure_request"


@dataclass(frozen=True)
class Credentials:
    """A seller's own keys for their own store (WooCommerce): never logged, never recorded.

    Keys a party gives Koopseri itself come from configuration (``SHARING_CREDENTIALS``)."""

    url: str
    key: str
    secret: str

    def __repr__(self) -> str:  # never the key or the secret, in a traceback or a log
        return f"Credentials(url={self.url!r}, key=…, secret=…)"


@dataclass(frozen=True)
class Message:
    """One thing said to a party: what the door allowed, and the feature's details.

    ``seller`` holds only fields of the party's registered categories (``payload.FIELDS``
    names: ``name``, ``email``, ``phone``, ``date_of_birth``, ``shop_name``, ``address`` as
    ``{line1, line2, city, postcode, state, country}``, ``bank_account``); a connector sends
    nothing of the seller that is not in it.
    """

    kind: str  # one of the names above, or "" (a party an admin added gets what a feature asks)
    reference: str  # ours, for this message: the idempotency key and the party's message id
    sent_at: datetime
    purpose: str
    categories: tuple[str, ...] = ()
    seller: Mapping[str, object] = field(default_factory=dict)
    # The feature's details: pickup_date (ISO) and parcel_size; store_url; corrects; ...
    details: Mapping[str, object] = field(default_factory=dict)
    cancels: str | None = None  # our reference of the earlier transfer this calls off
    partner_reference: str | None = None  # the party's own reference of that transfer
    # An erasure: our references of what the party received, and its own of what is open.
    references: tuple[str, ...] = ()
    partner_references: tuple[str, ...] = ()
    credentials: Credentials | None = None

    def envelope(self) -> dict:
        """The portal's own JSON for this message (the generic connector's wire format)."""
        if self.kind == ERASURE:
            return {
                "type": ERASURE,
                "reference": self.reference,
                "references": list(self.references),
                "requested_at": self.sent_at.isoformat(),
            }
        envelope = {
            "reference": self.reference,
            "sent_at": self.sent_at.isoformat(),
            "purpose": self.purpose,
            "categories": list(self.categories),
            "request": {"type": self.kind, **self.details} if self.kind else dict(self.details),
            "seller": dict(self.seller),
        }
        if self.cancels is not None:
            envelope["cancels"] = self.cancels
        return envelope


class DeliveryFailed(Exception):
    """The party did not accept the message; nothing may be recorded as shared."""


class NotConfigured(DeliveryFailed):
    """No way to reach this party is configured (and the folder is for development only)."""


# Why a party refused, as the door words it for the seller (``sharing.services``).
REFUSALS = frozenset(
    {
        "date",  # it cannot do it on that date (a pickup)
        "address",  # it does not accept the address
        "phone",  # it does not accept the phone number
        "email",  # it does not accept the email address (a store's customer)
        "credentials",  # the keys were refused (ours from configuration, or the seller's)
        "not_found",  # it no longer knows what we referred to (a cancelled or past pickup)
        "busy",  # too many requests: it asked us to wait (429)
        "private_address",  # a seller's store address is not a public one (never contacted)
        "rejected",  # any other refusal
    }
)


class Refused(DeliveryFailed):
    """The party answered no, for a reason a retry will not change (or, ``busy``, not soon).

    ``code`` is one of :data:`REFUSALS`; ``detail`` is the party's own words for the log,
    never shown to the seller and never personal (a field's name, an error code)."""

    def __init__(self, code: str, detail: str = ""):
        if code not in REFUSALS:
            raise ValueError(f"unknown refusal {code!r}")
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


class Unsupported(DeliveryFailed):
    """The party's API has no way to say this (a correction to a courier, say): staff or an
    email to the party's privacy contact must say it instead."""


class Connector(Protocol):
    def send(self, message: Message) -> Receipt: ...


class HttpsConnector:
    def __init__(
        self,
        url: str,
        *,
        token: str | None = None,
        timeout: float = 10.0,
        attempts: int = 3,
        retry_delay: float = 0.5,
        ca_file: str | None = None,
    ):
        parts = urlsplit(url)
        if parts.scheme != "https" or not parts.hostname:
            raise NotConfigured("third-party endpoints must be https:// URLs")
        self.host = parts.hostname
        self.port = parts.port or 443
        self.path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self.token = token
        self.timeout = timeout
        self.attempts = max(1, attempts)
        self.retry_delay = retry_delay
        self.ca_file = ca_file

    @cached_property
    def context(self) -> ssl.SSLContext:
        """Made on the first send (about 30 ms to load the certificate store), not when the
        connector is made to ask whether the party is reachable."""
        return ssl.create_default_context(cafile=self.ca_file)

    def send(self, message: Message) -> Receipt:
        body = json.dumps(message.envelope(), ensure_ascii=False).encode()
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
            "Idempotency-Key": message.reference,
        }
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        last_problem = "not attempted"
        for attempt in range(1, self.attempts + 1):
            if attempt > 1:
                time.sleep(self.retry_delay * 2 ** (attempt - 2))
            try:
                status, reply = self._post(body, headers)
            except (OSError, http.client.HTTPException) as exc:  # refused, reset, timeout, TLS
                last_problem = type(exc).__name__
                log.warning("sharing: %s attempt %d failed: %s", self.host, attempt, last_problem)
                continue
            if 200 <= status < 300:
                return _receipt(status, reply)
            last_problem = f"HTTP {status}"
            log.warning("sharing: %s attempt %d answered %s", self.host, attempt, status)
            if status not in RETRYABLE_STATUS:
                break
        raise DeliveryFailed(last_problem)

    def _post(self, body: bytes, headers: dict) -> tuple[int, bytes]:
        connection = http.client.HTTPSConnection(
            self.host, self.port, timeout=self.timeout, context=self.context
        )
        try:
            connection.request("POST", self.path, body=body, headers=headers)
            response = connection.getresponse()
            return response.status, response.read(64 * 1024)
        finally:
            connection.close()


def _receipt(status: int, reply: bytes) -> Receipt:
    """The party's reference from a JSON answer such as ``{"reference": "DHL-123"}``."""
    reference = None
    try:
        answer = json.loads(reply or b"{}")
    except ValueError:
        answer = {}
    if isinstance(answer, dict):
        value = answer.get("reference") or answer.get("id")
        if isinstance(value, str | int) and not isinstance(value, bool):
            reference = "".join(ch for ch in str(value) if ch.isprintable())[:64] or None
    outcome = f"accepted (HTTP {status})"
    if reference:
        outcome += f", their reference {reference}"
    return Receipt(reference=reference, outcome=outcome)


class FolderConnector:
    """Development: the envelope is written to a file instead of being sent anywhere."""

    def __init__(self, folder: Path):
        self.folder = folder

    def send(self, message: Message) -> Receipt:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{message.reference}.json"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(message.envelope(), handle, ensure_ascii=False, indent=2)
        return Receipt(reference=None, outcome="written to the development folder")


def json_connector(party: ThirdParty, credentials: Credentials | None = None) -> Connector:
    """The portal's own JSON, for a party without a connector of its own.

    ``SHARING_ENDPOINTS[slug]`` (an https URL) and ``SHARING_TOKENS[slug]`` come from
    configuration, never from the database. Without an endpoint, development and tests write
    to ``SHARING_FOLDER``; production refuses, so no data is silently parked on disk.
    """
    config = current_app.config
    url = (config["SHARING_ENDPOINTS"] or {}).get(party.slug)
    if url:
        return HttpsConnector(
            url,
            token=(config["SHARING_TOKENS"] or {}).get(party.slug),
            timeout=config["SHARING_TIMEOUT"],
            attempts=config["SHARING_ATTEMPTS"],
            retry_delay=config["SHARING_RETRY_DELAY"],
            ca_file=config["SHARING_CA_FILE"],
        )
    if is_development(current_app):
        return FolderConnector(sharing_folder() / party.slug)
    raise NotConfigured(f"no endpoint configured for {party.slug}")


def development_folder(party: ThirdParty) -> Connector:
    """Where a party's own connector goes when its API is not configured: the development
    folder (the portal's own JSON), or, anywhere else, :class:`NotConfigured`."""
    if is_development(current_app):
        return FolderConnector(sharing_folder() / party.slug)
    raise NotConfigured(f"no endpoint configured for {party.slug}")


def koopseri_keys(party: ThirdParty, required: tuple[str, ...]) -> tuple[str, dict] | None:
    """A party's API as configuration names it for a connector of its own: the base URL
    (``SHARING_ENDPOINTS[slug]``) and Koopseri's keys there (``SHARING_CREDENTIALS[slug]``).
    None when no endpoint is configured (the connector then falls back on
    :func:`development_folder`); :class:`NotConfigured` when one of ``required`` is missing."""
    config = current_app.config
    url = (config["SHARING_ENDPOINTS"] or {}).get(party.slug)
    if not url:
        return None
    keys = (config["SHARING_CREDENTIALS"] or {}).get(party.slug) or {}
    missing = [name for name in required if not keys.get(name)]
    if missing:
        raise NotConfigured(f"{party.slug}: SHARING_CREDENTIALS lacks {', '.join(missing)}")
    return url, keys


def sharing_folder() -> Path:
    configured = current_app.config["SHARING_FOLDER"]
    return Path(configured) if configured else Path(current_app.instance_path) / "shared"
