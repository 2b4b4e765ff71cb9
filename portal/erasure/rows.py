"""Erasing accounts' rows, as the data map says, with one statement per table.

The erasure imports no feature: it walks ``db.metadata`` children first and, per the data
map, deletes the rows of every table in ``SELLER_TABLES`` (after listing the files they
name); the account row goes last. The columns elsewhere that ``ACCOUNT_REFERENCES`` marks
``BLANK`` are emptied by the database as the account row goes (``ON DELETE SET NULL``, which
``tests/test_datamap.py`` holds the schema to): the audit trail, one of them, refuses every
UPDATE the application sends. What stays is an :class:`Erasure`: which account id, when,
and why.
"""

from __future__ import annotations

from sqlalchemy import delete, select

from portal.auth.models import User
from portal.datamap import SELLER_TABLES, SellerTable
from portal.erasure import files, third_parties
from portal.erasure.models import Erasure, PendingFileDeletion
from portal.extensions import db
from portal.sharing import erasure_requests as door


class NoSuchAccount(LookupError):
    pass


def erase_account(user_id: int, *, reason: str, reference: str | None = None) -> Erasure:
    """Delete one account's rows and files; flushes, the caller commits.

    Files leave storage only after the commit, so a rolled-back erasure loses nothing.
    Raises :class:`NoSuchAccount`.
    """
    if db.session.scalar(select(User.id).where(User.id == user_id)) is None:
        raise NoSuchAccount(user_id)
    return erase_accounts([user_id], reason=reason, reference=reference)[0]


def erase_accounts(
    user_ids: list[int], *, reason: str, reference: str | None = None
) -> list[Erasure]:
    """Delete the rows and files of several accounts with one statement per table: the
    retention job's batches. Flushes; the caller commits (all of them, or none)."""
    db.session.flush()
    ids = list(user_ids)
    received = door.received(ids)  # what each party holds, asked of it once the rows are gone
    still_open = third_parties.gather(ids)  # what its API can still cancel or delete
    pending: list[PendingFileDeletion] = []
    for table in reversed(db.metadata.sorted_tables):  # children before parents
        owned = SELLER_TABLES.get(table.name)
        if owned is None:
            continue
        condition = belonging_to(table, owned, ids)
        if owned.files is not None:
            pending += files.named_by(table, owned.files, condition)
        db.session.execute(delete(table).where(condition))
    db.session.expunge_all()  # nothing stale of these accounts stays in this session

    records = {
        user_id: Erasure(account_id=user_id, reason=reason, reference=reference) for user_id in ids
    }
    db.session.add_all(records.values())
    db.session.add_all(pending)
    db.session.flush()
    third_parties.queue(records, received, still_open)
    db.session.flush()
    files.delete_after_commit(pending)
    return [records[user_id] for user_id in ids]


def belonging_to(table, owned: SellerTable, ids: list[int]):
    """The condition selecting the rows of ``table`` that belong to these accounts."""
    if owned.via is None:
        return table.c[owned.owner].in_(ids)
    parent_name, parent_owner = owned.via
    parent = db.metadata.tables[parent_name]
    return table.c[owned.owner].in_(select(parent.c.id).where(parent.c[parent_owner].in_(ids)))
