"""What a seller checks on /documents (issue 21, stumble 5): every page of what was sent,
each with its own thumbnail and a display copy at a readable size; a MyKad's two sides named
front and back; a delete asked for on a page of its own before anything goes; and each file
input with the types and size it takes. Each object answers its owner only."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from sqlalchemy import select

from portal.documents.models import Document
from portal.extensions import db
from tests.documents import samples
from tests.documents.conftest import files_of
from tests.support import PASSWORD


def _document_id(app) -> int:
    with app.app_context():
        return db.session.scalar(select(Document.id))


def test_a_mykad_keeps_a_display_copy_and_a_thumbnail_of_each_side(app, client, upload):
    front, back = (samples.jpeg((900, 560)), "front.jpg"), (samples.png((880, 600)), "back.png")
    assert upload("identity", front, back, identity_type="mykad").status_code == 302

    displays = files_of(app, "identity", "display")
    thumbnails = files_of(app, "identity", "thumbnail")
    assert [f.page for f in displays] == [1, 2]
    assert [f.page for f in thumbnails] == [1, 2]
    assert [(f.width, f.height) for f in displays] == [(900, 560), (880, 600)]
    assert all(max(f.width, f.height) <= app.config["THUMBNAIL_SIDE"] for f in thumbnails)

    page = client.get("/documents/").get_data(as_text=True)
    for item in (*displays, *thumbnails):
        assert f'/documents/files/{item.id}"' in page
    assert ">Front</span>" in page and ">Back</span>" in page


def test_each_page_links_to_its_display_copy(app, client, upload):
    assert upload("bank_proof", (samples.pdf(pages=2), "statement.pdf")).status_code == 302
    page = client.get("/documents/").get_data(as_text=True)
    for item in files_of(app, "bank_proof", "display"):
        link = f'<a class="document-page__link" href="/documents/files/{item.id}">'
        assert link in page
        served = client.get(f"/documents/files/{item.id}")
        assert served.headers["Content-Type"] == "image/jpeg"
        assert Image.open(io.BytesIO(served.data)).size == (item.width, item.height)
    assert ">Page 1</span>" in page and ">Page 2</span>" in page


def test_a_page_stored_before_it_had_a_thumbnail_is_shown_from_its_display_copy(
    app, client, upload
):
    upload(
        "identity",
        (samples.jpeg(), "front.jpg"),
        (samples.png(), "back.png"),
        identity_type="mykad",
    )
    with app.app_context():
        (second,) = [f for f in files_of(app, "identity", "thumbnail") if f.page == 2]
        db.session.delete(db.session.merge(second))
        db.session.commit()
    (_, back) = files_of(app, "identity", "display")
    page = client.get("/documents/").get_data(as_text=True)
    assert page.count(f'/documents/files/{back.id}"') == 2  # the link, and the picture


def test_the_confirmation_names_what_will_be_lost_and_deletes_nothing(app, client, upload, counts):
    upload(
        "identity",
        (samples.jpeg(), "front.jpg"),
        (samples.png(), "back.png"),
        identity_type="mykad",
    )
    document_id = _document_id(app)

    response = client.get(f"/documents/{document_id}/delete")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert re.search(
        r"Your MyKad, both sides, uploaded \d{1,2} \w{3} \d{4}, will be deleted\.", text
    )
    assert 'class="button button--danger">Delete identity document</button>' in text
    assert f'action="/documents/{document_id}/delete"' in text
    assert 'href="/documents/#identity">No, keep it</a>' in text
    assert counts() == (1, 6)  # a GET never deletes


@pytest.mark.parametrize(
    ("kind", "files", "identity_type", "sentence"),
    [
        (
            "identity",
            [(samples.jpeg(), "p.jpg")],
            "passport",
            "The photo page of your passport, uploaded",
        ),
        ("identity", [(samples.jpeg(), "k.jpg")], "mykad", "Your MyKad, uploaded"),
        (
            "bank_proof",
            [(samples.pdf(pages=2), "s.pdf")],
            None,
            "Your proof of bank account, all 2 pages, uploaded",
        ),
        ("profile_photo", [(samples.jpeg(), "me.jpg")], None, "Your profile photo, uploaded"),
        ("shop_photo", [(samples.jpeg(), "shop.jpg")], None, "Shop photo 1, uploaded"),
    ],
)
def test_each_kind_is_named_on_its_confirmation(
    app, client, upload, kind, files, identity_type, sentence
):
    extra = {"identity_type": identity_type} if identity_type else {}
    assert upload(kind, *files, **extra).status_code == 302
    text = client.get(f"/documents/{_document_id(app)}/delete").get_data(as_text=True)
    assert sentence in text


def test_a_shop_photo_is_named_by_its_place_on_the_page(app, client, upload):
    for number in range(3):
        upload("shop_photo", (samples.jpeg(), f"shop{number}.jpg"))
    with app.app_context():
        first, second, third = db.session.scalars(select(Document.id).order_by(Document.slot))
    client.post(f"/documents/{first}/delete")
    text = client.get(f"/documents/{third}/delete").get_data(as_text=True)
    assert "Shop photo 2, uploaded" in text and "Delete shop photo 2</button>" in text


def test_another_seller_gets_404_for_every_page_and_the_confirmation(
    app, client, auth, upload, other_seller, counts
):
    upload(
        "identity",
        (samples.jpeg(), "front.jpg"),
        (samples.png(), "back.png"),
        identity_type="mykad",
    )
    document_id = _document_id(app)
    shown = files_of(app, "identity", "display") + files_of(app, "identity", "thumbnail")
    auth.logout()
    auth.login(other_seller["email"], PASSWORD)

    assert client.get(f"/documents/{document_id}/delete").status_code == 404
    for item in shown:
        assert client.get(f"/documents/files/{item.id}").status_code == 404
    assert client.post(f"/documents/{document_id}/delete").status_code == 404
    assert counts() == (1, 6)


def test_each_file_input_says_what_it_takes_from_the_configuration(app, client, seller, auth):
    app.config["UPLOAD_MAX_BYTES"] = 3 * 1024 * 1024
    auth.login()
    text = client.get("/documents/").get_data(as_text=True)
    assert text.count('">JPEG, PNG or WebP, up to 3 MB</span>') == 2  # profile and shop photo
    # identity, bank, business registration
    assert text.count('">JPEG, PNG, WebP or PDF, up to 3 MB</span>') == 3
    for field in ("profile_photo-file", "identity-file", "bank_proof-file", "shop_photo-file"):
        assert re.search(rf'aria-describedby="{field}-rules[^"]*"[^>]*id="{field}"', text), field
