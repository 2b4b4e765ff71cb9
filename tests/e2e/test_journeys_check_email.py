"""'Check your email' in a real browser, as a seller meets it: the page says where the link
went (the address masked) and offers to send it again, answering the same for every address."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.support import PASSWORD, make_seller, wait_for

EMAIL = "farah.e2e@example.com"
CONSENT = "I have read and accept the Seller Privacy Policy (version 1)"


def _fill_date_of_birth(page) -> None:
    # One date input or three boxes (Day, Month, Year): whichever the form offers.
    boxes = page.get_by_label("Day", exact=True)
    if boxes.count():
        boxes.fill("17")
        page.get_by_label("Month", exact=True).fill("5")
        page.get_by_label("Year", exact=True).fill("1990")
    else:
        page.get_by_label("Date of birth").fill("1990-05-17")


def test_after_registering_the_page_shows_where_the_link_went_and_sends_it_again(
    live_server, browser_page
):
    page = browser_page
    base = live_server.url
    page.goto(f"{base}/auth/register")
    page.get_by_label("Full legal name").fill("Farah binti Kamal")
    page.get_by_label("Email", exact=True).fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    _fill_date_of_birth(page)
    page.get_by_label("Phone number").fill("012-345 6789")
    page.get_by_label(CONSENT).check()
    page.get_by_role("button", name="Create my account").click()
    expect(page).to_have_url(f"{base}/auth/check-email")

    main = page.locator("main")
    expect(main).to_contain_text("f••••••••@example.com")
    expect(main).not_to_contain_text(EMAIL)
    live_server.wait_for_email(EMAIL)
    assert len(live_server.emails_to(EMAIL)) == 1

    page.get_by_role("button", name="Send the link again").click()
    expect(page).to_have_url(f"{base}/auth/check-email")
    expect(page.get_by_role("status")).to_contain_text("we have sent a new link")
    assert wait_for(lambda: len(live_server.emails_to(EMAIL)) == 2)
    assert live_server.emails_to(EMAIL)[-1]["Subject"] == "Confirm your email address"


def test_logging_in_before_confirming_offers_to_send_the_link_again(live_server, browser_page):
    with live_server.app.app_context():
        make_seller(EMAIL, verified=False)
    page = browser_page
    base = live_server.url
    page.goto(f"{base}/auth/login")
    page.get_by_label("Email", exact=True).fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your email address first")
    expect(page.locator("main")).to_contain_text("f••••••••@example.com")
    assert wait_for(lambda: len(live_server.emails_to(EMAIL)) == 1)

    page.get_by_role("button", name="Send the link again").click()
    expect(page.get_by_role("status")).to_contain_text("we have sent a new link")
    assert wait_for(lambda: len(live_server.emails_to(EMAIL)) == 2)


def test_a_reset_request_shows_where_it_went_and_can_be_sent_again(live_server, browser_page):
    with live_server.app.app_context():
        make_seller(EMAIL)
    page = browser_page
    base = live_server.url
    page.goto(f"{base}/auth/reset")
    page.get_by_label("Email", exact=True).fill(EMAIL)
    page.get_by_role("button", name="Send the link", exact=True).click()
    expect(page.locator("main")).to_contain_text("f••••••••@example.com")
    assert wait_for(lambda: len(live_server.emails_to(EMAIL)) == 1)

    page.get_by_role("button", name="Send the link again").click()
    expect(page.get_by_role("status")).to_contain_text("we have sent a new link")
    assert wait_for(lambda: len(live_server.emails_to(EMAIL)) == 2)
    assert "password" in live_server.emails_to(EMAIL)[-1]["Subject"]
