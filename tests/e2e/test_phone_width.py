"""Issue 21, stumble 4: on a phone (390 px wide) the account page must fit the screen. Its
list of logged-in devices was a five-column table 491 px wide, so the whole page scrolled
sideways. A seller logged in on two devices opens /account as a phone shows it."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import laid_out, log_in
from tests.support import make_seller

EMAIL = "aisyah.phone@example.com"
PHONE = {"width": 390, "height": 844}
# A long, real header: the row must still fit, wrapped, not widen the page.
ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; SM-A546E Build/UP1A.231005.007; wv) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Version/4.0 Chrome/131.0.6778.135 Mobile Safari/537.36"
)


def _page_width(page) -> tuple[int, int]:
    return laid_out(page).evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


def test_the_account_page_fits_a_phone(live_server, browser_page):
    with live_server.app.app_context():
        make_seller(EMAIL)
    page = browser_page
    # A second device first, so the list has a "Sign out" button in a row.
    other = page.context.browser.new_context(user_agent=ANDROID, viewport=PHONE)
    try:
        log_in(other.new_page(), live_server, EMAIL, landing="/dashboard")
    finally:
        other.close()

    page.set_viewport_size(PHONE)
    log_in(page, live_server, EMAIL, landing="/dashboard")
    page.goto(f"{live_server.url}/account")
    expect(page.get_by_role("heading", name="Where you are logged in")).to_be_visible()
    expect(page.get_by_role("cell", name="Chrome on Android", exact=True)).to_be_visible()
    scroll_width, screen_width = _page_width(page)
    assert scroll_width <= screen_width, (
        f"/account is {scroll_width} px wide on a {screen_width} px phone"
    )
    # Every device's details are still on the page, each labelled, and can be acted on.
    sign_out = page.get_by_role("button", name="Sign out Chrome on Android")
    expect(sign_out).to_be_visible()
    box = sign_out.bounding_box()
    assert box is not None and box["x"] + box["width"] <= screen_width
