"""The reviewer sees the identity number in full beside the document (and the seller sees
that they did), with the other accounts that give the same number."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from portal.accesslog.models import StaffAccess
from portal.documents.models import Document
from portal.extensions import db
from tests.documents import samples
from tests.documents.conftest import Uploader
from tests.support import PASSWORD, make_staff

FRONT_BACK = ((samples.jpeg(), "front.jpg"), (samples.jpeg(), "back.jpg"))


def _identity_of(app, user_id: int) -> int:
    with app.app_context():
        return db.session.scalar(
            select(Document.id).where(Document.user_id == user_id, Document.kind == "identity")
        )


def _reveals(app) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count())
            .select_from(StaffAccess)
            .where(StaffAccess.subject == "revealed:identity_number")
        )


def _send(client, auth, email: str, **fields) -> None:
    auth.login(email)
    response = Uploader(client)("identity", *FRONT_BACK, identity_type="mykad", **fields)
    assert response.status_code == 302
    auth.logout()


def test_the_same_number_on_another_account_comes_up_for_the_reviewer(
    app, client, auth, seller, other_seller
):
    _send(client, auth, seller["email"])
    _send(client, auth, other_seller["email"])  # born the same day: the same MyKad number
    with app.app_context():
        make_staff("reviewer@example.com", "reviewer")
    auth.login("reviewer@example.com", PASSWORD)

    page = client.get(f"/admin/documents/{_identity_of(app, seller['id'])}").get_data(as_text=True)
    assert "880701-14-5678" in page  # in full, as printed
    assert "This number is also given by 1 other account." in page
    assert f'href="/admin/sellers/{other_seller["id"]}"' in page
    assert _reveals(app) == 1

    auth.logout()
    auth.login()
    log = client.get("/account/access-log").get_data(as_text=True)
    assert "Your identity number, shown in full" in log


def test_a_number_of_its_own_shows_no_other_account(app, client, auth, seller, other_seller):
    _send(client, auth, seller["email"])
    _send(client, auth, other_seller["email"], mykad_number="880701-14-9999")
    with app.app_context():
        make_staff("reviewer@example.com", "reviewer")
    auth.login("reviewer@example.com", PASSWORD)
    page = client.get(f"/admin/documents/{_identity_of(app, seller['id'])}").get_data(as_text=True)
    assert "880701-14-5678" in page
    assert "also given by" not in page


def test_a_passport_shows_its_country_and_expiry(app, client, auth, seller):
    auth.login()
    Uploader(client)("identity", (samples.jpeg(), "passport.jpg"), identity_type="passport")
    auth.logout()
    with app.app_context():
        make_staff("reviewer@example.com", "reviewer")
    auth.login("reviewer@example.com", PASSWORD)
    page = client.get(f"/admin/documents/{_identity_of(app, seller['id'])}").get_data(as_text=True)
    assert "A12345678" in page
    assert "Malaysia (MY)" in page
    assert "31 Jan 2036" in page


def test_a_document_sent_without_a_number_says_so_and_reveals_nothing(app, client, auth, seller):
    from portal.auth.models import User
    from portal.documents import services

    with app.app_context():  # an identity document from before numbers were asked for
        user = db.session.get(User, seller["id"])
        services.upload(
            user,
            services.DocumentKind.IDENTITY,
            [services.Upload("front.jpg", io.BytesIO(samples.jpeg()))],
            services.IdentityType.PASSPORT,
        )
        db.session.commit()
        make_staff("reviewer@example.com", "reviewer")
    auth.login("reviewer@example.com", PASSWORD)
    page = client.get(f"/admin/documents/{_identity_of(app, seller['id'])}").get_data(as_text=True)
    assert "The seller has not given the number on this document yet." in page
    assert _reveals(app) == 0


def test_the_seller_page_shows_the_number_masked_until_revealed_with_a_reason(
    app, client, auth, seller
):
    _send(client, auth, seller["email"])
    with app.app_context():
        make_staff("reviewer@example.com", "reviewer")
    auth.login("reviewer@example.com", PASSWORD)
    url = f"/admin/sellers/{seller['id']}"
    page = client.get(url).get_data(as_text=True)
    assert "•••• 5678" in page
    assert "880701-14-5678" not in page and "880701145678" not in page
    assert _reveals(app) == 0

    shown = client.post(
        f"{url}/reveal", data={"value": "identity_number", "reason": "Seller called"}
    ).get_data(as_text=True)
    assert 'data-revealed="identity_number">880701-14-5678</strong>' in shown
    assert _reveals(app) == 1
