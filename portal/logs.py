"""Logs: one JSON object a line, each with the request's id, and nothing personal.

Every request gets an id: the ``X-Request-ID`` a trusted proxy sent (if it looks like one),
or a new random one. It is in the response's ``X-Request-ID`` header and on every log line
written while the request runs, so one request can be followed across lines and services.

The portal's own loggers write ids and counts, never emails, names, phone numbers or
tokens. As a safety net, :class:`Redact` also masks anything that looks like an email
address, a phone number or a long token in any message that passes through these handlers.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
from datetime import UTC, datetime

from flask import Flask, g, has_request_context, request

_INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

# What must never reach a log line, whoever wrote it.
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<![\w-])\+?\d[\d \-]{7,16}\d(?![\w-])")
_TOKEN = re.compile(r"[A-Za-z0-9_-]{32,}(?:\.[A-Za-z0-9_-]{6,}){0,2}")


def redact(text: str) -> str:
    text = _EMAIL.sub("[email]", text)
    text = _TOKEN.sub("[token]", text)
    return _PHONE.sub("[number]", text)


def request_id() -> str | None:
    return g.get("request_id") if has_request_context() else None


class Redact(logging.Filter):
    """Masks emails, phone numbers and tokens in the message, and adds the request id."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        record.request_id = getattr(record, "request_id", None) or request_id()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", None),
            "message": record.getMessage(),
        }
        if record.exc_info:
            line["error"] = redact(self.formatException(record.exc_info))
        return json.dumps(line, ensure_ascii=False)


def handler(fmt: str = "json") -> logging.Handler:
    """A handler to standard error with the redaction filter, in JSON or plain text."""
    out = logging.StreamHandler()
    out.addFilter(Redact())
    if fmt == "json":
        out.setFormatter(JsonFormatter())
    else:
        out.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")
        )
    return out


def init_app(app: Flask) -> None:
    portal_logger = logging.getLogger("portal")
    portal_logger.setLevel(app.config["LOG_LEVEL"])
    if app.config["LOG_FORMAT"] and not any(
        isinstance(h.formatter, JsonFormatter) or getattr(h, "_portal", False)
        for h in portal_logger.handlers
    ):
        out = handler(app.config["LOG_FORMAT"])
        out._portal = True
        portal_logger.addHandler(out)
        portal_logger.propagate = False

    @app.before_request
    def _assign_request_id():
        incoming = request.headers.get("X-Request-ID", "")
        trusted = app.config["TRUST_REQUEST_ID"] and _INCOMING_ID.match(incoming)
        g.request_id = incoming if trusted else secrets.token_hex(8)

    @app.after_request
    def _echo_request_id(response):
        if "request_id" in g:
            response.headers["X-Request-ID"] = g.request_id
        return response
