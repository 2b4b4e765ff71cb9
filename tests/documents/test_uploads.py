"""Upload rules: the type comes from the content, pictures lose every piece of metadata, and
a refused file leaves nothing behind, neither a row nor a stored file."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image

from tests.documents import samples
from tests.documents.conftest import files_of


def _served(client, file_id: int) -> bytes:
    response = client.get(f"/documents/files/{file_id}")
    assert response.status_code == 200
    return response.data


def test_a_photo_with_gps_comes_back_with_no_metadata_at_all(app, client, upload, stored):
    original = samples.jpeg_with_gps(size=(600, 400), orientation=6)
    assert samples.CAMERA_SERIAL.encode() in original  # the sample does carry it

    response = upload("profile_photo", (original, "holiday.jpg"))
    assert response.status_code == 302

    served = files_of(app, "profile_photo")
    assert {f.purpose for f in served} == {"display", "thumbnail"}  # no original kept
    for item in served:
        data = _served(client, item.id)
        image = Image.open(io.BytesIO(data))
        assert not image.getexif(), item.purpose
        assert not {"exif", "xmp", "XML:com.adobe.xmp", "icc_profile", "comment"} & set(image.info)
        for marker in (
            b"Exif",
            b"GPS",
            samples.CAMERA_SERIAL.encode(),
            b"KoopCam",
            b"xmpmeta",
            b"taken at home",
        ):
            assert marker not in data, (item.purpose, marker)
    display = next(f for f in served if f.purpose == "display")
    assert (display.width, display.height) == (400, 600)  # orientation 6 applied: upright


def test_stored_files_are_encrypted_at_rest(app, upload, stored):
    upload("profile_photo", (samples.jpeg(), "me.jpg"))
    paths = stored()
    assert len(paths) == 2
    for relative in paths:
        raw = (Path(app.instance_path) / "documents" / relative).read_bytes()
        assert raw.startswith(b"KSF1")
        assert b"\xff\xd8\xff" not in raw[:64] and b"JFIF" not in raw


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (samples.png(), "statement.pdf", "ends in “.pdf” but it contains a PNG"),
        (samples.HTML, "photo.jpg", "not one we accept"),
        (samples.pdf(), "scan.pdf", "not one we accept"),  # PDFs are for documents only
        (b"GIF89a" + b"\x00" * 64, "anim.gif", "not one we accept"),
        (samples.jpeg(), "photo", "ends in “nothing”"),
        (samples.jpeg()[:200], "cut.jpg", "damaged or incomplete"),
        (samples.huge_png_header(20000, 20000), "flood.png", "too many pixels"),
        (samples.huge_png_header(9000, 9000), "flood.png", "too many pixels"),  # warning zone
        (b"", "empty.jpg", "The file is empty"),
    ],
)
def test_refused_photos_leave_nothing_behind(
    app, upload, stored, counts, content, filename, message
):
    response = upload("profile_photo", (content, filename))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert stored() == []
    assert counts() == (0, 0)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (samples.pdf_with_javascript(), "scripts or attached files"),
        (samples.pdf_with_attachment(), "scripts or attached files"),
        (b"%PDF-1.7\n" + b"garbage " * 100, "damaged and cannot be read"),
    ],
)
def test_pdfs_with_active_content_or_broken_are_refused(upload, stored, counts, content, message):
    response = upload("bank_proof", (content, "statement.pdf"))
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert stored() == []
    assert counts() == (0, 0)


def test_a_pdf_is_kept_as_evidence_and_shown_as_pictures(app, client, upload):
    evidence = samples.pdf(pages=3)
    assert upload("bank_proof", (evidence, "statement.PDF")).status_code == 302

    (original,) = files_of(app, "bank_proof", "original")
    assert original.content_type == "application/pdf"
    assert original.size_bytes == len(evidence)
    pages = files_of(app, "bank_proof", "display")
    assert [p.page for p in pages] == [1, 2]  # PDF_PREVIEW_PAGES
    assert all(p.content_type == "image/jpeg" for p in pages)
    assert Image.open(io.BytesIO(_served(client, pages[0].id))).format == "JPEG"


def test_the_original_evidence_is_byte_for_byte_and_never_served(app, client, upload):
    from portal.documents import services

    evidence = samples.jpeg_with_gps()
    upload("identity", (evidence, "passport.jpg"))
    (original,) = files_of(app, "identity", "original")
    with app.app_context():
        assert b"".join(services.read(original)) == evidence
    assert client.get(f"/documents/files/{original.id}").status_code == 404


def test_a_path_in_the_filename_is_harmless(app, upload, stored, tmp_path):
    from sqlalchemy import text

    from portal.extensions import db

    response = upload("profile_photo", (samples.jpeg(), "../../etc/passwd.jpg"))
    assert response.status_code == 302
    assert all("passwd" not in path for path in stored())
    assert not (tmp_path / "etc").exists()
    with app.app_context():
        rows = db.session.execute(text("SELECT * FROM document_files")).all()
        assert "passwd" not in repr(rows)


def test_a_mykad_takes_two_files_a_passport_one(app, upload, counts):
    front, back = (samples.jpeg(), "front.jpg"), (samples.png(), "back.png")
    assert upload("identity", front, back, identity_type="passport").status_code == 400
    assert counts() == (0, 0)
    assert upload("identity", front, back, identity_type="mykad").status_code == 302
    assert [f.page for f in files_of(app, "identity", "original")] == [1, 2]
    assert [f.page for f in files_of(app, "identity", "display")] == [1, 2]


def test_nothing_chosen_is_explained(upload, counts):
    response = upload("bank_proof")
    assert response.status_code == 400
    assert "Please choose a file" in response.get_data(as_text=True)


def test_at_most_eight_shop_photos(upload, counts):
    for number in range(8):
        assert upload("shop_photo", (samples.webp(), f"shop{number}.webp")).status_code == 302
    response = upload("shop_photo", (samples.jpeg(), "ninth.jpg"))
    assert response.status_code == 400
    assert "You already have 8 shop photos" in response.get_data(as_text=True)
    assert counts() == (8, 16)


def test_transparent_png_stays_transparent(app, client, upload):
    image = samples.picture(mode="RGBA", color=(0, 0, 0, 0))
    upload("profile_photo", (samples.encode(image, "PNG"), "logo.png"))
    display = files_of(app, "profile_photo", "display")[0]
    assert display.content_type == "image/png"
    assert Image.open(io.BytesIO(_served(client, display.id))).mode == "RGBA"


def test_large_photos_are_scaled_down(app, make_app, client, upload):
    app.config["IMAGE_MAX_SIDE"] = 500
    upload("profile_photo", (samples.jpeg(size=(1600, 900)), "big.jpg"))
    display = files_of(app, "profile_photo", "display")[0]
    assert max(display.width, display.height) == 500


def test_the_page_offers_the_identity_type_sent_last_time(client, upload):
    page = client.get("/documents/").get_data(as_text=True)
    assert _checked(page) == "mykad"
    upload("identity", (samples.jpeg(), "passport.jpg"), identity_type="passport")
    page = client.get("/documents/").get_data(as_text=True)
    assert _checked(page) == "passport"


def _checked(page: str) -> str:
    (value,) = re.findall(
        r'<input checked id="identity-identity_type-\d"[^>]* value="(\w+)">', page
    )
    return value
