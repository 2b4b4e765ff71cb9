"""Issue 21, stumble 1: edits on the profile are never lost.

Before, /profile held one form per section on the same page: a seller who typed a new shop
name and then pressed "Save phone number" lost the shop name without a word. Now /profile
is a summary of each section, and each "Change" link opens a page that edits just that
section, with one form and one button.
"""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import log_in
from tests.support import make_seller

EMAIL = "edits.e2e@example.com"


def _seller(site):
    with site.app.app_context():
        make_seller(EMAIL, phone_e164="+60132224455")


def test_no_profile_page_has_a_button_that_drops_what_was_typed_elsewhere(
    live_server, browser_page
):
    """Every page reached from /profile has at most one form a seller types into, so no
    button can send one section and throw away what was typed in another."""
    _seller(live_server)
    page = browser_page
    log_in(page, live_server, EMAIL, landing="/dashboard")
    page.goto(f"{live_server.url}/profile")
    pages = [f"{live_server.url}/profile"]
    links = page.get_by_role("link", name="Change")
    pages += [links.nth(i).get_attribute("href") for i in range(links.count())]
    for url in pages:
        page.goto(url if url.startswith("http") else live_server.url + url)
        typed_into = page.locator("main form").filter(
            has=page.locator("input:not([type=hidden]), select, textarea")
        )
        assert typed_into.count() <= 1, f"{page.url} has {typed_into.count()} forms to type into"


def test_a_seller_changes_the_shop_name_then_the_phone_and_keeps_both(live_server, browser_page):
    _seller(live_server)
    page = browser_page
    base = live_server.url
    log_in(page, live_server, EMAIL, landing="/dashboard")
    page.get_by_role("link", name="Profile", exact=True).click()

    # The summary shows the phone the Malaysian way, and a Change link per row.
    summary = page.locator("main")
    expect(summary).to_contain_text("013-222 4455")
    expect(summary).not_to_contain_text("+60132224455")

    page.get_by_role("link", name="Change shop name").click()
    page.get_by_label("Shop name").fill("Batik Mei")
    # The page edits the personal details only: no phone button to press by mistake.
    expect(page.get_by_role("button", name="Save phone number")).to_have_count(0)
    page.get_by_role("button", name="Save personal details").click()
    expect(page).to_have_url(f"{base}/profile")
    expect(page.get_by_role("status")).to_contain_text("Your personal details have been saved.")

    page.get_by_role("link", name="Change phone number").click()
    expect(page.get_by_label("Phone number")).to_have_value("013-222 4455")
    page.get_by_label("Phone number").fill("012-345 6789")
    page.get_by_role("button", name="Save phone number").click()
    expect(page).to_have_url(f"{base}/profile")
    expect(page.get_by_role("status")).to_contain_text("Your contact details have been saved.")

    summary = page.locator("main")
    expect(summary).to_contain_text("Batik Mei")
    expect(summary).to_contain_text("012-345 6789")


def test_an_invalid_section_keeps_everything_typed(live_server, browser_page):
    _seller(live_server)
    page = browser_page
    log_in(page, live_server, EMAIL, landing="/dashboard")
    page.goto(f"{live_server.url}/profile")
    page.get_by_role("link", name="Change full legal name").click()
    page.get_by_label("Shop name").fill("Batik Mei")
    page.get_by_label("Full legal name").fill("")
    page.get_by_role("button", name="Save personal details").click()

    expect(page).to_have_title("Error: Your personal details · Koopseri")
    expect(page.get_by_label("Shop name")).to_have_value("Batik Mei")
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name="This field is required.").click()
    expect(page.get_by_label("Full legal name")).to_be_focused()
