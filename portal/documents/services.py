"""Uploading, replacing, deleting and showing a seller's photographs and documents.

An upload is received into a private work folder, identified by its content, decoded and
re-encoded (or, for a PDF, checked and drawn), and only then sealed into storage: a refused
file never reaches storage, and a file stored for a transaction that does not commit is
removed again (:mod:`portal.storage`). Files are replaced and deleted only after the
transaction that drops their rows commits.
"""

from __future__ import annotations

import functools
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from sqlalchemy import Exists, Row, bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from portal import filecrypto
from portal.accesslog import services as accesslog
from portal.auth.models import Role, User
from portal.clock import utcnow
from portal.crypto import keyring
from portal.documents import choices, content, numbers, pdf, pictures, review
from portal.documents.content import DOCUMENT_TYPES, PHOTO_TYPES, FileType, Limits, Refused
from portal.documents.models import (
    MAX_SHOP_PHOTOS,
    Document,
    DocumentFile,
    DocumentKind,
    FilePurpose,
    IdentityNumber,
    IdentityType,
    ReviewStatus,
    reason_codes,
)
from portal.documents.numbers import NoIdentityDocument, NumberRefused, TypedNumber
from portal.extensions import db
from portal.formatting import masked
from portal.storage import delete_after_commit, new_key, saved_in_transaction, storage

__all__ = ["NoIdentityDocument", "NumberRefused", "Refused", "TypedNumber", "Upload"]

REVIEW_ROLES = (Role.REVIEWER, Role.ADMIN)  # staff who may see documents
ALLOWED_TYPES = {
    DocumentKind.PROFILE_PHOTO: PHOTO_TYPES,
    DocumentKind.SHOP_PHOTO: PHOTO_TYPES,
    DocumentKind.IDENTITY: DOCUMENT_TYPES,
    DocumentKind.BANK_PROOF: DOCUMENT_TYPES,
    DocumentKind.BUSINESS_REGISTRATION: DOCUMENT_TYPES,
}
MAX_FILES = {IdentityType.MYKAD: 2, IdentityType.PASSPORT: 1, None: 1}


class NotFound(Exception):
    """No such document or file, or not one this person may see or change."""


class TooManyPhotos(Exception):
    """All shop-photo slots are taken."""


@dataclass(frozen=True)
class Upload:
    """A file as the browser sent it: only the name's extension is ever used."""

    filename: str
    stream: BinaryIO


@dataclass(frozen=True)
class Prepared:
    path: Path
    purpose: FilePurpose
    page: int
    content_type: str
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True)
class Overview:
    profile_photo: Document | None
    shop_photos: list[Document]
    identity: Document | None
    bank_proof: Document | None
    business_registration: Document | None = None
    identity_number: IdentityNumber | None = None  # shown masked

    @property
    def shop_photos_left(self) -> int:
        return MAX_SHOP_PHOTOS - len(self.shop_photos)


def limits() -> Limits:
    config = current_app.config
    return Limits(
        max_pixels=config["IMAGE_MAX_PIXELS"],
        max_side=config["IMAGE_MAX_SIDE"],
        thumbnail_side=config["THUMBNAIL_SIDE"],
        pdf_pages=config["PDF_PREVIEW_PAGES"],
    )


def overview(user_id: int) -> Overview:
    """The seller's documents, files loaded, and the identity number (read with the identity
    document, in the same statement: it comes with it)."""
    rows = db.session.execute(
        select(Document, IdentityNumber)
        .outerjoin(
            IdentityNumber,
            (IdentityNumber.user_id == Document.user_id) & (Document.kind == DocumentKind.IDENTITY),
        )
        .where(Document.user_id == user_id)
        .options(selectinload(Document.files))
        .order_by(Document.kind, Document.slot)
    ).all()
    by_kind: dict[str, list[Document]] = {}
    identity_number = None
    for document, number in rows:
        by_kind.setdefault(document.kind, []).append(document)
        identity_number = identity_number or number

    def single(kind):
        return next(iter(by_kind.get(kind, [])), None)

    return Overview(
        profile_photo=single(DocumentKind.PROFILE_PHOTO),
        shop_photos=by_kind.get(DocumentKind.SHOP_PHOTO, []),
        identity=single(DocumentKind.IDENTITY),
        bank_proof=single(DocumentKind.BANK_PROOF),
        business_registration=single(DocumentKind.BUSINESS_REGISTRATION),
        identity_number=identity_number,
    )


# --- upload, replace, delete -----------------------------------------------------------------


def upload(
    user: User,
    kind: DocumentKind,
    uploads: list[Upload],
    identity_type: IdentityType | None = None,
    *,
    number: TypedNumber | None = None,
) -> Document:
    """Add or replace the seller's document of ``kind`` (a shop photo is always added); an
    identity document with the ``number`` printed on it.

    Raises :class:`NumberRefused` (the number does not agree with the seller: nothing
    stored), :class:`Refused` (nothing stored, nothing changed) for a file the portal does
    not accept, and :class:`TooManyPhotos` when all shop-photo slots are taken. Replacing an
    identity, bank or business registration document puts it back in the review queue; a
    new identity document also ends the verification of the seller's identity.
    """
    checked = None
    if kind == DocumentKind.IDENTITY and number is not None:
        checked = numbers.check(user, number)  # before any file is read or stored
    if not uploads:
        raise Refused(content.nothing_chosen_message())
    if len(uploads) > MAX_FILES[identity_type if kind == DocumentKind.IDENTITY else None]:
        raise Refused(content.too_many_files_message(identity_type))
    with tempfile.TemporaryDirectory(prefix="portal-upload-") as work:
        prepared = _prepare(kind, uploads, Path(work))
        if kind == DocumentKind.SHOP_PHOTO:
            document = _new_shop_photo(user)
        else:
            document = _existing(user.id, kind) or Document(user_id=user.id, kind=kind)
            if document.id is None:
                db.session.add(document)
            else:
                _replace_files(document)
        if kind.is_evidence:
            _back_to_review(document, identity_type)
        for item in prepared:
            document.files.append(_store(item))
        if kind == DocumentKind.IDENTITY:
            _new_identity(user.id, checked)
        db.session.flush()
    return document


def _new_identity(user_id: int, checked: numbers.CheckedNumber | None) -> None:
    """A new identity document: the number typed with it replaces the one on file (or, sent
    without one, the old number goes: it was read off the old document)."""
    if checked is None:
        numbers.forget(user_id)
    else:
        numbers.keep(user_id, checked)
    review.end_verification(user_id)


def change_identity_number(user: User, number: TypedNumber) -> bool:
    """Give or correct the number of the identity document on file, without sending the
    document again. A number that differs from the one on file ends the verification of
    the seller's identity and puts the document back in the review queue (a rejected one
    stays rejected: a new number does not mend its pictures); whether the number changed.

    Raises :class:`NoIdentityDocument`, or :class:`NumberRefused` (nothing changed). The
    number must be of the document's own type. Flushes only."""
    document = numbers.identity_document(user.id)
    if document is None or document.identity_type != number.identity_type:
        raise NoIdentityDocument()
    if not numbers.keep(user.id, numbers.check(user, number)):
        return False
    if document.status != ReviewStatus.REJECTED:
        review.reopen(document)
    review.end_verification(user.id)
    return True


def delete(user_id: int, document_id: int) -> None:
    """Remove one of the seller's documents, and its files once the removal commits. An
    identity document takes its number with it, and the identity is no longer verified."""
    document = db.session.get(Document, document_id)
    if document is None or document.user_id != user_id:
        raise NotFound()
    _replace_files(document)
    if document.kind == DocumentKind.IDENTITY:
        numbers.forget(user_id)
        review.end_verification(user_id)
    db.session.delete(document)
    db.session.flush()


def _existing(user_id: int, kind: DocumentKind) -> Document | None:
    return db.session.scalar(
        select(Document).where(Document.user_id == user_id, Document.kind == kind)
    )


def _new_shop_photo(user: User) -> Document:
    taken = set(
        db.session.scalars(
            select(Document.slot).where(
                Document.user_id == user.id, Document.kind == DocumentKind.SHOP_PHOTO
            )
        )
    )
    free = [slot for slot in range(1, MAX_SHOP_PHOTOS + 1) if slot not in taken]
    if not free:
        raise TooManyPhotos()
    document = Document(user_id=user.id, kind=DocumentKind.SHOP_PHOTO, slot=free[0])
    try:
        with db.session.begin_nested():  # two uploads at once: the slot's constraint decides
            db.session.add(document)
    except IntegrityError:
        raise TooManyPhotos() from None
    return document


def _replace_files(document: Document) -> None:
    for old in list(document.files):
        delete_after_commit(old.storage_key)
        document.files.remove(old)
    document.revision += 1
    document.uploaded_at = utcnow()


def _back_to_review(document: Document, identity_type: IdentityType | None) -> None:
    document.identity_type = identity_type
    document.status = ReviewStatus.PENDING
    document.reviewed_at = None
    document.reviewer_id = None
    document.rejection_reasons = None
    document.rejection_note = None


def _prepare(kind: DocumentKind, uploads: list[Upload], work: Path) -> list[Prepared]:
    """Every file to store for ``uploads``, made in ``work``; :class:`Refused` on the first
    problem, before anything is stored.

    Each page (a picture, a side of a MyKad, a drawn page of a PDF) gets a display copy and
    a thumbnail of its own, so the seller can see every page arrived. Both are saved to
    ``work`` before the next page is drawn or the next upload decoded, and let go: an upload
    of two files never holds more than one decoded picture at a time, which keeps it within
    the memory budget of one.
    """
    rules, originals, displays, thumbnails = limits(), [], [], []
    for number, item in enumerate(uploads, start=1):
        received, file_type, drawn = _receive(item, ALLOWED_TYPES[kind], work / f"upload-{number}")
        if kind.is_evidence:
            originals.append(Prepared(received, FilePurpose.ORIGINAL, number, file_type))
        while drawn:
            picture, picture_type = drawn.pop(0)
            page = len(displays) + 1
            path = work / f"display-{page}"
            displays.append(_save(picture, picture_type, path, FilePurpose.DISPLAY, page))
            small = pictures.thumbnail(picture, rules.thumbnail_side)
            del picture
            path = work / f"thumbnail-{page}"
            thumbnails.append(_save(small, FileType.JPEG, path, FilePurpose.THUMBNAIL, page))
            del small
    return [*originals, *displays, *thumbnails]


def _receive(item: Upload, allowed, target: Path) -> tuple[Path, FileType, list]:
    """One upload received into ``target``, its type, and its clean pictures with the type
    each is to be saved as (a PDF's first pages, as JPEG). :class:`Refused` if not accepted."""
    rules = limits()
    content.receive(item.stream, target, current_app.config["UPLOAD_MAX_BYTES"])
    file_type = content.identify(target, item.filename, allowed)
    if file_type.is_image:
        return target, file_type, [(pictures.cleaned_picture(target, rules), file_type)]
    pdf.check_pdf(target)
    return target, file_type, [(page, FileType.JPEG) for page in pdf.render_pdf(target, rules)]


def _save(picture, file_type: FileType, path: Path, purpose: FilePurpose, page: int) -> Prepared:
    file_type = pictures.save_picture(picture, path, file_type)
    return Prepared(path, purpose, page, file_type, *picture.size)


def _store(item: Prepared) -> DocumentFile:
    key = new_key()
    with open(item.path, "rb") as source:
        storage().save(key, filecrypto.seal(source, sealing_context(key)))
    saved_in_transaction(key)
    return DocumentFile(
        purpose=item.purpose,
        page=item.page,
        storage_key=key,
        key_id=keyring().current,
        content_type=item.content_type,
        size_bytes=os.path.getsize(item.path),
        width=item.width,
        height=item.height,
    )


@dataclass(frozen=True)
class StoredCopy:
    storage_key: str
    content_type: str
    size_bytes: int


def store_clean_copy(item: Upload) -> StoredCopy:
    """A supporting file sent with a report: checked by the same rules as documents, and
    kept only as a clean picture (its first page, for a PDF), sealed into storage. The
    storage key is removed again unless the transaction commits. :class:`Refused` if the
    file is not accepted."""
    with tempfile.TemporaryDirectory(prefix="portal-upload-") as work:
        _, _, drawn = _receive(item, DOCUMENT_TYPES, Path(work) / "upload")
        picture, file_type = drawn[0]
        stored = _store(_save(picture, file_type, Path(work) / "copy", FilePurpose.DISPLAY, 1))
    return StoredCopy(stored.storage_key, stored.content_type, stored.size_bytes)


def read_key(storage_key: str) -> Iterator[bytes]:
    """A sealed file's content by its storage key, decrypted chunk by chunk."""
    with storage().open(storage_key) as sealed:
        yield from filecrypto.unseal(sealed, sealing_context(storage_key))


def sealing_context(storage_key: str) -> str:
    return f"document_files:{storage_key}"


# --- showing ----------------------------------------------------------------------------------


def file_for(viewer: User, file_id: int) -> DocumentFile:
    """A file ``viewer`` may see: their own, or any seller's for reviewing staff, whose look
    is recorded in the access log. Originals are never shown. :class:`NotFound` otherwise."""
    item = _shown_file(file_id)
    owner_id = item.document.user_id
    if viewer.is_seller and owner_id == viewer.id:
        return item
    if viewer.role in REVIEW_ROLES:
        accesslog.record(viewer, owner_id, "document", object_id=item.document_id)
        return item
    raise NotFound()


def _shown_file(file_id: int) -> DocumentFile:
    """The file ``file_id`` if it is one that is ever shown (not an original)."""
    item = db.session.get(DocumentFile, file_id, options=[joinedload(DocumentFile.document)])
    if item is None or item.purpose == FilePurpose.ORIGINAL:
        raise NotFound()
    return item


def read(item: DocumentFile) -> Iterator[bytes]:
    """The file's content, decrypted chunk by chunk."""
    return read_key(item.storage_key)


def file_name(item: DocumentFile) -> str:
    """The name a shown file is served under (without its extension)."""
    name = choices.KIND_FILENAMES[DocumentKind(item.document.kind)]
    return f"{name}-{item.document_id}-{item.purpose}-{item.page}"


# --- a seller's documents on the back office's seller page -----------------------------------


def seller_documents(user_id: int) -> list[Document]:
    """Every document of the seller, files loaded: the identity document, the bank proof, the
    business registration document, the profile photo, then the shop photos by slot."""
    found = overview(user_id)
    singles = (found.identity, found.bank_proof, found.business_registration, found.profile_photo)
    return [document for document in singles if document is not None] + found.shop_photos


@dataclass(frozen=True)
class ShownPage:
    """One page of a document as the seller sees it: the display copy a link opens at a
    readable size, the thumbnail shown on the page (None for a page stored before each page
    had one: the display copy is shown small instead), and its name ("Front", "Page 2"; None
    for a document of one page)."""

    display: DocumentFile
    thumbnail: DocumentFile | None
    name: object | None

    @property
    def small(self) -> DocumentFile:
        return self.thumbnail or self.display


def shown_pages(document: Document) -> list[ShownPage]:
    """Every shown page of ``document``, in order, each with its thumbnail and name: the
    two pages of a MyKad are its front and back."""
    displays = document.files_for(FilePurpose.DISPLAY)
    thumbnails = {f.page: f for f in document.files_for(FilePurpose.THUMBNAIL)}
    two_sided = document.identity_type == IdentityType.MYKAD and len(displays) == 2
    return [
        ShownPage(
            item, thumbnails.get(item.page), choices.page_name(item.page, len(displays), two_sided)
        )
        for item in displays
    ]


def display_pages(document: Document) -> list[DocumentFile]:
    """The pages of ``document`` that are shown, in order."""
    return document.files_for(FilePurpose.DISPLAY)


def seller_file(seller_id: int, file_id: int) -> DocumentFile:
    """One of the seller's shown files, for staff who record their look (with its reason)
    themselves. :class:`NotFound` for an original or another seller's file."""
    item = _shown_file(file_id)
    if item.document.user_id != seller_id:
        raise NotFound()
    return item


def has_profile_photo(user_id: int) -> Exists:
    """Whether the seller has a profile photo, as an EXISTS a caller can put in its own
    statement (the dashboard asks it beside other questions, in one round trip)."""
    return (
        select(Document.id)
        .where(Document.user_id == user_id, Document.kind == DocumentKind.PROFILE_PHOTO)
        .exists()
    )


def names_of(user_id: int) -> dict[int, Row]:
    """What names each of the seller's documents, by id: its ``kind``, ``identity_type`` and
    ``uploaded_at`` (for the seller's access log), in one statement without the files."""
    rows = db.session.execute(
        select(Document.id, Document.kind, Document.identity_type, Document.uploaded_at).where(
            Document.user_id == user_id
        )
    ).all()
    return {row.id: row for row in rows}


def sellers_with_uploads(start: datetime, end: datetime) -> set[int]:
    """The sellers with a photo or document uploaded from ``start`` to before ``end``: for a
    breach of the upload or storage of files (PDPA s.12B)."""
    query = select(Document.user_id).where(
        Document.uploaded_at >= start, Document.uploaded_at < end
    )
    return set(db.session.scalars(query.distinct()))


# --- what verification reads -----------------------------------------------------------------


@dataclass(frozen=True)
class IdentityFacts:
    """What the identity requirement rests on. ``status`` is the identity document's review
    status (pending, approved, rejected), None when there is none; ``reasons`` are the codes
    of what stands in the way: a rejected document's rejection reasons
    (:data:`portal.documents.choices.REJECTION_REASONS`), and "number_missing" when the
    document has no number beside it."""

    status: str | None
    identity_type: str | None
    number_on_file: bool
    passport_expires_on: date | None
    reasons: list[str]


def _identity_facts(document, number_on_file: bool, expires_on: date | None) -> IdentityFacts:
    """``document``: the identity document's row of :func:`evidence_of` (kind, status,
    identity_type, rejection_reasons), or None."""
    if document is None:
        return IdentityFacts(None, None, number_on_file, None, [])
    reasons = []
    if document.status == ReviewStatus.REJECTED:
        reasons = reason_codes(document.rejection_reasons)
    if not number_on_file:
        reasons.append("number_missing")
    return IdentityFacts(
        status=document.status,
        identity_type=document.identity_type,
        number_on_file=number_on_file,
        passport_expires_on=expires_on,
        reasons=reasons,
    )


@dataclass(frozen=True)
class Evidence:
    """Everything a reviewer checks for one seller, as verification reads it: the identity
    document with its number, and the review status of each other kind of evidence sent
    (``statuses``: a kind's value to its status; a kind not sent is absent)."""

    identity: IdentityFacts
    statuses: dict[str, str]


@functools.cache
def _evidence_statement():
    # Built once per process; each call binds only the seller's id.
    return (
        select(
            Document.kind,
            Document.status,
            Document.identity_type,
            Document.rejection_reasons,
            IdentityNumber.user_id.is_not(None).label("number_on_file"),
            IdentityNumber.passport_expires_on,
        )
        .select_from(User)
        .outerjoin(
            Document,
            (Document.user_id == User.id)
            & Document.kind.in_([kind for kind in DocumentKind if kind.is_evidence]),
        )
        .outerjoin(IdentityNumber, IdentityNumber.user_id == User.id)
        .where(User.id == bindparam("user_id"))
    )


def evidence_of(user_id: int) -> Evidence:
    """:class:`Evidence` of ``user_id`` in one statement: the seller's evidence documents,
    each beside whether an identity number is on file. Only the columns the facts need:
    no row is built, and the number is never decrypted."""
    rows = db.session.execute(_evidence_statement(), {"user_id": user_id}).all()
    number_on_file = bool(rows and rows[0].number_on_file)
    expires_on = rows[0].passport_expires_on if rows else None
    documents = {row.kind: row for row in rows if row.kind is not None}
    identity = documents.pop(DocumentKind.IDENTITY, None)
    return Evidence(
        identity=_identity_facts(identity, number_on_file, expires_on),
        statuses={kind: row.status for kind, row in documents.items()},
    )


def masked_identity_number(user_id: int) -> str | None:
    """The seller's identity number as staff first see it, "•••• 5678"; None without one."""
    row = numbers.on_file(user_id)
    return masked(row.number_last4) if row is not None else None


def identity_number_in_full(user_id: int) -> str | None:
    """The seller's identity number in full (a MyKad's as printed), for staff who record
    their look themselves; None without one."""
    found = numbers.for_review(user_id)
    return found.number if found is not None else None


def accounts_sharing_identity_number(user_id: int) -> list[int]:
    """The other accounts, by id, that give the same identity number as this seller (the
    same keyed hash of type, country and number); empty when the seller has none."""
    return numbers.sharing(user_id)
