"""An incident's timeline is append-only, like the audit trail (:mod:`portal.audit.guard`):
every change or removal of a timeline entry made through SQLAlchemy is refused.

* an entry loaded and changed, or deleted, through the ORM: ``before_update`` and
  ``before_delete`` raise during the flush;
* a bulk ``update(BreachEvent)`` / ``delete(BreachEvent)``, or a textual ``UPDATE
  breach_events`` / ``DELETE FROM breach_events``, run through a session: refused by the
  session's ``do_orm_execute`` before it reaches the database.

The one way entries go is with their breach, when the retention rule deletes the breach
row and the database cascades (``ON DELETE CASCADE``): the record is then gone whole, never
rewritten. Loaded with the package; the listeners are global.
"""

from __future__ import annotations

import re

from sqlalchemy import event
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import TextClause

from portal.breaches.models import BreachEvent

TABLE = BreachEvent.__tablename__

_TEXT_WRITE = re.compile(
    rf"""\b(?:update|delete\s+from)\s+(?:\w+\.)?["`]?{TABLE}\b""", re.IGNORECASE
)


class TimelineIsAppendOnly(RuntimeError):
    """Something tried to change or remove an entry of a breach's timeline."""


def _refuse_change(mapper, connection, target) -> None:
    raise TimelineIsAppendOnly(f"timeline entry {target.id} cannot be changed")


def _refuse_delete(mapper, connection, target) -> None:
    raise TimelineIsAppendOnly(f"timeline entry {target.id} cannot be deleted")


def _refuse_bulk_writes(state) -> None:
    statement = state.statement
    table = getattr(statement, "table", None)
    if (state.is_update or state.is_delete) and getattr(table, "name", None) == TABLE:
        raise TimelineIsAppendOnly("bulk UPDATE or DELETE of timeline entries refused")
    if isinstance(statement, TextClause) and _TEXT_WRITE.search(statement.text):
        raise TimelineIsAppendOnly("UPDATE or DELETE of timeline entries refused")


event.listen(BreachEvent, "before_update", _refuse_change)
event.listen(BreachEvent, "before_delete", _refuse_delete)
event.listen(Session, "do_orm_execute", _refuse_bulk_writes)
