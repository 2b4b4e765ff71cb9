"""A new privacy policy version in a real browser: an admin publishes version 2 from the back
office; a seller who logs in afterwards is stopped at the acceptance page, sees what changed,
accepts, reaches the dashboard, and finds version 2 on the consent page."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import select

from portal.extensions import db
from portal.outbox.models import OutboxMessage
from tests.e2e.conftest import log_in
from tests.support import make_seller, make_staff

ADMIN = "admin.e2e@example.com"
SELLER = "siti.e2e@example.com"
ADDED = "We never sell your personal data to advertisers."


def test_admin_publishes_version_2_and_the_seller_accepts_it(live_server, browser_page):
    with live_server.app.app_context():
        make_seller(SELLER)
        make_staff(ADMIN, "admin")
    page, base = browser_page, live_server.url
    page_errors: list[str] = []
    page.on("pageerror", lambda exc: page_errors.append(str(exc)))

    # The admin edits the text in force, says what changed, and publishes it at once.
    log_in(page, live_server, ADMIN)
    expect(page).to_have_url(f"{base}/admin/")
    page.get_by_role("link", name="Open the policy").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Seller Privacy Policy")
    text = page.get_by_label("Policy text (Markdown)", exact=True)
    text.fill(text.input_value().rstrip() + "\n\n" + ADDED + "\n")
    page.get_by_label("Summary of changes", exact=True).fill("We promise never to sell your data.")
    # The Malay text starts from version 1's translation, as the English does from its text.
    malay = page.get_by_label("Policy text in Malay (Markdown)")
    expect(malay).to_have_value(re.compile("Dasar Privasi Penjual Koopseri"))
    malay.fill(malay.input_value().rstrip() + "\n\nKami tidak akan menjual data anda.\n")
    page.get_by_label("Summary of changes in Malay").fill("Kami berjanji tidak menjual data anda.")
    page.get_by_role("button", name="Publish version 2").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Version 2 published; 1 seller will be emailed."
    )
    expect(page).to_have_url(f"{base}/admin/policy")
    expect(page.get_by_role("link", name="Version 2", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Publish version 3")).to_be_visible()
    page.get_by_role("button", name="Log out").click()
    with live_server.app.app_context():
        queued = db.session.scalars(
            select(OutboxMessage.recipient).where(OutboxMessage.kind == "policy_changed")
        ).all()
    assert queued == [SELLER]

    # The seller is sent to accept it, and sees the added sentence marked as added.
    log_in(page, live_server, SELLER)
    expect(page).to_have_url(re.compile(r"/privacy/accept\?next=(/|%2F)dashboard$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Our Seller Privacy Policy has changed"
    )
    expect(page.get_by_text("We promise never to sell your data.")).to_be_visible()
    expect(page.locator(".diff ins")).to_contain_text(ADDED)
    page.get_by_label("I accept version 2").check()
    page.get_by_role("button", name="Accept and continue").click()
    expect(page).to_have_url(f"{base}/dashboard")
    expect(page.get_by_role("status")).to_contain_text("You accepted version 2.")

    # The consent page shows the version accepted.
    page.goto(f"{base}/account/consent")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your consent")
    expect(page.locator(".details")).to_contain_text("Version 2")
    expect(page.get_by_text("This is the version in effect now.")).to_be_visible()
    assert page_errors == []
