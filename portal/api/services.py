"""What the marketplace's API does: check the caller's bearer token, and say where a
seller's verification stands, in codes and dates only.

The answer comes from :func:`portal.verification.services.summary`, turned into the
document that ``portal.api.openapi`` describes; nothing personal goes into it (no name,
email, phone, date of birth or number of any kind: the summary holds none).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable
from datetime import date

from portal.accesslog import services as accesslog
from portal.auth import services as auth
from portal.auth.states import AccountStatus
from portal.verification import services as verification

# The sellers the API answers about: active accounts. A never-confirmed registration is not a
# seller yet; a frozen account shares nothing while staff check a report that its seller is
# a minor (and why it is frozen is nobody else's business); a closed account is waiting to
# be erased; an erased one is gone; staff accounts are not sellers. For all of them the API
# says "no such seller" alike, which the marketplace reads as "may not sell", so the answer
# tells it nothing more about an account it may not sell with.
ANSWERED = frozenset({AccountStatus.ACTIVE})

# What the access log says the marketplace looked at (portal.accesslog.wording names it).
SUBJECT = "verification_status"

# A requirement's reason as the verification engine gives it is a code ("holder_name_differs");
# anything else is not passed on, lest words meant for people reach the marketplace.
_REASON_CODE = re.compile(r"[a-z][a-z0-9_]{0,63}")
OTHER_REASON = "other"

_BEARER = "bearer"


def presented_token(authorization: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header (RFC 6750 s.2.1; the
    scheme's case does not matter), or None for any other header or none."""
    scheme, _, token = (authorization or "").strip().partition(" ")
    token = token.strip()
    if scheme.lower() != _BEARER or not token or " " in token:
        return None
    return token


def is_valid_token(token: str | None, tokens: Iterable[str]) -> bool:
    """Whether ``token`` is one of the configured ``tokens``, in time that depends on neither:
    digests of equal length are compared, every one of them (no early exit)."""
    if token is None:
        return False
    given = hashlib.sha256(token.encode()).digest()
    matches = [hmac.compare_digest(given, hashlib.sha256(t.encode()).digest()) for t in tokens]
    return any(matches)


def seller_status(seller_id: int) -> dict | None:
    """Where seller ``seller_id``'s verification stands, as the API answers it; None when
    there is no active seller account with that id (see :data:`ANSWERED`). Records the look in
    the seller's access log as the marketplace's; flushes, the caller commits."""
    seller = auth.seller(seller_id)
    if seller is None or seller.status not in ANSWERED:
        return None
    summary = verification.summary(seller_id)
    accesslog.record_by_marketplace(seller_id, SUBJECT)
    return status_document(seller_id, summary)


def status_document(seller_id: int, summary: verification.Summary) -> dict:
    """The answer's body (the ``SellerStatus`` schema of the OpenAPI document)."""
    return {
        "seller_id": seller_id,
        "status": str(summary.status),
        "deadline": _day(summary.deadline),
        "restricted_reason": None if summary.reason is None else str(summary.reason),
        "requirements": [
            {
                "code": str(requirement.code),
                "state": str(requirement.state),
                "deadline": _day(requirement.deadline),
                "reason": _reason(requirement.reason),
            }
            for requirement in summary.requirements
        ],
    }


def _day(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _reason(reason) -> str | None:
    if reason is None:
        return None
    code = str(reason)
    return code if _REASON_CODE.fullmatch(code) else OTHER_REASON
