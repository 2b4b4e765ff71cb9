"""Issue 21, stumble 2: a failed registration is in view and says what went wrong.

Before, the registration error box said "Please correct the highlighted fields" and neither
listed nor linked them, and nothing was focused. Now, as GOV.UK's error summary: the title
starts "Error: ", the summary takes the focus as the page loads (without JavaScript: the
autofocus attribute), and each error is a link to its field; a date links to the box that
is wrong.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect


def _register_with_mistakes(page, base):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/auth/register")
    page.get_by_label("Full legal name").fill("Nur Aisyah binti Ahmad")
    page.get_by_label("Email", exact=True).fill("not-an-email")
    dob = page.get_by_role("group", name="Date of birth")
    dob.get_by_label("Day").fill("8")
    dob.get_by_label("Year").fill("1994")  # the month forgotten
    page.get_by_label("Phone number").fill("012-345 6789")
    page.get_by_role("button", name="Create my account").click()


def test_a_failed_registration_lists_and_links_every_error(live_server, browser_page):
    page = browser_page
    _register_with_mistakes(page, live_server.url)

    expect(page).to_have_title("Error: Register as a seller · Koopseri")
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_be_in_viewport()
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(summary).to_contain_text("Nothing has been saved yet.")
    links = summary.get_by_role("link")
    expect(links).to_have_text(
        [
            "Enter a valid email address, like name@example.com.",
            "This field is required.",  # the password
            "Date of birth must include a month.",
            "You must accept the privacy policy to register.",
        ]
    )
    # Each link leads to its field; the date's, to the box that is empty.
    summary.get_by_role("link", name="Date of birth must include a month.").click()
    expect(page.get_by_role("group", name="Date of birth").get_by_label("Month")).to_be_focused()
    summary.get_by_role("link", name="Enter a valid email address, like name@example.com.").click()
    expect(page.get_by_label("Email", exact=True)).to_be_focused()
    # What was typed is all still there.
    expect(page.get_by_label("Full legal name")).to_have_value("Nur Aisyah binti Ahmad")
    expect(page.get_by_role("group", name="Date of birth").get_by_label("Year")).to_have_value(
        "1994"
    )


@pytest.mark.parametrize("javascript", [False])
def test_the_summary_takes_the_focus_without_javascript(live_server, chromium, javascript):
    from playwright.sync_api import sync_playwright

    from tests.livesite import CHROMIUM_ARGS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium), args=CHROMIUM_ARGS, headless=True
        )
        try:
            page = browser.new_context(java_script_enabled=javascript).new_page()
            _register_with_mistakes(page, live_server.url)
            expect(page).to_have_title("Error: Register as a seller · Koopseri")
            expect(page.locator(".error-summary")).to_be_focused()
        finally:
            browser.close()


def test_the_malay_page_title_starts_with_ralat(live_server, browser_page):
    page = browser_page
    page.goto(f"{live_server.url}/auth/register")
    page.get_by_role("button", name="Bahasa Melayu").click()
    page.get_by_role("button", name="Buat akaun saya").click()
    expect(page).to_have_title("Ralat: Daftar sebagai penjual · Koopseri")
    expect(page.locator(".error-summary h2")).to_have_text("Terdapat masalah")
