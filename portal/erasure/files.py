"""The files erasure deletes, by store, after the transaction that erased their rows commits.

The data map names, for each table whose rows name a file, the store and the row's columns
the key is made from (``portal.datamap.Files``); each store here turns such rows into keys
and deletes a key. The keys are written to ``pending_file_deletions`` in the erasure's own
transaction: a crash between the commit and the deletion leaves a list that the next
retention run finishes, and a rolled-back erasure deletes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import delete, event, select
from sqlalchemy.orm import Session

from portal.datamap import Files
from portal.erasure.models import PendingFileDeletion
from portal.extensions import db
from portal.sharing import erasure_requests as door
from portal.storage import storage

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Store:
    keys: Callable[[Sequence], list[str]]  # the keys of the files these rows name
    delete: Callable[[str], None]  # delete one; a missing file is fine; OSError on failure


def _mail_file_name(created_at: datetime, message_id: int) -> str:
    """The name the file transport gave the message (``portal.outbox.transports``)."""
    return f"{created_at:%Y%m%d-%H%M%S}-{message_id:08d}.eml"


def _delete_mail_file(key: str) -> None:
    (Path(current_app.instance_path) / "mail" / Path(key).name).unlink(missing_ok=True)


STORES: dict[str, Store] = {
    "documents": Store(
        keys=lambda rows: [row.storage_key for row in rows],
        delete=lambda key: storage().delete(key),
    ),
    "mail": Store(
        keys=lambda rows: [_mail_file_name(row.created_at, row.id) for row in rows],
        delete=_delete_mail_file,
    ),
    "shared": Store(keys=door.development_copies, delete=door.delete_development_copy),
}


def named_by(table, files: Files, condition) -> list[PendingFileDeletion]:
    """Pending deletions for the files that ``table``'s rows matching ``condition`` name."""
    rows = db.session.execute(select(*(table.c[name] for name in files.columns)).where(condition))
    return [
        PendingFileDeletion(store=files.store, key=key)
        for key in STORES[files.store].keys(rows.all())
    ]


_FILES = "erasure.files"


def delete_after_commit(pending: list[PendingFileDeletion]) -> None:
    """Delete these files once the session's transaction commits (not if it rolls back)."""
    db.session.info.setdefault(_FILES, []).extend((p.store, p.key) for p in pending)


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    """The files of a committed erasure go now; their pending entries stay until the next
    retention run removes them (deleting a file twice is harmless)."""
    files = session.info.pop(_FILES, None)
    if files:
        _delete_files(files)


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(_FILES, None)


def _delete_files(entries) -> list[int]:
    """Delete each (store, key); returns the positions of those that are gone."""
    gone = []
    for position, (store, key) in enumerate(entries):
        try:
            STORES[store].delete(key)
        except OSError:
            log.exception("could not delete an erased file; the next retention run will")
        else:
            gone.append(position)
    return gone


def delete_pending_files(batch_size: int = 500) -> int:
    """Delete the files listed as pending, then their entries; returns how many."""
    done = 0
    while True:
        batch = db.session.scalars(
            select(PendingFileDeletion).order_by(PendingFileDeletion.id).limit(batch_size)
        ).all()
        if not batch:
            return done
        gone = _delete_files([(entry.store, entry.key) for entry in batch])
        if not gone:
            return done  # storage is failing: leave the rest for the next run
        db.session.execute(
            delete(PendingFileDeletion).where(
                PendingFileDeletion.id.in_([batch[position].id for position in gone])
            )
        )
        db.session.commit()
        done += len(gone)
