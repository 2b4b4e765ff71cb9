"""PDFs: parsed and searched for active content with qpdf, drawn as pictures with PDFium.

A PDF may arrive as an identity or bank document. It must parse, must not be encrypted, and
may hold no JavaScript, no embedded or attached files and no actions that launch or submit
anything. What people look at is never the PDF itself but its first pages drawn as
pictures, so nothing in it can run and none of its metadata travels.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pikepdf
import pypdfium2
from flask_babel import lazy_gettext as _l
from PIL import Image

from portal.documents.content import Limits, Refused

log = logging.getLogger(__name__)

# Names that only appear where a PDF runs code, opens other files or carries files inside.
_FORBIDDEN_KEYS = {"/JS", "/JavaScript", "/EmbeddedFile", "/EmbeddedFiles", "/RichMedia", "/XFA"}
_FORBIDDEN_ACTIONS = {
    "/JavaScript",
    "/Launch",
    "/GoToE",
    "/ImportData",
    "/SubmitForm",
    "/Rendition",
}
_FORBIDDEN_TYPES = {"/EmbeddedFile", "/FileAttachment", "/RichMedia", "/Sound", "/Movie", "/Screen"}


def check_pdf(path: Path) -> int:
    """Parse the PDF and look at every object in it; returns the page count.

    Objects are read lazily by qpdf, so a large scan is inspected without loading its
    images. :class:`Refused` if it does not parse, is encrypted, or holds active content.
    """
    try:
        with pikepdf.open(path) as pdf:
            if pdf.is_encrypted:
                raise Refused(
                    _l("This PDF is password-protected. Please send it without a password.")
                )
            for obj in pdf.objects:
                if isinstance(obj, pikepdf.Stream):
                    obj = obj.stream_dict
                if isinstance(obj, pikepdf.Dictionary) and _is_active(obj):
                    raise Refused(
                        _l(
                            "This PDF contains scripts or attached files, which we do not accept. Please print it to a new PDF, or send a photo of the document."
                        )
                    )
            pages = len(pdf.pages)
    except pikepdf.PasswordError:
        raise Refused(
            _l("This PDF is password-protected. Please send it without a password.")
        ) from None
    except Refused:
        raise
    except Exception as exc:  # qpdf fed hostile bytes may fail in any way
        if not isinstance(exc, pikepdf.PdfError):
            log.warning("PDF refused: %s", type(exc).__name__)
        raise Refused(_damaged_pdf()) from None
    if pages == 0:
        raise Refused(_l("This PDF has no pages."))
    return pages


def _is_active(obj) -> bool:
    keys = set(obj.keys())
    if keys & _FORBIDDEN_KEYS:
        return True
    for key, forbidden in (
        ("/S", _FORBIDDEN_ACTIONS),
        ("/Type", _FORBIDDEN_TYPES),
        ("/Subtype", _FORBIDDEN_TYPES),
    ):
        if key in keys and str(obj.get(key)) in forbidden:
            return True
    return "/EF" in keys  # a file specification with the file inside it


def render_pdf(path: Path, limits: Limits) -> list[Image.Image]:
    """The first pages drawn as pictures, longest side at most ``limits.max_side`` pixels."""
    pictures = []
    try:
        document = pypdfium2.PdfDocument(str(path))
    except Exception:
        raise Refused(_damaged_pdf()) from None
    try:
        for index in range(min(len(document), limits.pdf_pages)):
            page = document[index]
            width, height = page.get_size()
            scale = min(150 / 72, limits.max_side / max(width, height, 1))
            bitmap = page.render(scale=scale)
            pictures.append(bitmap.to_pil().convert("RGB"))
            bitmap.close()
            page.close()
    except Exception as exc:
        log.warning("PDF refused while drawing: %s", type(exc).__name__)
        raise Refused(_damaged_pdf()) from None
    finally:
        document.close()
    return pictures


def _damaged_pdf():
    return _l("This PDF is damaged and cannot be read. Please send it again.")
