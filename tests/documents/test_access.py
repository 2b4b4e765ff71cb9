"""Who reaches a file: the owner and reviewing staff. Everyone else gets 404, and every
look by staff is in the access log."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.accesslog.models import StaffAccess
from portal.documents.models import DocumentFile
from portal.extensions import db
from tests.documents import samples
from tests.documents.conftest import files_of
from tests.support import PASSWORD, make_staff, routes_under


@pytest.fixture
def a_file(app, upload):
    """Seller A's identity document, uploaded; returns its displayed file's id."""
    upload("identity", (samples.jpeg(), "passport.jpg"))
    return files_of(app, "identity", "display")[0].id


def test_the_file_is_served_with_safe_headers(client, a_file):
    response = client.get(f"/documents/files/{a_file}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/jpeg"
    assert response.headers["Content-Disposition"].startswith(
        'inline; filename="identity-document-'
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert int(response.headers["Content-Length"]) == len(response.data)


def test_another_seller_gets_404_for_the_file_and_cannot_delete_it(
    app, client, auth, a_file, other_seller, counts
):
    auth.logout()
    auth.login(other_seller["email"], PASSWORD)
    assert client.get(f"/documents/files/{a_file}").status_code == 404
    with app.app_context():
        document_id = db.session.get(DocumentFile, a_file).document_id
    assert client.post(f"/documents/{document_id}/delete").status_code == 404
    assert counts()[0] == 1
    assert "identity-document" not in client.get("/documents/").get_data(as_text=True)


def test_anonymous_visitors_get_404_for_the_file(client, auth, a_file):
    auth.logout()
    assert client.get(f"/documents/files/{a_file}").status_code == 404
    assert client.get("/documents/files/999999").status_code == 404


def test_a_reviewer_sees_the_file_and_the_look_is_recorded(app, client, auth, a_file, seller):
    auth.logout()
    with app.app_context():
        make_staff("reviewer@example.com", "reviewer")
    auth.login("reviewer@example.com", PASSWORD)
    assert client.get(f"/documents/files/{a_file}").status_code == 200
    with app.app_context():
        (entry,) = db.session.scalars(select(StaffAccess)).all()
        assert (entry.seller_id, entry.staff_role, entry.subject) == (
            seller["id"],
            "reviewer",
            "document",
        )
        assert entry.accessed_at is not None


def test_the_owner_looking_is_not_recorded(app, client, a_file):
    assert client.get(f"/documents/files/{a_file}").status_code == 200
    with app.app_context():
        assert db.session.scalars(select(StaffAccess)).all() == []


def test_support_staff_get_404_for_documents(app, client, auth, a_file):
    auth.logout()
    with app.app_context():
        make_staff("support@example.com", "support")
    auth.login("support@example.com", PASSWORD)
    assert client.get(f"/documents/files/{a_file}").status_code == 404
    assert client.get("/admin/documents").status_code == 404
    with app.app_context():
        assert db.session.scalars(select(StaffAccess)).all() == []


def test_every_seller_page_sends_visitors_to_log_in(app, client):
    for method, url in routes_under(app, "/documents", exclude={"/documents/files/<int:file_id>"}):
        response = client.open(url, method=method)
        assert response.status_code == 302, (method, url)
        assert "/auth/login" in response.headers["Location"]


def test_staff_get_404_on_seller_pages(app, client, auth):
    with app.app_context():
        make_staff("admin@example.com", "admin")
    auth.login("admin@example.com", PASSWORD)
    for method, url in routes_under(app, "/documents", exclude={"/documents/files/<int:file_id>"}):
        assert client.open(url, method=method).status_code == 404, (method, url)
