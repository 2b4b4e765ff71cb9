"""The erasure requests third parties have not answered yet, as staff follow them, and the
answers staff record.

/admin/erasure-requests lists every open request: first those emailed to the party's
privacy contact :data:`~.request_states.OVERDUE_AFTER` ago or more without an answer
(overdue), then the rest (emailed lately, still to be made through the API, or waiting for
staff because the registry has no privacy contact), oldest first within each. Recording the
party's answer (its words and the day it came) closes the request, in the audit trail; the
answer is the party's word on what it erased, never the seller's data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, func, select

from portal.audit.services import record as audit
from portal.auth.models import User
from portal.clock import local_date, local_midnight
from portal.erasure.models import ErasureRequest
from portal.erasure.request_states import ANSWERED, EMAILED, OPEN, OVERDUE_AFTER, move
from portal.erasure.third_parties import reference_of
from portal.extensions import db
from portal.pagination import paginate
from portal.sharing import erasure_requests as door


@dataclass(frozen=True)
class OpenRequest:
    """One unanswered request as staff see it: references and dates, nothing personal."""

    id: int
    reference: str
    party: str
    status: str  # "pending", "emailed" or "staff" (portal.erasure.request_states)
    overdue: bool
    contact: str | None
    created_at: datetime
    sent_at: datetime | None
    attempts: int
    outcome: str | None
    references: tuple[str, ...]
    partner_references: tuple[str, ...]


class NotOpen(LookupError):
    """No such request, or it is answered already."""


class AnsweredBeforeAsked(ValueError):
    """The day given for the answer is before the request was made."""


def _overdue(now: datetime):
    return (ErasureRequest.status == EMAILED) & (ErasureRequest.sent_at <= now - OVERDUE_AFTER)


def unanswered(now: datetime, *, page: int = 1, per_page: int = 50) -> tuple[list, bool]:
    """A page of the open requests, overdue ones first; and whether another page follows.
    Two statements, whatever the page holds: the requests, and their parties' names."""
    overdue = _overdue(now)
    query = (
        select(ErasureRequest, case((overdue, True), else_=False))
        .where(ErasureRequest.status.in_(OPEN))
        .order_by(
            case((overdue, 0), else_=1),
            func.coalesce(ErasureRequest.sent_at, ErasureRequest.created_at),
            ErasureRequest.id,
        )
    )
    found = paginate(query, page, per_page)
    names = door.contacts(request.third_party_id for request, _ in found.items)
    return [_shown(request, late, names) for request, late in found.items], found.has_next


def summary(now: datetime) -> tuple[int, int]:
    """How many requests are open, and how many of them are overdue: for the back-office home."""
    return db.session.execute(
        select(
            func.count(ErasureRequest.id),
            func.coalesce(func.sum(case((_overdue(now), 1), else_=0)), 0),
        ).where(ErasureRequest.status.in_(OPEN))
    ).one()


def open_request(request_id: int, now: datetime) -> OpenRequest | None:
    """The open request ``request_id``, or None (unknown, or answered already)."""
    request = db.session.get(ErasureRequest, request_id)
    if request is None or request.status not in OPEN:
        return None
    late = request.status == EMAILED and request.sent_at <= now - OVERDUE_AFTER
    return _shown(request, late, door.contacts([request.third_party_id]))


def record_answer(request_id: int, staff: User, answer: str, day: date) -> str:
    """Close the open request with the party's ``answer``, received on ``day`` (the portal's
    calendar), in the audit trail; returns our reference. Raises :class:`NotOpen` or
    :class:`AnsweredBeforeAsked`. Flushes only."""
    request = db.session.get(ErasureRequest, request_id, with_for_update=True)
    if request is None or request.status not in OPEN:
        raise NotOpen(request_id)
    if day < local_date(request.created_at):
        raise AnsweredBeforeAsked(day)
    move(request, ANSWERED)
    request.answer = answer[:500]
    request.answered_at = local_midnight(day)
    reference = reference_of(request)
    audit(staff, "erasure_request.answer", "erasure_request", request.id, reference)
    db.session.flush()
    return reference


def _shown(request: ErasureRequest, late: bool, names: dict) -> OpenRequest:
    party = names.get(request.third_party_id)
    return OpenRequest(
        id=request.id,
        reference=reference_of(request),
        party=party.name if party is not None else str(request.third_party_id),
        status=request.status,
        overdue=bool(late),
        contact=request.contact,
        created_at=request.created_at,
        sent_at=request.sent_at,
        attempts=request.attempts,
        outcome=request.outcome,
        references=tuple(request.disclosure_refs or ()),
        partner_references=tuple(request.partner_refs or ()),
    )
