"""Finding 5 of issue 19: the export leaked links that prove a mailbox.

``data.json`` held the outbox bodies, with the verification, reset and email-change links in
them; posting the email-change link from an export confirmed the new address. Whoever holds
a session (and so can download the export) must not be able to prove a mailbox they cannot
read. Every copy of a mail body the portal shows or hands out hides those links.
"""

from __future__ import annotations

import io
import json
import re
import zipfile

from portal.auth.models import User
from portal.extensions import db
from tests.support import PASSWORD, client_as, link_in, registration_form

SELLER = "aisyah@example.com"
NEW_ADDRESS = "aisyah.new@example.net"
NEW_PASSWORD = "kingfisher-estuary-lamplight-5"
# The paths of every link that proves a mailbox, whatever host a link is built with.
SECRET_PATH = re.compile(
    r"/(?:auth/verify|auth/reset|profile/email/confirm|profile/email/cancel)/[\w.\-~%]+"
)
URL = re.compile(r"https?://[^\s\"'<>]+")


def _seller_with_mail_of_every_kind(app, mailbox):
    """Register and verify through the site, then a reset and an email change are asked."""
    browser = app.test_client()
    browser.post("/auth/register", data=registration_form(email=SELLER))
    browser.post(link_in(mailbox.last(SELLER), "/auth/verify/"))
    app.test_client().post("/auth/reset", data={"email": SELLER})
    assert "/auth/reset/" in link_in(mailbox.last(SELLER), "/auth/reset/")
    seller = client_as(app, SELLER)
    assert seller.post("/profile/email", data={"new_email": NEW_ADDRESS}).status_code == 302
    return seller


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _exported_text(seller) -> list[str]:
    response = seller.post("/account/export")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        data = json.loads(archive.read("data.json"))
    subjects = [m["subject"] for m in data["tables"]["outbox_messages"]]
    assert "Confirm your new email address" in subjects  # the mail itself is there
    return list(_strings(data))


def _assert_account_untouched(app):
    with app.app_context():
        assert (
            db.session.scalar(db.select(User.email).where(User.email.in_([SELLER, NEW_ADDRESS])))
            == SELLER
        )
    login = app.test_client().post("/auth/login", data={"email": SELLER, "password": PASSWORD})
    assert login.headers["Location"] == "/dashboard"


def test_the_export_holds_no_link_that_proves_the_mailbox(app, mailbox):
    seller = _seller_with_mail_of_every_kind(app, mailbox)
    found = [match for text in _exported_text(seller) for match in SECRET_PATH.findall(text)]
    assert found == []


def test_no_url_in_the_export_confirms_anything(app, mailbox):
    seller = _seller_with_mail_of_every_kind(app, mailbox)
    urls = {url for text in _exported_text(seller) for url in URL.findall(text)}
    assert urls  # the ordinary links are still there
    outsider = app.test_client()  # the attacker's browser, without the mailbox
    for url in urls:
        path = re.sub(r"^https?://[^/]+", "", url)
        outsider.get(path)
        outsider.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    _assert_account_untouched(app)


def test_the_notification_centre_hides_them_too(app, mailbox):
    seller = _seller_with_mail_of_every_kind(app, mailbox)
    pages = [seller.get("/notifications/").get_data(as_text=True)]
    for number in re.findall(r'href="/notifications/(\d+)"', pages[0]):
        pages.append(seller.get(f"/notifications/{number}").get_data(as_text=True))
    assert len(pages) > 3
    for page in pages:
        assert SECRET_PATH.findall(page) == []
