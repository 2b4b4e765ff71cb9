"""The breach register's door: recording an incident, its timeline, its clocks, and what a
seller may see of the notices sent to them. Flushes only; the caller commits.

Every staff step is added to the incident's timeline (append-only: there is no function to
change or remove an entry, and :mod:`portal.breaches.guard` refuses it) and to the audit
trail. The s.12B rules: the Commissioner's notice is due 72 hours after discovery and needs
written reasons when later; the follow-up is due 30 days after that notice
(:mod:`portal.breaches.clocks`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from portal.audit import services as audit
from portal.auth import services as auth
from portal.breaches.clocks import Clock, ClockKind, clocks_of, commissioner_due
from portal.breaches.models import HARM_QUESTIONS, Breach, BreachEvent, BreachNotice
from portal.clock import utcnow
from portal.datamap import Category
from portal.extensions import db
from portal.pagination import Page, paginate

# The significant-harm questions of s.12B, as asked on the form and the Commissioner's notice.
HARM_WORDS = {
    "financial_loss": _l("Could it cause financial loss?"),
    "sensitive_data": _l("Does it involve sensitive personal data?"),
    "financial_data": _l("Does it involve financial data (bank accounts, payments)?"),
    "identity_fraud": _l("Could it lead to identity theft or fraud?"),
    "over_1000": _l("Does it affect more than 1,000 people?"),
}
assert tuple(HARM_WORDS) == HARM_QUESTIONS

# What each kind of timeline entry says.
EVENT_WORDS = {
    "recorded": _l("Breach recorded"),
    "note": _l("Note"),
    "commissioner_notified": _l("Commissioner notified"),
    "follow_up": _l("Further details sent to the Commissioner"),
    "sellers_selected": _l("Affected sellers selected"),
    "notify_started": _l("Notifying the affected sellers"),
    "sellers_notified": _l("Every affected seller notified"),
}


class BreachError(ValueError):
    """A step the register refuses; the message says why."""


class LateReasonRequired(BreachError):
    """The Commissioner's notice is past its 72 hours: s.12B asks for written reasons."""


def record_breach(
    staff,
    *,
    discovered_at: datetime,
    description: str,
    categories: Iterable[str],
    systems: str,
    containment: str,
    harm: Mapping[str, bool],
    now: datetime | None = None,
) -> Breach:
    """Add a breach to the register, with the first entry of its timeline. Flushes.

    Raises :class:`BreachError` for a discovery in the future, no category, or an empty
    description."""
    now = now or utcnow()
    chosen = [Category(value).value for value in categories]
    if discovered_at > now:
        raise BreachError("a breach cannot be discovered in the future")
    if not chosen:
        raise BreachError("name at least one category of data")
    if not description.strip():
        raise BreachError("say what happened")
    breach = Breach(
        discovered_at=discovered_at,
        description=description.strip(),
        categories=chosen,
        systems=systems.strip(),
        containment=containment.strip(),
        recorded_by=staff.id,
        recorded_at=now,
        **{f"harm_{name}": bool(harm.get(name)) for name in HARM_QUESTIONS},
    )
    db.session.add(breach)
    db.session.flush()
    log_event(breach, staff, "recorded", now=now)
    audit.record(staff, "breach.record", "breach", breach.id)
    return breach


def get_breach(breach_id: int) -> Breach | None:
    return db.session.get(Breach, breach_id)


def breaches(*, page: int = 1, per_page: int = 25) -> Page:
    """The register, newest discovery first."""
    query = select(Breach).order_by(Breach.discovered_at.desc(), Breach.id.desc())
    return paginate(query, page, per_page)


@dataclass(frozen=True)
class Entry:
    event: BreachEvent
    staff_email: str | None


def timeline(breach_id: int) -> list[Entry]:
    """The incident's timeline, oldest first, with who wrote each entry."""
    events = list(
        db.session.scalars(
            select(BreachEvent)
            .where(BreachEvent.breach_id == breach_id)
            .order_by(BreachEvent.at, BreachEvent.id)
        )
    )
    emails = auth.emails_by_id(e.staff_id for e in events if e.staff_id is not None)
    return [Entry(e, emails.get(e.staff_id)) for e in events]


def log_event(breach: Breach, staff, kind: str, note: str = "", *, now=None) -> BreachEvent:
    entry = BreachEvent(
        breach_id=breach.id,
        kind=kind,
        note=note,
        staff_id=staff.id if staff is not None else None,
        at=now or utcnow(),
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def add_note(breach: Breach, staff, note: str, *, now: datetime | None = None) -> BreachEvent:
    """Add a step to the timeline (what was found, what was done). Raises
    :class:`BreachError` for an empty note."""
    if not note.strip():
        raise BreachError("the note is empty")
    entry = log_event(breach, staff, "note", note.strip(), now=now)
    audit.record(staff, "breach.note", "breach", breach.id)
    return entry


class SentAtRefused(BreachError):
    """A notice said to be sent in the future, or before what it follows."""


def _sent_at(sent_at: datetime | None, after: datetime, now: datetime) -> datetime:
    """When a notice went: ``sent_at`` as staff gave it (a notice sent by email or by hand
    before it was recorded here), or now."""
    if sent_at is None:
        return now
    if sent_at > now:
        raise SentAtRefused("a notice cannot have been sent in the future")
    if sent_at < after:
        raise SentAtRefused("a notice cannot have been sent before what it follows")
    return sent_at


def record_commissioner_notice(
    breach: Breach,
    staff,
    *,
    late_reason: str = "",
    sent_at: datetime | None = None,
    now: datetime | None = None,
) -> None:
    """Record that the Commissioner was notified, at ``sent_at`` or now (s.12B). Sent after
    the 72nd hour, it needs the written reasons for the delay.

    Raises :class:`LateReasonRequired`, :class:`SentAtRefused` (in the future, or before the
    breach was discovered), or :class:`BreachError` when already recorded."""
    now = now or utcnow()
    if breach.commissioner_notified_at is not None:
        raise BreachError("the Commissioner's notice is already recorded")
    sent = _sent_at(sent_at, breach.discovered_at, now)
    late = sent > commissioner_due(breach.discovered_at)
    reason = (late_reason or "").strip()
    if late and not reason:
        raise LateReasonRequired("the notice is late: give the reasons for the delay")
    breach.commissioner_notified_at = sent
    breach.late_reason = reason if late else None
    db.session.flush()
    log_event(breach, staff, "commissioner_notified", reason if late else "", now=now)
    audit.record(staff, "breach.commissioner_notified", "breach", breach.id)


def record_follow_up(
    breach: Breach,
    staff,
    note: str = "",
    *,
    sent_at: datetime | None = None,
    now: datetime | None = None,
):
    """Record that the further details went to the Commissioner, at ``sent_at`` or now
    (s.12B, within 30 days of the first notice). Raises :class:`BreachError` before the first
    notice or twice, :class:`SentAtRefused` in the future or before the first notice."""
    now = now or utcnow()
    if breach.commissioner_notified_at is None:
        raise BreachError("the Commissioner has not been notified yet")
    if breach.follow_up_at is not None:
        raise BreachError("the follow-up is already recorded")
    breach.follow_up_at = _sent_at(sent_at, breach.commissioner_notified_at, now)
    db.session.flush()
    log_event(breach, staff, "follow_up", (note or "").strip(), now=now)
    audit.record(staff, "breach.follow_up", "breach", breach.id)


def open_clocks() -> list[Clock]:
    """Every clock still running, soonest deadline first: the Commissioner's notice of each
    breach without one, and the follow-up of each notified breach without one."""
    query = select(Breach).where(
        (Breach.commissioner_notified_at.is_(None)) | (Breach.follow_up_at.is_(None))
    )
    found = [clock for breach in db.session.scalars(query) for clock in clocks_of(breach)]
    return sorted((c for c in found if c.done_at is None), key=lambda c: (c.due_at, c.breach_id))


def clock_names() -> dict[str, object]:
    return {
        ClockKind.COMMISSIONER: _l("Notice to the Commissioner"),
        ClockKind.FOLLOW_UP: _l("Further details to the Commissioner"),
    }


# --- what a seller sees ------------------------------------------------------------------------


@dataclass(frozen=True)
class SellerNotice:
    reference: str
    discovered_at: datetime
    categories: list[str]
    sent_at: datetime


def notices_for(user_id: int) -> list[SellerNotice]:
    """The breach notices sent to the seller, newest first (their account page)."""
    rows = db.session.execute(
        select(Breach, BreachNotice.queued_at)
        .join(BreachNotice, BreachNotice.breach_id == Breach.id)
        .where(BreachNotice.user_id == user_id, BreachNotice.queued_at.is_not(None))
        .order_by(BreachNotice.queued_at.desc(), Breach.id.desc())
    ).all()
    return [SellerNotice(b.reference, b.discovered_at, b.categories, at) for b, at in rows]


# --- retention -----------------------------------------------------------------------------


def delete_discovered_before(cutoff: datetime, *, dry_run: bool = False) -> int:
    """The retention rule for the register: breaches discovered before ``cutoff`` go whole,
    their timeline and their list of affected sellers with them (by the database's cascade;
    the timeline itself is never rewritten). Returns how many; the caller commits."""
    old = Breach.discovered_at < cutoff
    if dry_run:
        return db.session.scalar(select(func.count()).select_from(Breach).where(old))
    return db.session.execute(delete(Breach).where(old)).rowcount
