"""Recording staff actions in the audit trail, and the few acts of the portal itself that
staff must be able to find there."""

from __future__ import annotations

from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.extensions import db

SYSTEM_ROLE = "system"


def record(
    actor, action: str, subject_type: str, subject_id: int | None, detail: str | None = None
):
    """Add one event in the caller's transaction (flushes only), so an action that rolls
    back leaves no event, and one that commits always has its event. ``actor`` None: the
    portal itself did it, with no member of staff behind it (the role "system")."""
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        actor_role=actor.role if actor is not None else SYSTEM_ROLE,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        detail=(detail or None) and detail[:255],
    )
    db.session.add(event)
    db.session.flush()
    return event


def latest(action: str) -> AuditEvent | None:
    """The most recent event of ``action`` (the last retention run, for the metrics)."""
    return db.session.scalar(
        select(AuditEvent)
        .where(AuditEvent.action == action)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(1)
    )
