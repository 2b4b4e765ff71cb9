"""Issue 21, stumble 7: the seller's access log promised "first name and role" but said "An
administrator", and "A document you uploaded" without saying which. A reviewer opens the
seller's MyKad to check it; the seller then reads who looked at what, in English and in
Malay, on a phone."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from portal.auth.models import User
from portal.extensions import db
from tests.e2e.backoffice import (
    PHONE,
    REVIEWER,
    SELLER,
    page_width,
    people,
    seller_uploads_mykad,
)
from tests.e2e.conftest import change_hands, log_in


def _reviewer_checks_the_mykad(live_server, page, tmp_path) -> None:
    document_id = seller_uploads_mykad(page, live_server, tmp_path)
    log_in(page, live_server, REVIEWER, landing="/admin/")
    page.get_by_role("link", name="Open the documents to review").click()
    page.locator(f"a[href='/admin/documents/{document_id}']").first.click()
    expect(page).to_have_url(f"{live_server.url}/admin/documents/{document_id}")
    # The pictures load: that is the look the seller's log records.
    images = page.locator("main img")
    expect(images.first).to_be_visible()
    for index in range(images.count()):
        expect(images.nth(index)).to_have_js_property("complete", True)
    change_hands(page)


def test_the_seller_sees_who_looked_and_at_which_document(live_server, browser_page, tmp_path):
    people(live_server.app)
    page = browser_page
    _reviewer_checks_the_mykad(live_server, page, tmp_path)

    page.set_viewport_size(PHONE)
    log_in(page, live_server, SELLER, landing="/dashboard")
    page.goto(f"{live_server.url}/account/access-log")
    row = page.locator("tr.access-entry").first
    expect(row).to_contain_text("Aisyah, reviewer")
    expect(row).to_contain_text(re.compile(r"Your MyKad, uploaded \d{1,2} [A-Z][a-z]{2} \d{4}"))
    main = page.locator("main")
    expect(main).not_to_contain_text("A document you uploaded")
    expect(main).not_to_contain_text("Hassan")  # the surname stays with staff
    scroll_width, screen_width = page_width(page)
    assert scroll_width <= screen_width, f"{scroll_width} px wide on a {screen_width} px phone"


def test_in_malay(live_server, browser_page, tmp_path):
    ids = people(live_server.app)
    page = browser_page
    _reviewer_checks_the_mykad(live_server, page, tmp_path)
    with live_server.app.app_context():
        db.session.get(User, ids["seller"]).locale = "ms"
        db.session.commit()

    log_in(page, live_server, SELLER, landing="/dashboard")
    page.goto(f"{live_server.url}/account/access-log")
    row = page.locator("tr.access-entry").first
    expect(row).to_contain_text("Aisyah, penyemak")
    expect(row).to_contain_text(re.compile(r"MyKad anda, dimuat naik \d{1,2} [A-Z][a-z]{2} \d{4}"))
