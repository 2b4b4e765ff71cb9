"""What is inside an uploaded file, decided by its bytes, and a clean copy of it.

The type comes from the first bytes of the file (its magic number), never from the name or
the browser's claim; the name's extension must then agree with it. Pictures are decoded and
drawn again with Pillow, so what comes out carries pixels only: orientation applied, every
kind of metadata (EXIF with GPS and camera serials, XMP, ICC, comments) left behind, the
longest side capped. PDFs must parse, and may hold no JavaScript, no embedded files and no
actions that launch anything (:mod:`portal.documents.pdf`); their pages are drawn as
pictures for people to look at.

Everything here works on files on disk, so no upload is ever held whole in memory. PDFs
are looked at in :mod:`portal.documents.pdf`.
"""

from __future__ import annotations

import io
import logging
import warnings
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

log = logging.getLogger(__name__)

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


# --- pictures ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Limits:
    max_pixels: int
    max_side: int
    thumbnail_side: int
    pdf_pages: int


# Pillow warns about a picture over MAX_IMAGE_PIXELS and refuses one over twice that; here
# the warning is an error too. Set once for the process: changing warning filters per call
# (catch_warnings) is not safe with threads.
warnings.filterwarnings("error", category=Image.DecompressionBombWarning)


def open_picture(path: Path, limits: Limits) -> Image.Image:
    """Decode a picture within the pixel limit; :class:`Refused` for a decompression bomb or
    a file that does not decode."""
    Image.MAX_IMAGE_PIXELS = limits.max_pixels
    try:
        image = Image.open(path)
        width, height = image.size
        if width * height > limits.max_pixels:  # whatever the warning filters say
            raise Image.DecompressionBombError("over the pixel limit")
        if image.format == "JPEG":
            image.draft("RGB", (limits.max_side, limits.max_side))  # decode at reduced scale
        image.load()
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise Refused(
            _l(
                "This picture has too many pixels (at most %(megapixels)s million). Please send a smaller picture.",
                megapixels=limits.max_pixels // 1_000_000,
            )
        ) from None
    except Exception as exc:  # a decoder fed hostile bytes may fail in any way
        if not isinstance(exc, UnidentifiedImageError | OSError | ValueError | EOFError):
            log.warning("picture refused: %s", type(exc).__name__)
        raise Refused(_damaged()) from None
    return image


def _damaged():
    return _l("This picture is damaged or incomplete. Please send it again.")


def cleaned_picture(path: Path, limits: Limits) -> Image.Image:
    """:func:`open_picture` then :func:`clean_picture`, refusing whatever fails on the way."""
    picture = open_picture(path, limits)
    try:
        return clean_picture(picture, limits.max_side)
    except Exception as exc:  # broken orientation tags or colour profiles, say
        log.warning("picture refused while cleaning: %s", type(exc).__name__)
        raise Refused(_damaged()) from None


_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def clean_picture(image: Image.Image, max_side: int) -> Image.Image:
    """Pixels only: turned upright, converted to sRGB, capped, with no metadata at all."""
    image = ImageOps.exif_transpose(image)
    image = _to_srgb(image)
    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    # A new image from the raw pixels: nothing of the original's info travels with it.
    return Image.frombytes(image.mode, image.size, image.tobytes())


def _to_srgb(image: Image.Image) -> Image.Image:
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    mode = "RGBA" if has_alpha else "RGB"
    icc = image.info.get("icc_profile")
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert(mode)
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            image = ImageCms.profileToProfile(image, source, _SRGB, outputMode=image.mode)
        except (ImageCms.PyCMSError, OSError):
            pass  # an unreadable profile: keep the pixels as they are
    return image


def save_picture(image: Image.Image, target: Path, wanted: FileType) -> FileType:
    """Encode without any metadata (no exif, icc_profile, xmp or comment is passed); returns
    the type written, PNG instead of JPEG for a picture with transparency."""
    file_type = FileType.PNG if wanted is FileType.JPEG and image.mode != "RGB" else wanted
    options = {"JPEG": {"quality": 88, "optimize": True}, "WEBP": {"quality": 88}, "PNG": {}}
    image.save(target, format=file_type.pillow_format, **options[file_type.pillow_format])
    return file_type


def thumbnail(image: Image.Image, side: int) -> Image.Image:
    small = image.copy()
    small.thumbnail((side, side), Image.Resampling.LANCZOS)
    return small
