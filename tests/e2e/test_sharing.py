"""A seller arranges a DHL pickup in a real browser: reads what will be shared, confirms,
and finds the transfer under "Where my data went". DHL is a real HTTPS endpoint on loopback."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from portal.clock import local_today
from tests.partner import speak_json
from tests.sharing.conftest import give_address
from tests.support import PASSWORD, make_seller

EMAIL = "aminah.e2e@example.com"


def test_arrange_a_dhl_pickup_then_find_it_where_my_data_went(live_server, browser_page, partner):
    app = live_server.app
    app.config.update(SHARING_ENDPOINTS={"dhl": partner.url}, SHARING_CA_FILE=partner.ca_file)
    speak_json(app)
    with app.app_context():
        seller = make_seller(EMAIL, full_name="Aminah binti Yusof", phone_e164="+60198765432")
        give_address(
            seller.id,
            address_line1="8 Lorong Cempaka",
            city="Ipoh",
            postcode="30450",
            state="MY-08",
        )
        day = local_today() + timedelta(days=2)
    page = browser_page
    base = live_server.url
    page_errors: list[str] = []
    page.on("pageerror", lambda exc: page_errors.append(str(exc)))

    page.goto(f"{base}/auth/login")
    page.get_by_label("Email", exact=True).fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{base}/dashboard")
    page.get_by_role("link", name="Arrange a pickup").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Arrange a pickup")

    page.get_by_label("DHL").check()
    page.get_by_label("Pickup date").fill(day.isoformat())
    page.get_by_label("Medium").check()
    page.get_by_role("button", name="Check what will be shared").click()

    # Before anything is sent: exactly what DHL gets, and nothing else.
    expect(page.get_by_role("heading", level=1)).to_have_text("Check what will be shared")
    table = page.get_by_role("table")
    expect(table.get_by_role("row")).to_have_count(4)  # a header and three fields
    expect(table).to_contain_text("Aminah binti Yusof")
    expect(table).to_contain_text("8 Lorong Cempaka")
    expect(table).to_contain_text("+60198765432")
    expect(page.locator("main")).not_to_contain_text(EMAIL)
    assert partner.received == []

    page.get_by_role("button", name="Confirm and share with DHL").click()
    expect(page.get_by_role("status")).to_contain_text("DHL will collect your parcel on")
    assert len(partner.received) == 1
    reference = partner.received[0].body["reference"]
    expect(page.get_by_role("status")).to_contain_text(reference)

    page.get_by_role("link", name="Where my data went").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Where my data went")
    entry = page.locator(".notices__item").filter(has_text=reference)
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text("DHL")
    expect(entry).to_contain_text("Name, Address, Phone number")

    page.get_by_label("Third party").select_option("dhl")
    page.get_by_role("button", name="Show").click()
    expect(page.locator(".notices__item")).to_have_count(1)
    assert page_errors == []
