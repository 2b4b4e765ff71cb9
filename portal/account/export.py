"""The seller's "download my data": one ZIP, written while it is sent, never held whole.

The archive holds ``README.txt`` (what each file and each table is, in plain words),
``data.json`` (every row the portal keeps about the seller, table by table) and the seller's
photographs and documents under ``files/``. What goes in is decided by the data map
(:mod:`portal.datamap`), not here: every table of ``SELLER_TABLES``, only the seller's rows
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

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Table, false, or_, select

from portal.datamap import PERSONAL, SELLER_TABLES, STORED_FILES, SellerTable, exported_columns
from portal.documents import services as documents
from portal.extensions import db
from portal.outbox.redaction import PLACEHOLDER, redact_secret_links
from portal.storage import StorageError, storage

log = logging.getLogger(__name__)

PORTAL_NAME = "Koopseri Seller Portal"
FETCH_ROWS = 500  # rows read from the database at a time
FLUSH_BYTES = 64 * 1024  # the archive is handed on whenever this much is waiting
EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "application/pdf": "pdf",
}

# What each table of the seller's is, for README.txt. A table missing here is still
# exported and explained column by column (a test keeps this list complete).
TABLE_TITLES = {
    "users": _l("Your account: email address, name, date of birth, phone number and settings."),
    "seller_profiles": _l("Your shop profile: the shop's name and its address."),
    "bank_accounts": _l(
        "The bank account we pay you into, with its full number (it is your own data)."
    ),
    "profile_changes": _l(
        "The history of changes to your details: what changed, when and by whom."
    ),
    "login_sessions": _l("The devices where you are, or recently were, logged in."),
    "recovery_codes": _l(
        "When your two-factor recovery codes were made and used (not the codes themselves)."
    ),
    "consent_records": _l(
        "Each time you accepted our privacy policy: which version, when, and from where."
    ),
    "outbox_messages": _l("Every notice we emailed you, in its plain-text form."),
    "documents": _l(
        "Your photographs and documents: what each one is, when you sent it, and our review."
    ),
    "document_files": _l(
        "The stored files of each document: page, type and size. The files are in files/."
    ),
    "staff_access_log": _l("Every time our staff looked at your data, and why."),
    "contact_attempts": _l("Times our staff tried to reach you by another way than email."),
    "seller_reachability": _l(
        "Our emails to you that could not be delivered: how many in a row, and since when."
    ),
    "disclosures": _l(
        "Where your data went: what was sent to a partner, or disclosed because the law required it."
    ),
    "pickups": _l("Pickups you arranged with a courier."),
    "store_connections": _l("The online store you connected to Koopseri."),
    "mailbox_links": _l(
        "Links we emailed you that are waiting to be used (not in the archive: each one is a "
        "secret that proves you can read your mailbox)."
    ),
    "seller_search_terms": _l(
        "The words of your name and shop name, your email and phone number, as our staff "
        "search for your account (not in the archive: the same data is in your account)."
    ),
    "erasure_proposals": _l(
        "A proposal by our staff to erase your account at once, waiting for a second person "
        "to confirm it (not in the archive: while it waits, your account shows as paused)."
    ),
}

KIND_TITLES = {
    "profile_photo": _l("your profile photo"),
    "shop_photo": _l("a photo of your shop"),
    "identity": _l("your identity document"),
    "bank_proof": _l("your proof of bank account"),
}
PURPOSE_TITLES = {
    "display": _l("the copy shown in the portal, without the hidden metadata a file can carry"),
    "thumbnail": _l("the small preview"),
}


# --- what goes in ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportedTable:
    table: Table
    owned: SellerTable
    columns: list[str]


def exported_tables() -> list[ExportedTable]:
    """Every table of the seller's that has columns to export, parents before children."""
    found = []
    for table in db.metadata.sorted_tables:
        owned = SELLER_TABLES.get(table.name)
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


# --- README.txt -------------------------------------------------------------------------------


def readme(user_id: int, generated_at: datetime, tables: list[ExportedTable], files) -> str:
    """What the archive holds, in plain words; the tables are explained from the data map."""
    lines = [
        _("Your data from the %(portal)s", portal=PORTAL_NAME),
        "=" * 60,
        "",
        _(
            "This archive holds everything the portal keeps about your account (number %(id)s), as it was on %(when)s (UTC).",
            id=user_id,
            when=generated_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M"),
        ),
        "",
        "README.txt",
        "  " + _("This file."),
        "",
        "data.json",
        "  "
        + _(
            'Your data as it is stored, in JSON (a text format most programs can open). Under "tables", each table below is a list of rows, in the order they were made; dates and times are in ISO 8601, in UTC.'
        ),
        "",
        "files/",
        "  "
        + _(
            'Your photographs and documents, as files/<kind>/<document>-<purpose>-<page>. The number of the document is its "id" in the documents table of data.json.'
        ),
        "  "
        + _(
            "The files exactly as you uploaded your identity document and proof of bank account are not included: we keep them encrypted as evidence of our checks and never show them, because they can carry hidden metadata. The copies here are the ones shown in the portal."
        ),
    ]
    for item in files:
        what = _(
            "%(kind)s, page %(page)s: %(purpose)s.",
            kind=KIND_TITLES.get(item.kind, item.kind),
            page=item.page,
            purpose=PURPOSE_TITLES.get(item.purpose, item.purpose),
        )
        lines.append(f"  {item.name}")
        lines.append(f"    {what[:1].upper()}{what[1:]}")
    if not files:
        lines.append("  " + _("You have no photographs or documents with us."))
    lines += ["", _("The tables in data.json"), "-" * 60]
    for item in tables:
        name = item.table.name
        lines += ["", name, "  " + str(TABLE_TITLES.get(name, _("Records of your account.")))]
        other = []
        for column in item.columns:
            personal = PERSONAL.get(f"{name}.{column}")
            if personal is None:
                other.append(column)
                continue
            lines.append(
                "  - "
                + _(
                    "%(column)s (%(category)s). Why we keep it: %(purpose)s.",
                    column=column,
                    category=personal.category.value,
                    purpose=personal.purpose,
                )
            )
        if other:
            lines.append(
                "  - "
                + _(
                    "Also: %(columns)s (numbers, dates, states and settings of the record).",
                    columns=", ".join(other),
                )
            )
    lines += [
        "",
        _(
            "Secrets are left out on purpose: your password, your two-factor secret and recovery codes, and the codes we use internally. Nothing about any other seller is included."
        ),
        "",
    ]
    return "\n".join(lines)


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
