"""Issue 21, stumble 7, the back office's home page as an administrator uses it: every card
leads to its list (the "Sellers" card led nowhere), the counts read as sentences ("0 /
failed; 0 due now, 0 waiting to retry" did not), and "Find a seller" has a button to press."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.backoffice import ADMIN, SELLER_NAME, people
from tests.e2e.conftest import log_in


def test_every_card_on_the_home_page_leads_to_its_list(live_server, browser_page):
    people(live_server.app)
    page = browser_page
    log_in(page, live_server, ADMIN, landing="/admin/")
    cards = page.locator("main section.card")
    assert cards.count() >= 5
    for index in range(cards.count()):
        card = cards.nth(index)
        title = card.get_by_role("heading").first.inner_text()
        assert card.get_by_role("link").count() >= 1, f"the card {title!r} links nowhere"

    sellers = page.locator("main section.card").filter(
        has=page.get_by_role("heading", name="Sellers", exact=True)
    )
    sellers.get_by_role("link").first.click()
    expect(page).to_have_url(f"{live_server.url}/admin/sellers")
    expect(page.get_by_role("link", name=SELLER_NAME)).to_be_visible()


def test_the_counts_read_as_sentences(live_server, browser_page):
    people(live_server.app)
    page = browser_page
    log_in(page, live_server, ADMIN, landing="/admin/")
    main = page.locator("main")
    expect(main).to_contain_text("1 seller")
    expect(main).to_contain_text("No messages failed. None due now, none waiting to retry.")
    expect(main).to_contain_text("No documents are waiting for review.")
    expect(main).not_to_contain_text("failed;")


def test_the_counts_in_malay(live_server, browser_page):
    ids = people(live_server.app)
    with live_server.app.app_context():
        from portal.auth.models import User
        from portal.extensions import db

        db.session.get(User, ids["admin"]).locale = "ms"
        db.session.commit()
    page = browser_page
    log_in(page, live_server, ADMIN, landing="/admin/")
    main = page.locator("main")
    expect(main).to_contain_text("1 penjual")
    expect(main).to_contain_text("Tiada mesej yang gagal.")


def test_find_a_seller_has_a_button(live_server, browser_page):
    people(live_server.app)
    page = browser_page
    log_in(page, live_server, ADMIN, landing="/admin/")
    search = page.get_by_role("search")
    search.get_by_label("Name, email, phone or shop name").fill("Siti")
    search.get_by_role("button", name="Search").click()
    expect(page).to_have_url(f"{live_server.url}/admin/sellers?q=Siti")
    expect(page.get_by_role("link", name=SELLER_NAME)).to_be_visible()
