"""Issue 21, stumble 7: the audit trail showed codes (``document.approve``), an unlinked
"document #6" and "Asia/Kuala_Lumpur". A reviewer approves a seller's MyKad; an admin opens
the trail from the back office's home page, reads what happened in words (in English, then
in Malay) and follows the subject to the document's review page."""

from __future__ import annotations

from playwright.sync_api import expect

from portal.auth.models import User
from portal.extensions import db
from tests.e2e.backoffice import ADMIN, PHONE, REVIEWER, page_width, people, seller_uploads_mykad
from tests.e2e.conftest import change_hands, log_in


def _reviewer_approves_the_mykad(live_server, page, tmp_path) -> int:
    document_id = seller_uploads_mykad(page, live_server, tmp_path)
    log_in(page, live_server, REVIEWER, landing="/admin/")
    page.goto(f"{live_server.url}/admin/documents/{document_id}")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("status")).to_contain_text("Approved")
    change_hands(page)
    return document_id


def test_the_trail_reads_as_words_and_links_to_the_document(live_server, browser_page, tmp_path):
    people(live_server.app)
    page = browser_page
    document_id = _reviewer_approves_the_mykad(live_server, page, tmp_path)

    log_in(page, live_server, ADMIN, landing="/admin/")
    page.get_by_role("link", name="Audit trail").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit trail")
    table = page.get_by_role("table")
    row = page.locator("tr.audit-event").first
    expect(row).to_contain_text("approved a document")
    expect(table).not_to_contain_text("document.approve")
    expect(page.locator("main")).not_to_contain_text("Asia/Kuala_Lumpur")
    expect(page.locator("main")).to_contain_text("Malaysia time")
    row.get_by_role("link", name=f"Document {document_id}").click()
    expect(page).to_have_url(f"{live_server.url}/admin/documents/{document_id}")

    # On a phone the trail is stacked rows, not a table wider than the screen.
    page.set_viewport_size(PHONE)
    page.go_back()
    expect(page.locator("tr.audit-event").first).to_contain_text("approved a document")
    scroll_width, screen_width = page_width(page)
    assert scroll_width <= screen_width, f"{scroll_width} px wide on a {screen_width} px phone"


def test_the_trail_in_malay(live_server, browser_page, tmp_path):
    ids = people(live_server.app)
    with live_server.app.app_context():
        db.session.get(User, ids["admin"]).locale = "ms"
        db.session.commit()
    page = browser_page
    _reviewer_approves_the_mykad(live_server, page, tmp_path)

    log_in(page, live_server, ADMIN, landing="/admin/")
    page.get_by_role("link", name="Jejak audit").click()
    expect(page.locator("tr.audit-event").first).to_contain_text("meluluskan dokumen")
