"""Pictures: decoded within the memory budget of one upload, kept as pixels only.

A picture is decoded and drawn again with Pillow, so what is kept carries pixels only:
turned upright, in sRGB, the longest side capped at IMAGE_MAX_SIDE, every kind of metadata
(EXIF with GPS and camera serials, XMP, ICC, comments) left behind.

Decoding is where an upload costs memory: a PNG of 186 kB can hold 64 million pixels,
256 MB once decoded (issue 19, finding 8). So before a single pixel is decoded, what
decoding and cleaning will hold at their peak is worked out from the header
(:func:`_bytes_held`), and a picture over the budget, IMAGE_MAX_PIXELS opaque colour pixels,
is refused. A JPEG larger than it will be kept is decoded reduced (Pillow's ``draft``:
libjpeg draws it at 1/2, 1/4 or 1/8 of its size), so a 48-megapixel phone photo decodes as
3; PNG and WebP cannot be, so for them the limit is on their own pixels. The steps after
decoding run in the order that holds least (:func:`cleaned_picture`). The budget, and the
worker's peak for the costliest picture of each kind, are measured by
``bench/upload_memory.py`` (docs/performance.md).
"""

from __future__ import annotations

import io
import logging
import warnings
from pathlib import Path

from flask_babel import lazy_gettext as _l
from PIL import ExifTags, Image, ImageCms, ImageFile, UnidentifiedImageError

from portal.documents.content import FileType, Limits, Refused

log = logging.getLogger(__name__)

# Pillow warns about a picture over MAX_IMAGE_PIXELS and refuses one over twice that; here
# the warning is an error too. Set once for the process: changing warning filters per call
# (catch_warnings) is not safe with threads.
warnings.filterwarnings("error", category=Image.DecompressionBombWarning)

# The most a JPEG's own size may exceed what is decoded: libjpeg scales by 1/8 at most.
_JPEG_SMALLEST_SCALE = 8

# Bytes held at the peak of decoding and cleaning, per decoded pixel, measured. Pillow keeps
# colour in four bytes a pixel (RGB too); scaling down adds up to half as much again (a
# reduction by a whole factor, a quarter the size or less; or Lanczos's first pass, at most
# half the pixels when the picture is less than twice too large). A paletted picture is
# turned into colour before scaling (one byte, then four). Grey and 1-bit pictures stay
# grey, one byte a pixel. With transparency, colours are weighed by alpha before scaling:
# a second copy of four bytes. libwebp decodes into buffers of its own that Pillow copies
# and keeps until the picture is let go.
_OPAQUE = 6
_GREY = 2
_TRANSPARENT = 8
_WEBP = 16
_WITH_ALPHA = frozenset({"RGBA", "LA", "PA"})

_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
_UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_PREMULTIPLIED = {"RGBA": "RGBa", "LA": "La"}
_SCALED_AS_DECODED = frozenset({"RGB", "RGBA", "L", "LA", "CMYK"})


def open_picture(path: Path, limits: Limits) -> Image.Image:
    """Decode a picture within the budget; :class:`Refused` for one over it (before any
    pixel is decoded), or a file that does not decode."""
    budget = limits.max_pixels * _OPAQUE
    Image.MAX_IMAGE_PIXELS = limits.max_pixels * _JPEG_SMALLEST_SCALE**2  # Pillow's backstop
    image = None
    try:
        image = Image.open(path)
        claimed = image.size
        if image.format == "JPEG" and max(claimed) > limits.max_side:
            image.draft("RGB", _fitted(claimed, limits.max_side))
        held = _bytes_held(image, claimed)
        if held > budget:
            raise _TooLarge(budget * claimed[0] * claimed[1] // held)
        image.load()
    except (_TooLarge, Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        _close(image)
        allowed = exc.pixels if isinstance(exc, _TooLarge) else limits.max_pixels
        raise Refused(
            _l(
                "This picture has too many pixels (at most %(megapixels)s million). Please send a smaller picture.",
                megapixels=max(1, allowed // 1_000_000),
            )
        ) from None
    except Exception as exc:  # a decoder fed hostile bytes may fail in any way
        _close(image)
        if not isinstance(exc, UnidentifiedImageError | OSError | ValueError | EOFError):
            log.warning("picture refused: %s", type(exc).__name__)
        raise Refused(_damaged()) from None
    return image


class _TooLarge(Exception):
    """Over the budget; ``pixels``: the most a picture of this kind may have."""

    def __init__(self, pixels: int):
        super().__init__(pixels)
        self.pixels = pixels


def _bytes_held(image: Image.Image, claimed: tuple[int, int]) -> int:
    """What decoding and cleaning ``image`` will hold at their peak, from its header.

    A progressive JPEG also holds every DCT coefficient of the full-size picture, two bytes
    each, until its last scan, however reduced its output (libjpeg's "full-image
    coefficient buffer", jdcoefct.c).
    """
    width, height = image.size  # a JPEG's after draft
    if image.format == "WEBP":
        per_pixel = _WEBP
    elif image.mode in _WITH_ALPHA or "transparency" in image.info:
        per_pixel = _TRANSPARENT
    elif image.mode in ("1", "L"):
        per_pixel = _GREY
    else:
        per_pixel = _OPAQUE
    held = width * height * per_pixel
    if image.format == "JPEG" and image.info.get("progressive"):
        layers = getattr(image, "layer", None) or [("", 1, 1, 0)] * len(image.getbands())
        most = max(h for _, h, _, _ in layers) * max(v for _, _, v, _ in layers)
        share = sum(h * v for _, h, v, _ in layers) / most  # components, after subsampling
        held += int(claimed[0] * claimed[1] * share * 2)
    return held


def _close(image: Image.Image | None) -> None:
    """The file of a picture refused before it was decoded (decoding closes it)."""
    if image is not None:
        image.close()


def _damaged():
    return _l("This picture is damaged or incomplete. Please send it again.")


def cleaned_picture(path: Path, limits: Limits) -> Image.Image:
    """Pixels only: the picture decoded (:func:`open_picture`), scaled down to
    ``limits.max_side``, turned upright, in sRGB, with no metadata at all. :class:`Refused`
    for whatever fails on the way.

    Each step replaces ``image``, the one reference to the picture, so the step before is
    freed as soon as the next exists. Scaling down comes first, in the mode the picture was
    decoded in when resampling allows (only paletted, 16-bit and 1-bit pictures change mode
    first): a reduction by a whole factor, then Lanczos for the rest, one direction at a
    time. Turning upright and converting colours work on the small picture.
    """
    image = open_picture(path, limits)
    try:
        orientation = image.getexif().get(ExifTags.Base.Orientation, 1)
        icc = image.info.get("icc_profile")
        transparent = image.mode in _WITH_ALPHA or "transparency" in image.info
        if image.mode == "1":
            image = image.convert("L")
        elif image.mode not in _SCALED_AS_DECODED:
            image = image.convert("RGBA" if transparent else "RGB")
        size = _fitted(image.size, limits.max_side)
        if size != image.size:
            mode = image.mode
            if mode in _PREMULTIPLIED:  # Pillow would make this copy while holding the original
                image = image.convert(_PREMULTIPLIED[mode])
            factor = max(image.size) // limits.max_side
            if factor >= 2:
                image = image.reduce(factor)
            # What resize() does inside, in two calls: the full-height picture is let go
            # before the second pass.
            image = image.resize((size[0], image.height), Image.Resampling.LANCZOS)
            image = image.resize(size, Image.Resampling.LANCZOS)
            if mode in _PREMULTIPLIED:
                image = image.convert(mode)
        if orientation in _UPRIGHT:
            image = image.transpose(_UPRIGHT[orientation])
        image = _to_srgb(image, icc, transparent)
        return _pixels_only(image)
    except Exception as exc:  # broken orientation tags or colour profiles, say
        log.warning("picture refused while cleaning: %s", type(exc).__name__)
        raise Refused(_damaged()) from None


def _fitted(size: tuple[int, int], side: int) -> tuple[int, int]:
    """``size`` scaled down, proportions kept, to fit a ``side`` x ``side`` square."""
    width, height = size
    if max(width, height) <= side:
        return size
    scale = side / max(width, height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def _to_srgb(image: Image.Image, icc: bytes | None, transparent: bool) -> Image.Image:
    mode = "RGBA" if transparent else "RGB"
    if image.mode != mode:
        image = image.convert(mode)
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            image = ImageCms.profileToProfile(image, source, _SRGB, outputMode=image.mode)
        except (ImageCms.PyCMSError, OSError):
            pass  # an unreadable profile: keep the pixels as they are
    return image


def _pixels_only(image: Image.Image) -> Image.Image:
    """A plain picture with no info at all: nothing of the file (EXIF, XMP, ICC, comments,
    PNG text, JPEG markers, its file handle) travels with the pixels. A step above has
    usually made a new picture already; only one that needed none is copied."""
    if isinstance(image, ImageFile.ImageFile):
        image = image.copy()
    image.info = {}
    return image


def save_picture(image: Image.Image, target: Path, wanted: FileType) -> FileType:
    """Encode without any metadata (no exif, icc_profile, xmp or comment is passed); returns
    the type written, PNG instead of JPEG for a picture with transparency."""
    file_type = FileType.PNG if wanted is FileType.JPEG and image.mode != "RGB" else wanted
    options = {"JPEG": {"quality": 88, "optimize": True}, "WEBP": {"quality": 88}, "PNG": {}}
    image.save(target, format=file_type.pillow_format, **options[file_type.pillow_format])
    return file_type


def thumbnail(image: Image.Image, side: int) -> Image.Image:
    """A small copy, made from ``image`` without copying it whole first."""
    factor = max(image.size) // side
    small = image.reduce(factor) if factor >= 2 else image
    return small.resize(_fitted(small.size, side), Image.Resampling.LANCZOS)
