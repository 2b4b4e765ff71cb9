"""The audit trail is append-only: refuse every change or removal of an event made through
SQLAlchemy, whatever the code path.

* an event loaded and changed, or deleted, through the ORM: the mapper's ``before_update``
  and ``before_delete`` raise during the flush;
* a bulk ``update(AuditEvent)`` / ``delete(AuditEvent)`` (or on the ``audit_events`` table)
  run through a session: the session's ``do_orm_execute`` refuses it before it reaches the
  database, and so does a textual ``UPDATE audit_events`` / ``DELETE FROM audit_events``.

Adding events (:func:`portal.audit.services.record`) is untouched. Loaded once at app start,
by importing this module; the listeners are global (every session, every app).
"""

from __future__ import annotations

import re

from sqlalchemy import event
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import TextClause

from portal.audit.models import AuditEvent

TABLE = AuditEvent.__tablename__

_TEXT_WRITE = re.compile(
    rf"""\b(?:update|delete\s+from)\s+(?:\w+\.)?["`]?{TABLE}\b""", re.IGNORECASE
)


class AuditTrailIsAppendOnly(RuntimeError):
    """Something tried to change or remove an audit event."""


def _refuse_change(mapper, connection, target) -> None:
    raise AuditTrailIsAppendOnly(f"audit event {target.id} cannot be changed")


def _refuse_delete(mapper, connection, target) -> None:
    raise AuditTrailIsAppendOnly(f"audit event {target.id} cannot be deleted")


def _targets_audit_table(statement) -> bool:
    table = getattr(statement, "table", None)
    return getattr(table, "name", None) == TABLE


def _refuse_bulk_writes(state) -> None:
    if (state.is_update or state.is_delete) and _targets_audit_table(state.statement):
        raise AuditTrailIsAppendOnly("bulk UPDATE or DELETE of audit events refused")
    if isinstance(state.statement, TextClause) and _TEXT_WRITE.search(state.statement.text):
        raise AuditTrailIsAppendOnly("UPDATE or DELETE of audit events refused")


event.listen(AuditEvent, "before_update", _refuse_change)
event.listen(AuditEvent, "before_delete", _refuse_delete)
event.listen(Session, "do_orm_execute", _refuse_bulk_writes)
