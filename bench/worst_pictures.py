"""The costliest pictures the portal accepts, one of each kind, and the attacker's one.

``portal.documents.pictures`` lets a picture in only if what decoding and cleaning it hold
stays within the memory of ``IMAGE_MAX_PIXELS`` opaque colour pixels, six bytes each
(issue 19, finding 8). Each kind of picture costs a different number of bytes a pixel
(``_bytes_held`` there), so each case here is the largest of its kind the rule accepts, in
the shape that costs most:

- PNG in colour and paletted (6 bytes a pixel), just under the limit;
- PNG in 1-bit grey (2), three times as many pixels;
- PNG with transparency (8), and WebP (16), fewer;
- a PNG and a baseline JPEG just under twice ``IMAGE_MAX_SIDE`` a side: too large to keep,
  too small to be reduced by a whole factor first;
- a progressive JPEG (4:4:4) with its coefficient buffer (6 bytes a pixel more);
- a 48-megapixel phone photo (a JPEG, decoded at a quarter of its size);
- two of the costliest PNGs as the two sides of a MyKad, in one upload;
- and the attacker's 7990 x 7990 PNG, which must be refused.

PNGs are written row by row (zeros, compressed as they go), the others with Pillow; flat
content keeps the files small, and decoding costs the same whatever the pixels are.
"""

from __future__ import annotations

import math
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Case:
    label: str
    files: tuple[Path, ...]
    accepted: bool = True  # False: the portal must refuse it (the attacker's picture)


def png(path: Path, width: int, height: int, kind: str = "rgb") -> Path:
    """A valid PNG: ``kind`` is "rgb", "rgba", "palette" (8-bit) or "bit" (1-bit grey)."""
    bit_depth, colour_type, row_bytes = {
        "rgb": (8, 2, width * 3),
        "rgba": (8, 6, width * 4),
        "palette": (8, 3, width),
        "bit": (1, 0, (width + 7) // 8),
    }[kind]

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    palette = chunk(b"PLTE", bytes(range(256)) * 3) if kind == "palette" else b""
    squeeze = zlib.compressobj(9)
    row = b"\x00" * (row_bytes + 1)
    data = b"".join(squeeze.compress(row) for _ in range(height)) + squeeze.flush()
    signature = b"\x89PNG\r\n\x1a\n"
    path.write_bytes(
        signature + chunk(b"IHDR", header) + palette + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )
    return path


def pillow(path: Path, size: tuple[int, int], fmt: str, **options) -> Path:
    from PIL import Image

    Image.new("RGB", size, (200, 180, 160)).save(path, fmt, **options)
    return path


OPAQUE, GREY, TRANSPARENT, WEBP = 6, 2, 8, 16  # bytes a pixel, as in portal.documents.pictures


def _side(max_pixels: int, per_pixel: int) -> int:
    """The side of the largest square the budget allows at ``per_pixel`` bytes a pixel."""
    return math.isqrt(max_pixels * OPAQUE // per_pixel) - 1


def cases(work: Path, max_pixels: int, max_side: int) -> list[Case]:
    """Every case, its files written into ``work``."""
    colour = _side(max_pixels, OPAQUE)
    grey = _side(max_pixels, GREY)
    alpha = _side(max_pixels, TRANSPARENT)
    webp = _side(max_pixels, WEBP)
    one_step = min(2 * max_side - 1, colour)
    progressive = _side(max_pixels, OPAQUE + 6)  # 4:4:4: 6 bytes of coefficients a pixel
    rgba = png(work / "rgba.png", alpha, alpha, "rgba")
    one_step_png = [
        Case(f"PNG RGB {one_step}x{one_step}", (png(work / "one-step.png", one_step, one_step),))
    ]
    return [
        Case(f"PNG RGB {colour}x{colour}", (png(work / "rgb.png", colour, colour),)),
        Case(
            f"PNG paletted {colour}x{colour}",
            (png(work / "palette.png", colour, colour, "palette"),),
        ),
        Case(f"PNG 1-bit {grey}x{grey}", (png(work / "bit.png", grey, grey, "bit"),)),
        Case(f"PNG RGBA {alpha}x{alpha}", (rgba,)),
        *(one_step_png if one_step != colour else []),  # the same picture otherwise
        Case(
            f"JPEG {one_step}x{one_step}",
            (pillow(work / "one-step.jpg", (one_step, one_step), "JPEG", quality=85),),
        ),
        Case(
            f"JPEG progressive 4:4:4 {progressive}x{progressive}",
            (
                pillow(
                    work / "progressive.jpg",
                    (progressive, progressive),
                    "JPEG",
                    progressive=True,
                    subsampling=0,
                ),
            ),
        ),
        Case("JPEG 8000x6000 (48 MP)", (pillow(work / "phone.jpg", (8000, 6000), "JPEG"),)),
        Case(f"WebP {webp}x{webp}", (pillow(work / "web.webp", (webp, webp), "WEBP"),)),
        Case(f"2 x PNG RGBA {alpha}x{alpha}", (rgba, rgba)),
        Case(
            "attacker's PNG 7990x7990",
            (png(work / "attacker.png", 7990, 7990, "bit"),),
            accepted=False,
        ),
    ]
