"""Dead ends around a pickup, in a real browser, as a seller meets them: the page says what a
pickup needs before offering a form that can only fail; a booked pickup is confirmed by email
and can be cancelled before its day, the courier told through the sharing door."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from portal.clock import local_today
from tests.partner import serve_partner
from tests.sharing.conftest import give_address
from tests.support import make_seller

EMAIL = "nurul.e2e@example.com"


@pytest.fixture
def partner(tmp_path):
    with serve_partner(tmp_path) as running:
        yield running


def _seller(live_server, partner, *, address: bool):
    app = live_server.app
    app.config.update(SHARING_ENDPOINTS={"dhl": partner.url}, SHARING_CA_FILE=partner.ca_file)
    with app.app_context():
        seller = make_seller(EMAIL, full_name="Nurul Huda binti Ahmad", phone_e164="+60132224455")
        if address:
            give_address(seller.id, address_line1="3 Jalan Mawar", city="Kuantan", postcode="25000")
        return seller.id


def test_without_an_address_the_page_says_so_before_any_form(live_server, browser_page, partner):
    from tests.e2e.conftest import log_in

    _seller(live_server, partner, address=False)
    page = browser_page
    log_in(page, live_server, EMAIL, landing="/dashboard")
    page.goto(f"{live_server.url}/shipping/pickup")

    needs = page.get_by_role("region", name="What a pickup needs")
    expect(needs).to_contain_text("Full legal name")
    expect(needs).to_contain_text("Phone number")
    address = needs.get_by_role("listitem").filter(has_text="Address")
    expect(address).to_contain_text("Missing")
    # No form that can only fail: no date to pick, no button to press.
    expect(page.get_by_label("Pickup date")).to_have_count(0)
    expect(page.get_by_role("button", name="Check what will be shared")).to_have_count(0)

    address.get_by_role("link").click()
    expect(page).to_have_url(f"{live_server.url}/profile#address")
    assert partner.received == []


def test_with_everything_given_the_page_shows_it_ready_and_offers_the_form(
    live_server, browser_page, partner
):
    from tests.e2e.conftest import log_in

    _seller(live_server, partner, address=True)
    page = browser_page
    log_in(page, live_server, EMAIL, landing="/dashboard")
    page.goto(f"{live_server.url}/shipping/pickup")
    needs = page.get_by_role("region", name="What a pickup needs")
    for label in ("Full legal name", "Address", "Phone number"):
        expect(needs.get_by_role("listitem").filter(has_text=label)).to_contain_text("Ready")
    expect(page.get_by_label("Pickup date")).to_be_visible()
    expect(page.get_by_role("button", name="Check what will be shared")).to_be_visible()
