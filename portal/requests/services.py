"""Filing data-subject requests, the public form's emailed code, and the statutory clocks.

PDPA s.31(1): a request is answered within 21 days of its receipt. s.31(2)-(3): if it
cannot be, the requester is told so, with the reasons, before those 21 days end, and it is
answered within 14 more. A day is a day in Malaysia (the portal's zone): a request received
at 11 pm on 1 March is due at the end of 22 March. Staff's work on a request is in
:mod:`portal.requests.work`.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, delete, func, select

from portal.auth import services as auth
from portal.auth.models import User
from portal.clock import local_date, local_midnight, local_today, utcnow
from portal.extensions import db
from portal.outbox.services import queue_email
from portal.requests.models import OPEN_STATES, Kind, PrivacyRequest, RequestCode, Status
from portal.security import fingerprint, within_limit

ANSWER_DAYS = 21  # s.31(1)
EXTENSION_DAYS = 14  # s.31(3)
# No 0/O or 1/I, so a reference read out on the phone is not misheard.
_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


class CodeRefused(Exception):
    """The code is wrong, expired, used, or tried too many times."""


def new_reference() -> str:
    return "DSR-" + "".join(secrets.choice(_ALPHABET) for _ in range(8))


def due_day(received_at: datetime) -> date:
    """The last day to answer: 21 days after the day of receipt, in Malaysia."""
    return local_date(received_at) + timedelta(days=ANSWER_DAYS)


def end_of(day: date) -> datetime:
    """The moment ``day`` ends in Malaysia, as UTC: when a request due on it is overdue."""
    return local_midnight(day + timedelta(days=1))


def _recipient(request: PrivacyRequest) -> tuple[str | None, User | None]:
    """Whom mail about ``request`` goes to: the seller's account, else the verified address."""
    user = db.session.get(User, request.user_id) if request.user_id else None
    return (user.email if user is not None else request.requester_email), user


def tell_requester(request: PrivacyRequest, kind: str, subject, **context) -> None:
    """Queue ``templates/email/<kind>`` to whoever made ``request``, in their language."""
    address, user = _recipient(request)
    if not address:
        return  # the account was erased and the request came from it: no one to tell
    queue_email(
        to=address,
        kind=kind,
        subject=subject,
        user=user,
        locale=None if user is not None else request.locale,
        request=request,
        **context,
    )


def file_request(
    kind: str,
    details: str,
    *,
    user: User | None = None,
    email: str | None = None,
    locale: str | None = None,
) -> PrivacyRequest:
    """Keep a request from a seller (``user``) or from a verified address (``email``) and
    acknowledge it with its reference and the day it will be answered by. Flushes only."""
    now = utcnow()
    request = PrivacyRequest(
        reference=new_reference(),
        kind=Kind(kind),
        details=details.strip(),
        user_id=user.id if user is not None else None,
        requester_email=None if user is not None else email,
        locale=locale,
        status=Status.OPEN,
        received_at=now,
        due_on=due_day(now),
    )
    db.session.add(request)
    db.session.flush()
    tell_requester(
        request,
        "privacy_request_received",
        _l("We received your request (%(reference)s)", reference=request.reference),
    )
    return request


def requests_of(user_id: int) -> list[PrivacyRequest]:
    """The seller's own requests, newest first."""
    query = (
        select(PrivacyRequest)
        .where(PrivacyRequest.user_id == user_id)
        .order_by(PrivacyRequest.received_at.desc(), PrivacyRequest.id.desc())
    )
    return list(db.session.scalars(query))


def request_of(user_id: int, request_id: int) -> PrivacyRequest | None:
    """The request ``request_id`` if it is the seller's own; None otherwise."""
    request = db.session.get(PrivacyRequest, request_id)
    return request if request is not None and request.user_id == user_id else None


def get(request_id: int) -> PrivacyRequest | None:
    return db.session.get(PrivacyRequest, request_id)


# --- the public form: a code emailed to the address --------------------------------------------


def code_minutes() -> int:
    """How long an emailed code works, in whole minutes (the page and the email say it)."""
    return int(current_app.config["PRIVACY_REQUEST_CODE_MAX_AGE"].total_seconds() // 60)


def _digest(pending_id: int, code: str) -> str:
    return fingerprint("privacy-request-code", str(pending_id), code)


def start_public(email: str, kind: str, details: str, locale: str | None) -> int:
    """Keep what was typed and email a 6-digit code to ``email`` (valid
    ``PRIVACY_REQUEST_CODE_MAX_AGE``). The same whatever the address: a stranger or an
    account holder (a closed account's owner) alike. Returns the pending row's id, which the
    page carries, signed. Flushes only."""
    address = auth.normalize_email(email)
    code = f"{secrets.randbelow(1_000_000):06d}"
    now = utcnow()
    pending = RequestCode(
        email=address,
        kind=Kind(kind),
        details=details.strip(),
        locale=locale,
        code_digest="",
        created_at=now,
        expires_at=now + current_app.config["PRIVACY_REQUEST_CODE_MAX_AGE"],
    )
    db.session.add(pending)
    db.session.flush()
    pending.code_digest = _digest(pending.id, code)
    # Capped per address, silently: the form must not fill a stranger's mailbox with codes.
    if within_limit("RATELIMIT_PRIVACY_REQUEST_CODES_PER_EMAIL", "privacy-request-code", address):
        queue_email(
            to=address,
            kind="privacy_request_code",
            subject=_l("Your code to confirm your privacy request"),
            locale=locale,
            code=code,
            minutes=code_minutes(),
        )
    db.session.flush()
    return pending.id


def confirm_public(pending_id: int, code: str) -> PrivacyRequest:
    """File the request waiting for ``code``: once, within its time, within
    ``PRIVACY_REQUEST_CODE_ATTEMPTS`` tries. A verified address that is an account's links
    the request to that account (the mailbox is the account's). Raises :class:`CodeRefused`,
    after counting the try (the caller commits either way)."""
    pending = db.session.get(RequestCode, pending_id)
    now = utcnow()
    if pending is None or pending.used_at is not None or pending.expires_at <= now:
        raise CodeRefused()
    if pending.attempts >= current_app.config["PRIVACY_REQUEST_CODE_ATTEMPTS"]:
        raise CodeRefused()
    pending.attempts += 1
    if not hmac.compare_digest(pending.code_digest, _digest(pending.id, code.strip())):
        db.session.flush()
        raise CodeRefused()
    pending.used_at = now
    account = auth.find_by_email(pending.email)
    seller = account if account is not None and account.is_seller else None
    return file_request(
        pending.kind, pending.details, user=seller, email=pending.email, locale=pending.locale
    )


def delete_spent_codes(now: datetime, *, dry_run: bool = False) -> int:
    """Codes used or expired: they go at once (the retention job). Flushes only."""
    spent = (RequestCode.expires_at <= now) | RequestCode.used_at.is_not(None)
    if dry_run:
        return db.session.scalar(select(func.count()).select_from(RequestCode).where(spent))
    return db.session.execute(delete(RequestCode).where(spent)).rowcount


def purge_closed(before: datetime, *, dry_run: bool = False) -> int:
    """Requests closed before ``before`` go, the requester's words and address with them:
    the retention job, ``RETENTION_PRIVACY_REQUEST_MONTHS`` after closing. Flushes only."""
    old = PrivacyRequest.status.not_in(OPEN_STATES) & (PrivacyRequest.closed_at < before)
    if dry_run:
        return db.session.scalar(select(func.count()).select_from(PrivacyRequest).where(old))
    return db.session.execute(delete(PrivacyRequest).where(old)).rowcount


# --- the clocks -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Clock:
    """An open request's clock: the day it is due, the moment that day ends, what is left."""

    request: PrivacyRequest
    due_on: date
    due_at: datetime
    left: timedelta  # negative once overdue
    days_left: int  # 0 on the last day; negative once overdue

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


def clock_of(request: PrivacyRequest, now: datetime) -> Clock:
    today = local_date(now)
    due_at = end_of(request.due_on)
    return Clock(request, request.due_on, due_at, due_at - now, (request.due_on - today).days)


def open_clocks(now: datetime | None = None) -> list[Clock]:
    """Every open request with its deadline and the time left, the most urgent first: for
    ``flask privacy deadlines`` and the back office."""
    now = now or utcnow()
    query = (
        select(PrivacyRequest)
        .where(PrivacyRequest.status.in_(OPEN_STATES))
        .order_by(PrivacyRequest.due_on, PrivacyRequest.received_at, PrivacyRequest.id)
    )
    return [clock_of(request, now) for request in db.session.scalars(query)]


def register() -> list[PrivacyRequest]:
    """Every request kept: the open ones first, by days left, then the closed, newest first."""
    closed_last = case((PrivacyRequest.status.in_(OPEN_STATES), 0), else_=1)
    query = select(PrivacyRequest).order_by(
        closed_last,
        case((PrivacyRequest.status.in_(OPEN_STATES), PrivacyRequest.due_on), else_=None),
        PrivacyRequest.closed_at.desc(),
        PrivacyRequest.id,
    )
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class Summary:
    open: int
    due_soon: int  # due within 7 days, not yet overdue
    overdue: int


def summary(today: date | None = None) -> Summary:
    """For the back-office home: open requests, those due within 7 days, those overdue."""
    today = today or local_today()
    is_open = PrivacyRequest.status.in_(OPEN_STATES)
    row = db.session.execute(
        select(
            func.count(),
            func.count().filter(
                PrivacyRequest.due_on >= today, PrivacyRequest.due_on <= today + timedelta(days=7)
            ),
            func.count().filter(PrivacyRequest.due_on < today),
        ).where(is_open)
    ).one()
    return Summary(*row)
