"""How a payload reaches a third party: JSON over HTTPS, or a folder in development.

A connector either returns a :class:`Receipt` (the party accepted the data) or raises
:class:`DeliveryFailed`. It retries what may succeed on a second try (no connection, a
timeout, 429 or 5xx) with the same ``Idempotency-Key``, so the party can recognise a repeat;
it does not retry what will not (other 4xx). It never follows a redirect.
"""

from __future__ import annotations

import http.client
import json
import logging
import os
import ssl
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

from flask import current_app

from portal.config import is_development

log = logging.getLogger(__name__)

USER_AGENT = "Koopseri-Seller-Portal/1 (+https://koopseri.com)"
RETRYABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class Receipt:
    reference: str | None  # the party's own reference for what it received, if it gave one
    outcome: str  # a short, non-personal line for the record


class DeliveryFailed(Exception):
    """The party did not accept the data; nothing may be recorded as shared."""


class NotConfigured(DeliveryFailed):
    """No way to reach this party is configured (and the folder is for development only)."""


class Connector(Protocol):
    def send(self, envelope: dict, *, idempotency_key: str) -> Receipt: ...


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
        self.context = ssl.create_default_context(cafile=ca_file)

    def send(self, envelope: dict, *, idempotency_key: str) -> Receipt:
        body = json.dumps(envelope, ensure_ascii=False).encode()
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
            "Idempotency-Key": idempotency_key,
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

    def send(self, envelope: dict, *, idempotency_key: str) -> Receipt:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{idempotency_key}.json"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(envelope, handle, ensure_ascii=False, indent=2)
        return Receipt(reference=None, outcome="written to the development folder")


def connector_for(slug: str) -> Connector:
    """The configured connector for the party ``slug``.

    ``SHARING_ENDPOINTS[slug]`` (an https URL) and ``SHARING_TOKENS[slug]`` come from
    configuration, never from the database. Without an endpoint, development and tests write
    to ``SHARING_FOLDER``; production refuses, so no data is silently parked on disk.
    """
    config = current_app.config
    url = (config["SHARING_ENDPOINTS"] or {}).get(slug)
    if url:
        return HttpsConnector(
            url,
            token=(config["SHARING_TOKENS"] or {}).get(slug),
            timeout=config["SHARING_TIMEOUT"],
            attempts=config["SHARING_ATTEMPTS"],
            retry_delay=config["SHARING_RETRY_DELAY"],
            ca_file=config["SHARING_CA_FILE"],
        )
    if is_development(current_app):
        return FolderConnector(sharing_folder() / slug)
    raise NotConfigured(f"no endpoint configured for {slug}")


def reachable(slug: str) -> bool:
    """Whether :func:`connector_for` would give a connector for ``slug`` rather than refuse."""
    config = current_app.config
    return bool((config["SHARING_ENDPOINTS"] or {}).get(slug)) or is_development(current_app)


def sharing_folder() -> Path:
    configured = current_app.config["SHARING_FOLDER"]
    return Path(configured) if configured else Path(current_app.instance_path) / "shared"
