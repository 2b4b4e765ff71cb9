"""Finding 8: a 186 kB PNG of 7990x7990 pixels took a worker to ~816 MB.

The attacker uploaded, as a profile photo or an identity document, a small PNG whose
pixels all decode: under the old pixel limit (64 million), so it was decoded in full,
turned into colour, copied and scaled, and each step held hundreds of megabytes. A handful
at once would exhaust the machine. Now what decoding will hold is worked out from the
header, and such a picture is refused before a pixel is decoded; a picture just under the
limit is still accepted, one file or two.

The pictures are made here without Pillow (rows of zeros, compressed as they are written),
so the test process itself never holds them decoded. Memory is measured the way
``bench/upload_memory.py`` measures it: the process's peak resident set (``VmHWM``) is reset
through ``/proc/self/clear_refs`` before the request and read after it.
"""

from __future__ import annotations

import math
import struct
import zlib
from pathlib import Path

import pytest
from PIL import ImageFile
from sqlalchemy import func, select

from portal.config import Defaults
from portal.documents.models import Document, DocumentFile
from portal.extensions import db
from tests.documents.conftest import number_fields
from tests.security.attack import upload

MIB = 1024 * 1024
TOO_MANY = "This picture has too many pixels"
CAN_MEASURE = Path("/proc/self/clear_refs").exists()


def png(width: int, height: int, *, colour: bool = False) -> bytes:
    """A valid PNG of ``width`` x ``height``: 1-bit black, or opaque colour (RGB, four bytes
    a pixel once decoded), written row by row."""
    bit_depth, colour_type, row_bytes = (8, 2, width * 3) if colour else (1, 0, (width + 7) // 8)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    squeeze = zlib.compressobj(9)
    row = b"\x00" * (row_bytes + 1)  # filter type 0, then the row
    data = b"".join(squeeze.compress(row) for _ in range(height)) + squeeze.flush()
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


@pytest.fixture(scope="session")
def bomb() -> bytes:
    """The attacker's picture: 7990 x 7990 pixels, under the old limit of 64 million."""
    return png(7990, 7990)


@pytest.fixture(scope="session")
def largest_allowed() -> bytes:
    """A square colour PNG just under IMAGE_MAX_PIXELS. (Pictures that cost more a pixel,
    with transparency or in WebP, may have fewer: bench/upload_memory.py sends the costliest
    of each kind.)"""
    side = math.isqrt(Defaults.IMAGE_MAX_PIXELS)
    return png(side, side, colour=True)


def _peak_growth_mib(request) -> tuple[object, float]:
    """The response, and how far the process's peak resident set rose above where it was."""
    Path("/proc/self/clear_refs").write_text("5")
    before = _status_kib("VmRSS")
    response = request()
    return response, (_status_kib("VmHWM") - before) / 1024


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise LookupError(field)


@pytest.fixture
def decoded(monkeypatch) -> list[tuple[int, int]]:
    """The size of every picture Pillow decodes during the test."""
    sizes = []
    load = ImageFile.ImageFile.load

    def spy(self):
        sizes.append(self.size)
        return load(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", spy)
    return sizes


@pytest.fixture
def logged_in(client, seller, auth):
    auth.login()
    client.get("/documents/")  # templates, imports: warm before anything is measured
    return client


def _counts(app) -> tuple[int, int]:
    with app.app_context():
        return (
            db.session.scalar(select(func.count()).select_from(Document)),
            db.session.scalar(select(func.count()).select_from(DocumentFile)),
        )


@pytest.mark.parametrize(
    ("url", "field", "extra"),
    [
        ("/documents/profile-photo", "profile_photo-file", {}),
        (
            "/documents/identity",
            "identity-file",
            {"identity-identity_type": "passport", **number_fields("identity", "passport")},
        ),
    ],
)
def test_the_attackers_png_is_refused_before_it_is_decoded(
    app, logged_in, decoded, bomb, url, field, extra
):
    assert len(bomb) < 200 * 1024  # as small as the attacker's

    response, growth = _peak_growth_mib(
        lambda: upload(logged_in, url, field, (bomb, "me.png"), **extra)
    )

    assert response.status_code == 400
    assert TOO_MANY in response.get_data(as_text=True)
    assert not [size for size in decoded if size[0] * size[1] > 1_000_000]
    assert _counts(app) == (0, 0)
    if CAN_MEASURE:
        assert growth < 32, f"the refused upload raised the peak by {growth:.0f} MiB"


def test_a_picture_just_under_the_limit_is_accepted_within_the_budget(
    app, logged_in, largest_allowed
):
    response, growth = _peak_growth_mib(
        lambda: upload(
            logged_in, "/documents/profile-photo", "profile_photo-file", (largest_allowed, "a.png")
        )
    )

    assert response.status_code == 302
    assert _counts(app) == (1, 2)  # the picture and its thumbnail
    if CAN_MEASURE:
        # Half the 256 MiB a worker may reach in all (bench/upload_memory.py prints that
        # figure, about 210 MiB); the test process's own size is not counted here.
        assert growth < 128, f"the largest allowed picture raised the peak by {growth:.0f} MiB"


def test_two_files_just_under_the_limit_are_accepted_together(app, logged_in, largest_allowed):
    """The two sides of a MyKad: decoded one after the other, never both at once."""
    response, growth = _peak_growth_mib(
        lambda: upload(
            logged_in,
            "/documents/identity",
            "identity-file",
            (largest_allowed, "front.png"),
            (largest_allowed, "back.png"),
            **{"identity-identity_type": "mykad", **number_fields("identity", "mykad")},
        )
    )

    assert response.status_code == 302
    assert _counts(app) == (1, 6)  # two originals, two pictures, a thumbnail of each
    if CAN_MEASURE:
        assert growth < 128, f"two of the largest pictures raised the peak by {growth:.0f} MiB"
