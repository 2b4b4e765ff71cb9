"""Reading the audit trail back: a page of events, newest first, narrowed by what was done,
by whom, to what and when; and the actions and subject types recorded so far.

Who the actors are is the accounts' business (:mod:`portal.auth`): the caller turns an email
into actor ids, and the events' actor ids into emails.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import literal_column, select, union

from portal.audit.models import AuditEvent
from portal.extensions import db
from portal.pagination import Page, paginate


@dataclass(frozen=True)
class Criteria:
    """Every criterion given must hold; an empty or None one does not narrow."""

    action: str = ""
    actor_ids: Collection[int] | None = None  # an empty collection matches nothing
    subject_type: str = ""
    subject_id: int | None = None
    since: datetime | None = None  # included
    before: datetime | None = None  # excluded


def events_page(criteria: Criteria, *, page: int, per_page: int) -> Page:
    """One page of the events that meet ``criteria``, newest first, and whether more follow."""
    query = select(AuditEvent)
    if criteria.action:
        query = query.where(AuditEvent.action == criteria.action)
    if criteria.actor_ids is not None:
        query = query.where(AuditEvent.actor_id.in_(tuple(criteria.actor_ids)))
    if criteria.subject_type:
        query = query.where(AuditEvent.subject_type == criteria.subject_type)
    if criteria.subject_id is not None:
        query = query.where(AuditEvent.subject_id == criteria.subject_id)
    if criteria.since is not None:
        query = query.where(AuditEvent.at >= criteria.since)
    if criteria.before is not None:
        query = query.where(AuditEvent.at < criteria.before)
    return paginate(query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc()), page, per_page)


def recorded_kinds() -> tuple[list[str], list[str]]:
    """The actions and the subject types recorded so far, each in the database's order, for
    the filters (one statement for both)."""
    actions = select(literal_column("'action'").label("kind"), AuditEvent.action.label("name"))
    subjects = select(literal_column("'subject'"), AuditEvent.subject_type)
    rows = db.session.execute(union(actions, subjects).order_by("kind", "name")).all()
    return (
        [name for kind, name in rows if kind == "action"],
        [name for kind, name in rows if kind == "subject"],
    )
