"""HTTPS for the parties' connectors: one request, tried again when a second try may pass.

Answers that a retry may change (no connection, a time-out, 408, 425, 429, 5xx) are tried
again, up to ``SHARING_ATTEMPTS`` times, after ``SHARING_RETRY_DELAY`` doubled each time, or
after the party's own ``Retry-After`` when it gives one (capped by ``SHARING_MAX_WAIT``, so a
seller never waits long on a page). The last such answer becomes :class:`Refused` ``busy``
(429) or :class:`DeliveryFailed` (the party is down or unreachable); 401 and 403 become
:class:`Refused` ``credentials``. Any other answer goes back to the connector, which reads
the party's own error document. Redirects are never followed. Nothing of a request's body,
and no credential, is logged.
"""

from __future__ import annotations

import base64
import http.client
import ipaddress
import json
import socket
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from functools import cached_property
from urllib.parse import urlencode, urlsplit

from flask import current_app

from portal.sharing.connectors import USER_AGENT, DeliveryFailed, NotConfigured, Refused

RETRYABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
MAX_BODY = 256 * 1024


@dataclass(frozen=True)
class Answer:
    status: int
    headers: Mapping[str, str]  # lower-case names
    body: object  # the JSON document, or None when the answer had none (or not JSON)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


def basic_auth(user: str, password: str) -> str:
    """An HTTP Basic ``Authorization`` value (RFC 7617)."""
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


class Client:
    """Requests to one party's API under ``base_url`` (https only)."""

    def __init__(
        self,
        base_url: str,
        *,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
        attempts: int | None = None,
        retry_delay: float | None = None,
        max_wait: float | None = None,
        ca_file: str | None = None,
        name: str = "party",
        public_only: bool = False,
    ):
        config = current_app.config
        parts = urlsplit(base_url)
        if parts.scheme != "https" or not parts.hostname:
            raise NotConfigured(f"{name}: the API's address must be an https:// URL")
        self.host = parts.hostname
        self.port = parts.port or 443
        self.base_path = parts.path.rstrip("/")
        self.base_query = parts.query
        self.headers = {"User-Agent": USER_AGENT, "Accept": "application/json", **(headers or {})}
        self.timeout = config["SHARING_TIMEOUT"] if timeout is None else timeout
        self.attempts = max(1, config["SHARING_ATTEMPTS"] if attempts is None else attempts)
        self.retry_delay = config["SHARING_RETRY_DELAY"] if retry_delay is None else retry_delay
        self.max_wait = config["SHARING_MAX_WAIT"] if max_wait is None else max_wait
        self.ca_file = ca_file if ca_file is not None else config["SHARING_CA_FILE"]
        self.name = name
        # An address a seller typed (their store's): only a public one on the internet, so the
        # portal never becomes a way into its own network (server-side request forgery).
        self.public_only = public_only

    @cached_property
    def context(self) -> ssl.SSLContext:
        """Made on the first call, not with the client: loading the certificate store takes
        about 30 ms, and a connector is also made only to ask whether a party is reachable."""
        return ssl.create_default_context(cafile=self.ca_file)

    def call(
        self,
        method: str,
        path: str,
        *,
        json_body: object = None,
        form: Mapping[str, str] | None = None,
        query: Mapping[str, object] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Answer:
        """``method`` ``base_url + path``; the answer, once it is one a retry would not change.
        ``form`` sends an ``application/x-www-form-urlencoded`` body instead of JSON (an
        OAuth 2.0 token request, RFC 6749 §4.4.2).

        Raises :class:`Refused` (``credentials``, ``busy``) or :class:`DeliveryFailed`."""
        target = self.base_path + path
        pairs = [p for p in (self.base_query, urlencode(query or {}, doseq=True)) if p]
        if pairs:
            target += "?" + "&".join(pairs)
        body = None if json_body is None else json.dumps(json_body, ensure_ascii=False).encode()
        sent_headers = {**self.headers, **(headers or {})}
        if body is not None:
            sent_headers["Content-Type"] = "application/json"
        elif form is not None:
            body = urlencode(form).encode()
            sent_headers["Content-Type"] = "application/x-www-form-urlencoded"
        problem = "not attempted"
        answer: Answer | None = None
        wait = 0.0
        for attempt in range(1, self.attempts + 1):
            if attempt > 1:
                time.sleep(wait)
            wait = self.retry_delay * 2 ** (attempt - 1)
            try:
                answer = self._once(method, target, body, sent_headers)
            except (OSError, http.client.HTTPException) as exc:  # refused, reset, timeout, TLS
                problem = type(exc).__name__
                answer = None
                current_app.logger.warning(
                    "%s: %s %s attempt %d failed: %s", self.name, method, path, attempt, problem
                )
                continue
            if answer.status in (401, 403):
                raise Refused("credentials", f"HTTP {answer.status}")
            if answer.status not in RETRYABLE_STATUS:
                return answer
            problem = f"HTTP {answer.status}"
            current_app.logger.warning(
                "%s: %s %s attempt %d answered %s", self.name, method, path, attempt, problem
            )
            wait = max(wait, min(retry_after(answer.headers), self.max_wait))
            if retry_after(answer.headers) > self.max_wait:
                break  # the party asks for longer than a seller can wait
        if answer is not None and answer.status == 429:
            raise Refused("busy", problem)
        raise DeliveryFailed(problem)

    def _once(self, method: str, target: str, body: bytes | None, headers: dict) -> Answer:
        if self.public_only:
            connection = _PinnedConnection(
                self.host,
                self.port,
                public_address(self.host, self.port),
                timeout=self.timeout,
                context=self.context,
            )
        else:
            connection = http.client.HTTPSConnection(
                self.host, self.port, timeout=self.timeout, context=self.context
            )
        try:
            connection.request(method, target, body=body, headers=headers)
            response = connection.getresponse()
            raw = response.read(MAX_BODY)
            found = {name.lower(): value for name, value in response.getheaders()}
        finally:
            connection.close()
        try:
            document = json.loads(raw) if raw else None
        except ValueError:
            document = None
        return Answer(response.status, found, document)


def public_address(host: str, port: int) -> str:
    """The address to connect to for ``host``, resolved once and checked: every address the
    name resolves to must be public on the internet (not loopback, private, link-local such
    as a cloud's metadata service at 169.254.169.254, shared, reserved or multicast), or
    :class:`Refused` ``private_address``. The connection then goes to this very address, so a
    name that resolves differently a moment later changes nothing."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise DeliveryFailed(f"the name does not resolve: {type(exc).__name__}") from None
    addresses = [info[4][0] for info in found]
    if not addresses or not all(ipaddress.ip_address(a.split("%")[0]).is_global for a in addresses):
        raise Refused("private_address", "the address is not a public one")
    return addresses[0]


class _PinnedConnection(http.client.HTTPSConnection):
    """HTTPS to ``address`` (already checked), with the certificate checked for ``host``."""

    def __init__(self, host: str, port: int, address: str, **options):
        super().__init__(host, port, **options)
        self._address = address

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)


def retry_after(headers: Mapping[str, str]) -> float:
    """The seconds a ``Retry-After`` header asks for (RFC 9110 §10.2.3: seconds or a date),
    or 0 when there is none or it cannot be read."""
    value = (headers.get("retry-after") or "").strip()
    if not value:
        return 0.0
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return 0.0
    from portal.clock import utcnow

    return max(0.0, (when - utcnow()).total_seconds())
