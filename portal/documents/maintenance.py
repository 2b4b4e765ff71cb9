"""Keeping storage and the database in step, files under the current encryption key, and
moving every file from one backend to the other.

Both walk in batches, so memory stays flat however many files there are.
"""

from __future__ import annotations

import hashlib
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
from portal.storage import KEY_COLUMNS, Storage, StorageError, storage

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


# --- moving to another backend ------------------------------------------------------------

READ_BYTES = 1024 * 1024


@dataclass
class MoveReport:
    copied: int = 0  # copied now, and read back equal
    already: int = 0  # found in the target equal to the source: an earlier run copied it
    missing: list[str] = field(default_factory=list)  # named by a row, not in the source
    failed: list[str] = field(default_factory=list)  # the copy did not read back equal

    @property
    def complete(self) -> bool:
        return not self.missing and not self.failed


def stored_keys() -> Iterator[str]:
    """Every key a row names, in every column registered as holding keys, in batches."""
    for column in KEY_COLUMNS:
        last = ""
        while keys := db.session.scalars(
            select(column)
            .where(column.is_not(None), column > last)
            .distinct()
            .order_by(column)
            .limit(BATCH)
        ).all():
            yield from keys
            last = keys[-1]


def _chunks(store: Storage, key: str, digest) -> Iterator[bytes]:
    with store.open(key) as body:
        while chunk := body.read(READ_BYTES):
            digest.update(chunk)
            yield chunk


def fingerprint(store: Storage, key: str) -> tuple[int, bytes] | None:
    """The size and SHA-256 of the sealed bytes under ``key``, or None if there are none."""
    digest, size = hashlib.sha256(), 0
    try:
        for chunk in _chunks(store, key, digest):
            size += len(chunk)
    except StorageError:
        return None
    return size, digest.digest()


def move(source: Storage, target: Storage, on_file=None) -> MoveReport:
    """Copy every file the database names from ``source`` to ``target``, sealed as it is
    (the keys and so the sealing contexts stay the same), and read each copy back to compare
    its size and SHA-256 with the source's. A file already in the target and equal is left
    alone, so a run that was interrupted can simply be run again. Nothing is deleted from
    ``source``: the operator switches ``DOCUMENT_STORAGE`` once a run is complete."""
    report = MoveReport()
    for key in stored_keys():
        wanted = fingerprint(source, key)
        if wanted is None:
            report.missing.append(key)
        elif fingerprint(target, key) == wanted:
            report.already += 1
        else:
            digest = hashlib.sha256()
            size = target.save(key, _chunks(source, key, digest))
            if (size, digest.digest()) == wanted and fingerprint(target, key) == wanted:
                report.copied += 1
            else:
                report.failed.append(key)
        if on_file is not None:
            on_file(report)
    return report
