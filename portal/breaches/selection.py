"""Choosing the sellers a breach affected, by query over what the portal knows, each asked of
the room that owns it: the sellers whose data went to a third party in a date range (the
sharing door's disclosures), those whose records a member of staff opened (the access log),
those with a photo or document uploaded (documents), or a pasted list of emails (accounts).

A query only counts; :func:`save` keeps the chosen sellers on the breach, one row each, so
the count is seen before anything is sent. Days are Malaysia days, both ends included.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import delete, insert

from portal import formatting
from portal.accesslog import services as accesslog
from portal.audit import services as audit
from portal.auth import services as auth
from portal.breaches.models import Breach, BreachNotice
from portal.breaches.services import BreachError, log_event
from portal.clock import local_midnight, utcnow
from portal.documents import services as documents
from portal.extensions import db
from portal.sharing import services as sharing

CHUNK = 1000  # rows per INSERT when a selection is saved
_SEPARATORS = re.compile(r"[\s,;]+")


@dataclass(frozen=True)
class Found:
    """The sellers a query found, and what it was, in words for the record: in the language
    of the member of staff who chose them, as the rest of the timeline is written."""

    user_ids: frozenset[int]
    described: str
    unknown: tuple[str, ...] = ()  # pasted addresses that are no seller's


def _days(first: date, last: date) -> dict[str, str]:
    return {"first": formatting.day(first), "last": formatting.day(last)}


def _range(first: date, last: date) -> tuple[datetime, datetime]:
    if last < first:
        raise BreachError("the range ends before it starts")
    return local_midnight(first), local_midnight(last + timedelta(days=1))


def disclosed_to(party_id: int, party_name: str, first: date, last: date) -> Found:
    start, end = _range(first, last)
    ids = sharing.sellers_disclosed_to(party_id, start, end)
    return Found(
        frozenset(ids),
        _("data sent to %(party)s, %(first)s to %(last)s", party=party_name, **_days(first, last)),
    )


def seen_by(staff_id: int, staff_email: str, first: date, last: date) -> Found:
    start, end = _range(first, last)
    ids = accesslog.sellers_seen_by(staff_id, start, end)
    return Found(
        frozenset(ids),
        _(
            "records opened by %(staff)s, %(first)s to %(last)s",
            staff=staff_email,
            **_days(first, last),
        ),
    )


def uploaded(first: date, last: date) -> Found:
    start, end = _range(first, last)
    return Found(
        frozenset(documents.sellers_with_uploads(start, end)),
        _("uploads, %(first)s to %(last)s", **_days(first, last)),
    )


def pasted(text: str) -> Found:
    emails = [e for e in _SEPARATORS.split(text or "") if e]
    known = auth.sellers_with_emails(emails)
    unknown = tuple(sorted({e.lower() for e in emails} - set(known)))
    described = ngettext(
        "a list of %(num)d email address", "a list of %(num)d email addresses", len(emails)
    )
    return Found(frozenset(known.values()), described, unknown)


def save(breach: Breach, staff, user_ids: Iterable[int], described: str, *, now=None) -> int:
    """Keep ``user_ids`` as the breach's affected sellers, in place of any earlier choice.
    Flushes; returns the count. Raises :class:`BreachError` once notifying has started (the
    sellers already told stay told) or for an empty choice."""
    now = now or utcnow()
    if breach.notify_started_at is not None:
        raise BreachError("notifying has started: the selection is fixed")
    ids = sorted(set(user_ids))
    if not ids:
        raise BreachError("no seller matches")
    db.session.execute(delete(BreachNotice).where(BreachNotice.breach_id == breach.id))
    for start in range(0, len(ids), CHUNK):
        rows = [
            {"breach_id": breach.id, "user_id": user_id, "selected_at": now}
            for user_id in ids[start : start + CHUNK]
        ]
        db.session.execute(insert(BreachNotice), rows)
    breach.selection = described[:300]
    breach.selected_count = len(ids)
    db.session.flush()
    log_event(breach, staff, "sellers_selected", f"{len(ids)}: {described}", now=now)
    audit.record(staff, "breach.select", "breach", breach.id, detail=str(len(ids)))
    return len(ids)
