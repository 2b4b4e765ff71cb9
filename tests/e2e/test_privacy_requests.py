"""A privacy request in a real browser: a seller asks for a copy of their data from their
account page and sees the day we answer by; the Data Protection Officer extends it from
the register with a reason, and the seller gets the email with the reason and new date."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import expect

from portal.clock import local_today
from portal.formatting import day
from tests.e2e.conftest import log_in
from tests.e2e.test_minor_report import wait_for_email_about
from tests.support import body_text, make_seller, make_staff

SELLER = "aminah.e2e@example.com"
DPO = "dpo.e2e@example.com"
REFERENCE = re.compile(r"DSR-[2-9A-Z]{8}")


def test_a_seller_asks_for_a_copy_and_the_dpo_extends_it(live_server, browser_page):
    app = live_server.app
    with app.app_context():
        make_seller(SELLER)
        make_staff(DPO, "dpo")
    page, base = browser_page, live_server.url
    with app.test_request_context():
        due = day(local_today() + timedelta(days=21))
        extended = day(local_today() + timedelta(days=35))

    log_in(page, live_server, SELLER)
    page.goto(f"{base}/account")
    page.get_by_role("link", name="Your privacy requests").click()
    page.get_by_role("group", name="Type of request").get_by_label("A copy of my data").check()
    page.get_by_label("Details", exact=True).fill("Please send me everything you hold about me.")
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_text(f"We will answer by {due}.")).to_be_visible()
    reference = REFERENCE.search(page.content()).group(0)
    received = wait_for_email_about(live_server, SELLER, reference)
    assert f"We will answer by {due}." in body_text(received)
    page.get_by_role("button", name="Log out").click()

    log_in(page, live_server, DPO)
    page.goto(f"{base}/admin/")
    page.get_by_role("link", name="Open the privacy requests").click()
    page.get_by_role("link", name=reference).click()
    page.get_by_label("Why we need more time").fill("Our courier partner must return records.")
    page.get_by_role("button", name="Extend", exact=True).click()
    expect(
        page.get_by_text("Extended by 14 days; the requester was emailed the reason.")
    ).to_be_visible()

    mail = wait_for_email_about(live_server, SELLER, "we need more time")
    text = body_text(mail)
    assert "Our courier partner must return records." in text
    assert f"We will answer by {extended}." in text
