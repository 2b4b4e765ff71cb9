"""What is inside an uploaded file, decided by its bytes.

The type comes from the first bytes of the file (its magic number), never from the name or
the browser's claim; the name's extension must then agree with it. Pictures are then
decoded within a memory budget and drawn again with Pillow, so what comes out carries
pixels only (:mod:`portal.documents.pictures`). PDFs must parse, and may hold no
JavaScript, no embedded files and no actions that launch anything
(:mod:`portal.documents.pdf`); their pages are drawn as pictures for people to look at.

Everything here works on files on disk, so no upload is ever held whole in memory.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from flask_babel import lazy_gettext as _l

_COPY_CHUNK = 64 * 1024


class Refused(Exception):
    """An upload the portal will not keep; ``message`` says why, for the person who sent it."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


class FileType(StrEnum):
    JPEG = "image/jpeg"
    PNG = "image/png"
    WEBP = "image/webp"
    PDF = "application/pdf"

    @property
    def extensions(self) -> tuple[str, ...]:
        return _EXTENSIONS[self]

    @property
    def is_image(self) -> bool:
        return self is not FileType.PDF

    @property
    def pillow_format(self) -> str:
        return {FileType.JPEG: "JPEG", FileType.PNG: "PNG", FileType.WEBP: "WEBP"}[self]


_EXTENSIONS = {
    FileType.JPEG: (".jpg", ".jpeg"),
    FileType.PNG: (".png",),
    FileType.WEBP: (".webp",),
    FileType.PDF: (".pdf",),
}
PHOTO_TYPES = frozenset({FileType.JPEG, FileType.PNG, FileType.WEBP})
DOCUMENT_TYPES = PHOTO_TYPES | {FileType.PDF}


def sniff(head: bytes) -> FileType | None:
    """The type a file's first bytes announce, or None for anything else."""
    if head.startswith(b"\xff\xd8\xff"):
        return FileType.JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return FileType.PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return FileType.WEBP
    if head.startswith(b"%PDF-"):
        return FileType.PDF
    return None


def describe(types: frozenset[FileType]) -> str:
    names = {FileType.JPEG: "JPEG", FileType.PNG: "PNG", FileType.WEBP: "WebP", FileType.PDF: "PDF"}
    return ", ".join(names[t] for t in FileType if t in types)


def extension_of(filename: str) -> str:
    """The lower-case extension of the name's last part, whatever path the browser sent."""
    return PurePosixPath(filename.replace("\\", "/")).suffix.lower()


def receive(stream: BinaryIO, target: Path, max_bytes: int) -> int:
    """Copy an upload to ``target`` in chunks; :class:`Refused` past ``max_bytes``."""
    size = 0
    with open(target, "wb") as out:
        while chunk := stream.read(_COPY_CHUNK):
            size += len(chunk)
            if size > max_bytes:
                raise Refused(too_large_message(max_bytes))
            out.write(chunk)
    if size == 0:
        raise Refused(_l("The file is empty. Please choose the file again."))
    return size


def nothing_chosen_message():
    return _l("Please choose a file to upload.")


def too_many_files_message(identity_type):
    if identity_type == "mykad":
        return _l("Please send at most two files: the front and the back of your MyKad.")
    return _l("Please send one file.")


def too_large_message(max_bytes: int):
    return _l(
        "The file is larger than %(limit)s MB. Please send a smaller file, for example a photo taken at a lower resolution.",
        limit=max_bytes // (1024 * 1024),
    )


def identify(path: Path, filename: str, allowed: frozenset[FileType]) -> FileType:
    """The file's type from its content; :class:`Refused` if it is not allowed here or its
    name claims another type."""
    with open(path, "rb") as source:
        found = sniff(source.read(16))
    if found is None or found not in allowed:
        raise Refused(
            _l(
                "This file is not one we accept here. Please send %(types)s.",
                types=describe(allowed),
            )
        )
    extension = extension_of(filename)
    if extension not in found.extensions:
        raise Refused(
            _l(
                "The file's name ends in “%(extension)s” but it contains a %(kind)s. Please rename it to end in %(expected)s, or send the right file.",
                extension=extension or _l("nothing"),
                kind=describe(frozenset({found})),
                expected=" / ".join(found.extensions),
            )
        )
    return found


# --- what is decoded ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Limits:
    """How much of an upload the portal decodes (:mod:`portal.documents.pictures`) and draws
    (:mod:`portal.documents.pdf`): from IMAGE_MAX_PIXELS, IMAGE_MAX_SIDE, THUMBNAIL_SIDE and
    PDF_PREVIEW_PAGES."""

    max_pixels: int
    max_side: int
    thumbnail_side: int
    pdf_pages: int
