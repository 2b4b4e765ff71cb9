"""The back office reads at a glance (issue 21): counts as sentences with plurals, every
card leading to its list, and each destructive act behind a page that names what is lost,
where opening the page (a GET) changes nothing."""

from __future__ import annotations

import re

from sqlalchemy import select

from portal.auth.models import User
from portal.documents.models import Document
from portal.extensions import db
from portal.sharing.models import ThirdParty
from tests.documents.conftest import Uploader
from tests.documents.samples import jpeg
from tests.support import PASSWORD, client_as, make_seller, make_staff

TAG = re.compile(r"<[^>]+>")


def _text(response) -> str:
    return " ".join(TAG.sub(" ", response.get_data(as_text=True)).split())


def _admin(app):
    with app.app_context():
        make_staff("admin@staff.example", "admin")
    return client_as(app, "admin@staff.example")


def test_the_home_page_counts_in_sentences(app):
    admin = _admin(app)
    assert "No seller has an account yet." in _text(admin.get("/admin/"))
    with app.app_context():
        make_seller("one@example.com")
    home = _text(admin.get("/admin/"))
    assert "1 seller has an account." in home
    assert "No messages failed. None due now, none waiting to retry." in home
    assert "failed;" not in home
    with app.app_context():
        make_seller("two@example.com")
    assert "2 sellers have an account." in _text(admin.get("/admin/"))


def test_every_card_on_the_home_page_has_a_link(app):
    page = _admin(app).get("/admin/").get_data(as_text=True)
    cards = re.findall(r'<section class="card">(.*?)</section>', page, re.S)
    assert len(cards) >= 8
    for card in cards:
        assert "<a href=" in card, card
    assert '<button type="submit" class="button">Search</button>' in page


def test_the_sellers_list_shows_every_seller_before_a_search(app):
    admin = _admin(app)
    with app.app_context():
        make_seller("siti@example.com", full_name="Siti Aminah")
    page = admin.get("/admin/sellers").get_data(as_text=True)
    assert "Siti Aminah" in page and "All sellers, newest first" in page


def test_disabling_a_member_of_staff_asks_first_and_the_get_changes_nothing(app):
    admin = _admin(app)
    with app.app_context():
        reviewer = make_staff("aisyah@staff.example", "reviewer")
        reviewer.full_name = "Aisyah binti Hassan"
        db.session.commit()
        reviewer_id = reviewer.id
    page = admin.get(f"/admin/staff/{reviewer_id}/disable")
    assert page.status_code == 200
    text = _text(page)
    assert "Disable the account of Aisyah binti Hassan?" in text
    assert "logged out of every device at once" in text
    assert 'class="button button--danger"' in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, reviewer_id).disabled_at is None
    assert admin.post(f"/admin/staff/{reviewer_id}/disable").status_code == 302
    with app.app_context():
        assert db.session.get(User, reviewer_id).disabled_at is not None
    # Disabled already: no page to disable it again.
    assert admin.get(f"/admin/staff/{reviewer_id}/disable").status_code == 404


def test_retiring_a_third_party_asks_first_and_the_get_changes_nothing(app):
    admin = _admin(app)
    with app.app_context():
        party = db.session.scalar(
            select(ThirdParty).where(ThirdParty.retired_at.is_(None)).order_by(ThirdParty.id)
        )
        party_id, name = party.id, party.name
    page = admin.get(f"/admin/third-parties/{party_id}/retire")
    assert page.status_code == 200
    assert f"Nothing more about any seller is sent to {name}" in _text(page)
    with app.app_context():
        assert db.session.get(ThirdParty, party_id).retired_at is None
    assert admin.post(f"/admin/third-parties/{party_id}/retire").status_code == 302
    with app.app_context():
        assert db.session.get(ThirdParty, party_id).retired_at is not None


def test_confirming_an_erasure_names_what_goes_and_the_get_erases_nothing(app):
    with app.app_context():
        seller_id = make_seller("young@example.com", full_name="Nur Young").id
        make_staff("reviewer@staff.example", "reviewer")
        make_staff("admin@staff.example", "admin")
    seller = app.test_client()
    seller.post("/auth/login", data={"email": "young@example.com", "password": PASSWORD})
    Uploader(seller)("identity", (jpeg(), "front.jpg"), (jpeg(), "back.jpg"), identity_type="mykad")
    with app.app_context():
        document_id = db.session.scalar(select(Document.id).where(Document.user_id == seller_id))
    confirm = f"/admin/documents/{document_id}/under-age/confirm"
    admin = client_as(app, "admin@staff.example")
    assert admin.get(confirm).status_code == 404  # nothing proposed yet

    reviewer = client_as(app, "reviewer@staff.example")
    reviewer.post(f"/admin/documents/{document_id}/under-age", data={"checked": "y"})
    review_page = admin.get(f"/admin/documents/{document_id}").get_data(as_text=True)
    assert f'href="{confirm}"' in review_page and "button--danger" in review_page

    page = admin.get(confirm)
    assert page.status_code == 200
    text = _text(page)
    assert "Erase the account of Nur Young now?" in text
    assert "cannot be undone" in text
    assert "young@example.com" in text
    assert "1 document (identity document, bank proof or photo)" in text
    assert "No bank details" in text
    with app.app_context():
        assert db.session.get(User, seller_id).status == "frozen"

    admin.post(confirm, data={"checked": "y"})
    with app.app_context():
        assert db.session.get(User, seller_id) is None
