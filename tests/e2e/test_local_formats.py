"""Issue 21, stumble 3: dates and phones as Malaysians write them. A seller saw their phone as
"+60132224455", dates as "Dec 6, 2026, 11:41:07 AM" and the browser's mm/dd/yyyy picker for
the date of birth; now "013-222 4455", "6 Dec 2026, 3:41 pm" and three boxes, in both
languages, in a real browser."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import log_in
from tests.support import make_seller

EMAIL = "mei.ling.formats@example.com"
# "6 Dec 2026, 3:41 pm": day, short month, year, then the time without seconds.
MOMENT = re.compile(r"\b\d{1,2} [A-Z][a-z]{2} \d{4}, \d{1,2}:\d{2} (am|pm|pg|ptg)\b")
AMERICAN = re.compile(r"\b[A-Z][a-z]{2} \d{1,2}, \d{4}|\d:\d{2}:\d{2}|\b(AM|PM)\b")


def test_a_seller_reads_malaysian_dates_and_phone_numbers(live_server, browser_page):
    with live_server.app.app_context():
        make_seller(EMAIL, phone_e164="+60132224455")
    page = browser_page
    log_in(page, live_server, EMAIL, landing="/dashboard")

    page.goto(f"{live_server.url}/profile")
    expect(page.get_by_text("013-222 4455", exact=True)).to_be_visible()
    expect(page.get_by_text("1 Jul 1988", exact=True)).to_be_visible()
    assert "+60132224455" not in page.content()

    page.goto(f"{live_server.url}/account")  # the consent record and the devices: moments
    text = page.locator("main").inner_text()
    assert MOMENT.search(text), text
    assert not AMERICAN.search(text), AMERICAN.search(text)

    page.get_by_role("button", name="Bahasa Melayu").click()
    page.goto(f"{live_server.url}/profile")
    expect(page.get_by_text("1 Jul 1988", exact=True)).to_be_visible()  # "Jul" in Malay too
    page.goto(f"{live_server.url}/account")
    assert MOMENT.search(page.locator("main").inner_text())


def test_the_date_of_birth_is_three_boxes_not_a_picker(live_server, browser_page):
    page = browser_page
    page.goto(f"{live_server.url}/auth/register")
    birth = page.get_by_role("group", name="Date of birth")
    for box in ("Day", "Month", "Year"):
        expect(birth.get_by_label(box, exact=True)).to_have_attribute("inputmode", "numeric")
    assert page.locator('input[type="date"]').count() == 0
