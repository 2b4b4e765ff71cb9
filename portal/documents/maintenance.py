"""Keeping storage and the database in step, and files under the current encryption key.

Both walk in batches, so memory stays flat however many files there are.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice

from sqlalchemy import func, select

from portal import filecrypto
from portal.crypto import keyring
from portal.documents.models import Document, DocumentFile, FilePurpose
from portal.documents.services import sealing_context
from portal.extensions import db
from portal.storage import KEY_COLUMNS, storage

BATCH = 1000


@dataclass
class CheckReport:
    orphan_files: list[str] = field(default_factory=list)  # stored, but no row names them
    missing_files: list[int] = field(default_factory=list)  # ids of rows whose file is gone
    partial_removed: int = 0

    @property
    def clean(self) -> bool:
        return not self.orphan_files and not self.missing_files


def _batches(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def check(*, fix: bool, older_than: datetime) -> CheckReport:
    """Files no row names (in any column registered with ``storage.holds_storage_keys``) and
    document rows without a file; with ``fix``, remove both.

    Only files last written before ``older_than`` count as orphans, so an upload whose row
    is about to commit is left alone. A document left with nothing to show is removed too.
    """
    report = CheckReport()
    store = storage()
    for batch in _batches((o for o in store.listing() if o.modified_at < older_than), BATCH):
        keys = [o.key for o in batch]
        known = {
            key
            for column in KEY_COLUMNS
            for key in db.session.scalars(select(column).where(column.in_(keys)))
        }
        report.orphan_files.extend(o.key for o in batch if o.key not in known)
    last = 0
    while rows := db.session.execute(
        select(DocumentFile.id, DocumentFile.storage_key)
        .where(DocumentFile.id > last)
        .order_by(DocumentFile.id)
        .limit(BATCH)
    ).all():
        report.missing_files.extend(i for i, key in rows if not store.exists(key))
        last = rows[-1][0]
    if fix:
        _fix(report, older_than)
    return report


def _fix(report: CheckReport, older_than: datetime) -> None:
    store = storage()
    for key in report.orphan_files:
        store.delete(key)
    for batch in _batches(report.missing_files, BATCH):
        for item in db.session.scalars(select(DocumentFile).where(DocumentFile.id.in_(batch))):
            db.session.delete(item)
    db.session.flush()
    shown = select(DocumentFile.document_id).where(DocumentFile.purpose == FilePurpose.DISPLAY)
    for document in db.session.scalars(select(Document).where(Document.id.not_in(shown))):
        db.session.delete(document)
    db.session.flush()
    sweep = getattr(store, "sweep_partial", None)
    if sweep is not None:
        report.partial_removed = sweep(older_than)


# --- key rotation ---------------------------------------------------------------------------


def count_stale() -> int:
    """Stored files not yet under the current key."""
    current = keyring().current
    return db.session.scalar(
        select(func.count()).select_from(DocumentFile).where(DocumentFile.key_id != current)
    )


def rotate_batch(limit: int, after: int = 0) -> list[int]:
    """Re-seal up to ``limit`` files under the current key, in place, after row ``after``.

    Each file is decrypted and encrypted again chunk by chunk into a new object that
    replaces the old one in one step; the row's key id changes with it (flushed, not
    committed). Returns the row ids done, in order; empty when none are left.
    """
    current = keyring().current
    store = storage()
    items = db.session.scalars(
        select(DocumentFile)
        .where(DocumentFile.key_id != current, DocumentFile.id > after)
        .order_by(DocumentFile.id)
        .limit(limit)
    ).all()
    for item in items:
        context = sealing_context(item.storage_key)
        with store.open(item.storage_key) as sealed:
            store.save(
                item.storage_key,
                filecrypto.seal(_Chunks(filecrypto.unseal(sealed, context)), context),
            )
        item.key_id = current
    db.session.flush()
    return [item.id for item in items]


class _Chunks:
    """A read-only file over an iterator of byte chunks, for sealing what is being unsealed."""

    def __init__(self, chunks: Iterator[bytes]):
        self.chunks, self.buffer = chunks, b""

    def read(self, size: int) -> bytes:
        while len(self.buffer) < size:
            chunk = next(self.chunks, None)
            if chunk is None:
                break
            self.buffer += chunk
        data, self.buffer = self.buffer[:size], self.buffer[size:]
        return data
