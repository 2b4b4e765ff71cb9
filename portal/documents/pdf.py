"""PDFs: parsed and searched for active content with qpdf, drawn as pictures with PDFium.

A PDF may arrive as an identity or bank document. It must parse, must not be encrypted, and
may hold no JavaScript, no embedded or attached files and no actions that launch or submit
anything. What people look at is never the PDF itself but its first pages drawn as
pictures, so nothing in it can run and none of its metadata travels.
"""

from __future__ import annotations

import logging
from itertools import chain
from pathlib import Path

import pikepdf
import pypdfium2
from flask_babel import lazy_gettext as _l
from PIL import Image

from portal.documents.content import Limits, Refused

log = logging.getLogger(__name__)

# Names that only appear where a PDF runs code, opens other files or carries files inside.
_FORBIDDEN_KEYS = {"/JS", "/JavaScript", "/EmbeddedFile", "/EmbeddedFiles", "/RichMedia", "/XFA"}
# Actions (ISO 32000-1:2008, 12.6.4, "Action Types") that run code, start programs, send
# the form somewhere, read data in, or open another file (GoToR, GoToE; a 3D view runs the
# 3D artwork's scripts). Going to a page (GoTo) or a web address (URI) is harmless.
_FORBIDDEN_ACTIONS = {
    "/JavaScript",
    "/Launch",
    "/GoToR",
    "/GoToE",
    "/GoTo3DView",
    "/ImportData",
    "/SubmitForm",
    "/Rendition",
}
_FORBIDDEN_TYPES = {
    "/EmbeddedFile",
    "/FileAttachment",
    "/RichMedia",
    "/Sound",
    "/Movie",
    "/Screen",
    "/3D",
}
# How many dictionary entries and array items one check may look at. A long bank statement
# has some tens of thousands; a file built to keep a worker busy is refused at this count.
MAX_ITEMS = 1_000_000


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
            if _holds_active_content(pdf):
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


def _holds_active_content(pdf: pikepdf.Pdf) -> bool:
    """Every dictionary in the file, indirect or written inline inside another object.

    Each indirect object (qpdf lists them all, reachable from the catalogue or not) and the
    trailer is walked through the dictionaries and arrays written inside it, but never
    through a reference: what a reference points to is an indirect object, walked on its
    own turn. So a reference cycle cannot loop, and no object is looked at twice. Direct
    objects can only nest as a tree; the walk keeps its own stack, so however deep the
    nesting, Python's recursion limit is never reached. :class:`Refused` past
    :data:`MAX_ITEMS`.
    """
    budget = MAX_ITEMS
    for top in chain((pdf.trailer,), pdf.objects):
        stack = [top]
        while stack:
            obj = stack.pop()
            if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream):
                if _is_active(obj):
                    return True
                children = obj.values()
            elif isinstance(obj, pikepdf.Array):
                children = obj
            else:  # an indirect number, name or string: nothing inside
                continue
            for child in children:
                budget -= 1
                if isinstance(child, pikepdf.Dictionary | pikepdf.Array) and not child.is_indirect:
                    stack.append(child)
            if budget < 0:
                raise Refused(
                    _l(
                        "This PDF is too complex for us to check. Please print it to a new PDF, or send a photo of the document."
                    )
                )
    return False


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
