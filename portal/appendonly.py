"""Tables that only grow: :func:`guard` refuses every change or removal of a model's rows
made through SQLAlchemy, whatever the code path.

* a row loaded and changed, or deleted, through the ORM: the mapper's ``before_update`` and
  ``before_delete`` raise during the flush;
* a bulk ``update(Model)`` / ``delete(Model)`` (or on its table) run through a session: the
  session's ``do_orm_execute`` refuses it before it reaches the database, and so does a
  textual ``UPDATE table`` / ``DELETE FROM table``.

Adding rows is untouched. The audit trail and a breach's timeline use it; each calls it once
when its module is imported, and the listeners are global (every session, every app).
"""

from __future__ import annotations

import re

from sqlalchemy import event
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import TextClause


def guard(model: type, refused: type[Exception], noun: str) -> None:
    """Make ``model``'s table append-only: what is refused raises ``refused``, its message
    naming the row as ``noun`` ("audit event 12 cannot be changed")."""
    table = model.__tablename__
    text_write = re.compile(
        rf"""\b(?:update|delete\s+from)\s+(?:\w+\.)?["`]?{table}\b""", re.IGNORECASE
    )

    def refuse_change(mapper, connection, target) -> None:
        raise refused(f"{noun} {target.id} cannot be changed")

    def refuse_delete(mapper, connection, target) -> None:
        raise refused(f"{noun} {target.id} cannot be deleted")

    def refuse_bulk_writes(state) -> None:
        statement = state.statement
        target = getattr(getattr(statement, "table", None), "name", None)
        if (state.is_update or state.is_delete) and target == table:
            raise refused(f"bulk UPDATE or DELETE of {noun}s refused")
        if isinstance(statement, TextClause) and text_write.search(statement.text):
            raise refused(f"UPDATE or DELETE of {noun}s refused")

    event.listen(model, "before_update", refuse_change)
    event.listen(model, "before_delete", refuse_delete)
    event.listen(Session, "do_orm_execute", refuse_bulk_writes)
