"""Issue 21, stumble 8 and part of 6: one header for everybody, in a real browser.

- The header's height did not stay put: a seller's header grew when the unread badge appeared.
- The menu started in a different place for each role: the visitor's and the staff's were
  centred between the name and the language switch, the seller's (longer) pushed to the right.
- On a 320 px phone the header, with its language switch and the longest menu (a seller's, in
  Malay), must fit the screen, wrapped, with every item on screen.
- A closed account still had the whole seller menu, though every page of it but its own sent
  the seller back: its menu now holds only what a closed account can do.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from portal.extensions import db
from tests.e2e.conftest import laid_out, log_in
from tests.support import make_seller, make_staff

SELLER = "mei.ling.header@example.com"
STAFF = "farah.header@staff.example"
WIDTHS = (320, 390, 1280)


def _header_height(page) -> float:
    return (
        laid_out(page)
        .locator("header.site-header")
        .evaluate("e => e.getBoundingClientRect().height")
    )


def _menu_start(page) -> tuple[float, float]:
    """Where the menu's first item starts, and where the portal's name starts."""
    first = (
        laid_out(page).locator(".site-nav li").first.evaluate("e => e.getBoundingClientRect().left")
    )
    brand = page.locator("header .brand").evaluate("e => e.getBoundingClientRect().left")
    return first, brand


def _unread_notice(app, email_address: str) -> None:
    from sqlalchemy import select

    from portal.auth.models import User
    from portal.outbox.services import queue_email

    with app.test_request_context():
        user = db.session.scalar(select(User).where(User.email == email_address))
        queue_email(to=user.email, kind="password_changed", subject="Password changed", user=user)
        db.session.commit()


@pytest.mark.parametrize("width", WIDTHS)
def test_the_unread_badge_does_not_change_the_header_height(live_server, browser_page, width):
    with live_server.app.app_context():
        make_seller(SELLER)
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, live_server, SELLER, landing="/dashboard")
    expect(page.locator(".site-nav .badge")).to_have_count(0)
    without_badge = _header_height(page)

    _unread_notice(live_server.app, SELLER)
    page.reload()
    expect(page.locator(".site-nav .badge")).to_have_text("1")
    with_badge = _header_height(page)
    assert with_badge == without_badge, (
        f"at {width} px the header is {without_badge} px high without the unread badge "
        f"and {with_badge} px with it"
    )


@pytest.mark.parametrize("width", (390, 1280))
def test_the_menu_starts_in_the_same_place_for_visitor_seller_and_staff(
    live_server, browser_page, width
):
    with live_server.app.app_context():
        make_seller(SELLER)
        make_staff(STAFF, "admin")
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    starts = {}
    heights = {}

    page.goto(f"{live_server.url}/privacy")
    starts["visitor"], brand = _menu_start(page)
    heights["visitor"] = _header_height(page)

    log_in(page, live_server, SELLER, landing="/dashboard")
    page.goto(f"{live_server.url}/privacy")
    starts["seller"], _ = _menu_start(page)
    heights["seller"] = _header_height(page)
    page.get_by_role("button", name="Log out").click()

    log_in(page, live_server, STAFF, landing="/admin/")
    page.goto(f"{live_server.url}/privacy")
    starts["staff"], _ = _menu_start(page)
    heights["staff"] = _header_height(page)

    assert set(starts.values()) == {brand}, (
        f"at {width} px the menu starts at {starts}; the portal's name at {brand}"
    )
    if width >= 1280:  # every menu fits one line there: one header height for all
        assert len(set(heights.values())) == 1, f"header heights at {width} px: {heights}"


@pytest.mark.parametrize("language", ("en", "ms"))
def test_the_header_fits_a_320_px_phone(live_server, browser_page, language):
    with live_server.app.app_context():
        make_seller(SELLER, locale=language)
    _unread_notice(live_server.app, SELLER)
    page = browser_page
    page.set_viewport_size({"width": 320, "height": 700})
    log_in(page, live_server, SELLER, landing="/dashboard")
    width = laid_out(page).evaluate("document.documentElement.scrollWidth")
    assert width <= 320, f"the dashboard is {width} px wide on a 320 px phone"
    items = page.locator("header a, header button")
    for index in range(items.count()):
        item = items.nth(index)
        box = item.bounding_box()
        assert box is not None, item.inner_text()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 320, (
            f"{item.inner_text()!r} is off screen: {box}"
        )
        assert box["height"] >= 24, f"{item.inner_text()!r} is a small target: {box}"


def test_a_closed_account_has_only_what_it_can_do_in_its_menu(live_server, browser_page):
    from portal.account import termination

    with live_server.app.app_context():
        seller = make_seller(SELLER)
        termination.terminate(seller, actor=seller)
        db.session.commit()
    page = browser_page
    log_in(page, live_server, SELLER, landing="/account/closed")
    menu = page.get_by_role("navigation", name="Main")
    links = menu.get_by_role("link")
    names = links.all_inner_texts()
    assert names == ["Your closed account", "Download your data"], names
    expect(menu.get_by_role("button", name="Log out")).to_be_visible()
    # Every item of the menu opens its page, none sends the seller back to /account/closed.
    for href in [links.nth(i).get_attribute("href") for i in range(links.count())]:
        response = page.goto(f"{live_server.url}{href}")
        assert response is not None and response.ok, href
        assert page.url == f"{live_server.url}{href}", f"{href} sent the seller to {page.url}"
