"""The seller's "download my data": one ZIP, written while it is sent, never held whole.

The archive holds ``README.txt`` (what each file and each table is, in plain words, written
by :mod:`portal.account.export_readme`),
``data.json`` (every row the portal keeps about the seller, table by table) and the seller's
photographs and documents under ``files/``. What goes in is decided by the data map
(:mod:`portal.datamap`), not here: every table of ``SELLER_TABLES`` (and of
``EXPORTED_RECORDS``), only the seller's rows
(directly, or through the parent table named by ``via``), only ``exported_columns``, without
rows the map's ``export_filter`` keeps back (a legal disclosure withheld from the seller);
and only the stored files whose ``<kind>/<purpose>`` the map exports (never an original).
A table or column added later is exported, or not, by its entry in the map. Every text in
``data.json`` goes through :func:`portal.outbox.redaction.redact_secret_links`: a copy of an
email must not carry a link that proves the mailbox to whoever holds the archive.

:func:`archive` gives the ZIP as an iterator of byte chunks. :mod:`zipfile` writes into a sink that
cannot seek, so it writes each entry's sizes and CRC after its data (data descriptors), and
the sink is emptied after every write: rows are read from the database in batches of
``FETCH_ROWS`` and each file is decrypted from storage 64 KiB at a time, so memory does not
grow with the size of the export. Entries whose size is unknown, or could pass 4 GiB, are
written in ZIP64.
"""

from __future__ import annotations

import base64
import json
import logging
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, tzinfo
from decimal import Decimal

from sqlalchemy import Table, false, or_, select

from portal.account.export_readme import PORTAL_NAME, readme
from portal.datamap import (
    EXPORTED_RECORDS,
    SELLER_TABLES,
    STORED_FILES,
    SellerTable,
    exported_columns,
)
from portal.documents import services as documents
from portal.extensions import db
from portal.outbox.redaction import PLACEHOLDER, redact_secret_links
from portal.storage import StorageError, storage

log = logging.getLogger(__name__)

FETCH_ROWS = 500  # rows read from the database at a time
FLUSH_BYTES = 64 * 1024  # the archive is handed on whenever this much is waiting
EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "application/pdf": "pdf",
}

# --- what goes in ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportedTable:
    table: Table
    owned: SellerTable
    columns: list[str]


def exported_tables() -> list[ExportedTable]:
    """Every table of the seller's that has columns to export, parents before children, and
    the records about the seller kept past the account (``EXPORTED_RECORDS``: their requests)."""
    found = []
    for table in db.metadata.sorted_tables:
        owned = SELLER_TABLES.get(table.name) or EXPORTED_RECORDS.get(table.name)
        columns = exported_columns(table) if owned is not None else []
        if columns:
            found.append(ExportedTable(table, owned, columns))
    return found


def _seller_rows(item: ExportedTable, user_id: int):
    """The query for the seller's exported rows of one table, by primary key."""
    table, owned = item.table, item.owned
    if owned.via is None:
        condition = table.c[owned.owner] == user_id
    else:
        parent_name, parent_owner = owned.via
        parent = db.metadata.tables[parent_name]
        condition = table.c[owned.owner].in_(
            select(parent.c.id).where(parent.c[parent_owner] == user_id)
        )
    query = select(*(table.c[name] for name in item.columns)).where(condition)
    if owned.export_filter:
        kept_back = table.c[owned.export_filter]
        query = query.where(or_(kept_back.is_(None), kept_back == false()))
    return query.order_by(*table.primary_key.columns).execution_options(yield_per=FETCH_ROWS)


def rows(item: ExportedTable, user_id: int) -> Iterator[dict]:
    """The seller's exported rows of one table, read ``FETCH_ROWS`` at a time."""
    result = db.session.execute(_seller_rows(item, user_id))
    try:
        for row in result.mappings():
            yield dict(row)
    finally:
        result.close()


@dataclass(frozen=True)
class StoredFile:
    name: str  # the path in the archive
    document_id: int
    kind: str
    purpose: str
    page: int
    storage_key: str
    size_bytes: int
    created_at: datetime


def stored_files(user_id: int) -> list[StoredFile]:
    """The seller's stored files that the data map exports (never an original), in order.

    A file whose kind and purpose the map does not list is left out: nothing is exported
    by default.
    """
    documents_table = db.metadata.tables["documents"]
    files_table = db.metadata.tables["document_files"]
    query = (
        select(
            documents_table.c.id,
            documents_table.c.kind,
            files_table.c.purpose,
            files_table.c.page,
            files_table.c.storage_key,
            files_table.c.content_type,
            files_table.c.size_bytes,
            files_table.c.created_at,
        )
        .join(files_table, files_table.c.document_id == documents_table.c.id)
        .where(documents_table.c.user_id == user_id)
        .order_by(documents_table.c.id, files_table.c.id)
    )
    found = []
    for row in db.session.execute(query):
        entry = STORED_FILES.get(f"{row.kind}/{row.purpose}")
        if entry is None or not entry.exported:
            continue
        extension = EXTENSIONS.get(row.content_type, "bin")
        found.append(
            StoredFile(
                name=f"files/{row.kind}/{row.id}-{row.purpose}-{row.page}.{extension}",
                document_id=row.id,
                kind=row.kind,
                purpose=row.purpose,
                page=row.page,
                storage_key=row.storage_key,
                size_bytes=row.size_bytes,
                created_at=row.created_at,
            )
        )
    return found


# --- data.json --------------------------------------------------------------------------------


def _jsonable(value):
    """JSON's ``default``: dates as ISO 8601 text, bytes as base64."""
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    raise TypeError(f"cannot export a {type(value).__name__}")


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=_jsonable)


def _without_secret_links(row: dict, placeholder: str | None) -> dict:
    return {
        name: redact_secret_links(value, placeholder) if isinstance(value, str) else value
        for name, value in row.items()
    }


def data_json(
    user_id: int,
    generated_at: datetime,
    tables: list[ExportedTable],
    placeholder: str | None = None,
) -> Iterator[str]:
    """``data.json`` in pieces: a header, then each table's rows, one row a line, with every
    link that proves a mailbox replaced by ``placeholder`` (the notification centre hides
    them alike)."""
    header = {"portal": PORTAL_NAME, "account_id": user_id, "generated_at": generated_at}
    yield "{\n"
    for key, value in header.items():
        yield f"  {_dumps(key)}: {_dumps(value)},\n"
    yield '  "tables": {'
    for number, item in enumerate(tables):
        yield ("," if number else "") + f"\n    {_dumps(item.table.name)}: ["
        first = True
        for row in rows(item, user_id):
            yield ("\n      " if first else ",\n      ") + _dumps(
                _without_secret_links(row, placeholder)
            )
            first = False
        yield "]" if first else "\n    ]"
    yield "\n  }\n}\n"


# --- the archive ------------------------------------------------------------------------------


class _Sink:
    """Where :mod:`zipfile` writes. It cannot seek or tell (so zipfile writes data
    descriptors instead of going back to the headers), and keeps what it is given only
    until :meth:`drain` hands it on (never as an empty chunk, which a careless
    server could send as the end of a chunked body)."""

    def __init__(self):
        self._parts: list[bytes] = []
        self.size = 0

    def write(self, data) -> int:
        data = bytes(data)
        self._parts.append(data)
        self.size += len(data)
        return len(data)

    def flush(self) -> None:
        pass

    def drain(self, at_least: int = 1) -> Iterator[bytes]:
        """What was written since the last drain, if it is ``at_least`` bytes."""
        if self.size >= at_least:
            data = b"".join(self._parts)
            self._parts.clear()
            self.size = 0
            yield data


def _entry(name: str, when: datetime, zone: tzinfo, *, compress: bool) -> zipfile.ZipInfo:
    local = when.astimezone(zone)
    info = zipfile.ZipInfo(name, date_time=local.timetuple()[:6])
    if compress:
        info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info


def _read_first(item: StoredFile) -> tuple[bytes, Iterable[bytes]] | None:
    """The file's first decrypted chunk and the rest, or None if it is no longer stored (a
    document deleted while the archive was being written)."""
    chunks = documents.read_key(item.storage_key)
    try:
        return next(chunks, b""), chunks
    except StorageError:
        log.warning("export: a stored file is gone, left out document=%s", item.document_id)
        return None


def archive(user_id: int, *, generated_at: datetime, zone: tzinfo = UTC) -> Iterator[bytes]:
    """The seller's ZIP, in chunks of about ``FLUSH_BYTES``: README.txt, data.json, files.

    Called in the request: the list of files is read and README.txt written in the seller's
    language at once. The chunks come from the returned generator, which needs an app
    context (``stream_with_context``) and nothing of the request or of the logged-in user:
    by the time the body is sent, the request's database session has been removed (the
    user object is detached), and the generator works in a session of its own.

    The generator reads the rows first, then ends the session's transaction (a commit:
    nothing is pending by then), so a slow download does not hold a database connection
    while the files stream. A file that fails to decrypt raises
    :class:`portal.crypto.DecryptionError` partway: the archive is then cut off, without
    its central directory, and no program will take it for complete.
    """
    tables = exported_tables()
    files = [item for item in stored_files(user_id) if storage().exists(item.storage_key)]
    text = readme(user_id, generated_at, tables, files).encode("utf-8")
    placeholder = str(PLACEHOLDER)  # in the seller's language, while the request is here
    return _chunks(user_id, generated_at, zone, tables, files, text, placeholder)


def _chunks(
    user_id: int,
    generated_at: datetime,
    zone: tzinfo,
    tables: list[ExportedTable],
    files: list[StoredFile],
    text: bytes,
    placeholder: str,
) -> Iterator[bytes]:
    sink = _Sink()
    archive_file = zipfile.ZipFile(sink, "w", allowZip64=True)

    with archive_file.open(_entry("README.txt", generated_at, zone, compress=True), "w") as out:
        out.write(text)
    yield from sink.drain()

    info = _entry("data.json", generated_at, zone, compress=True)
    with archive_file.open(info, "w", force_zip64=True) as out:  # its size is not known
        for piece in data_json(user_id, generated_at, tables, placeholder):
            out.write(piece.encode("utf-8"))
            yield from sink.drain(FLUSH_BYTES)
    db.session.commit()  # everything is read: the files need no connection
    yield from sink.drain()

    for item in files:
        opened = _read_first(item)
        if opened is None:
            continue
        first, chunks = opened
        info = _entry(item.name, item.created_at, zone, compress=False)  # already compressed
        info.file_size = item.size_bytes  # ZIP64 if it could pass 4 GiB
        with archive_file.open(info, "w") as out:
            out.write(first)
            for chunk in chunks:
                out.write(chunk)
                yield from sink.drain(FLUSH_BYTES)
        yield from sink.drain()

    archive_file.close()  # the central directory
    yield from sink.drain()
