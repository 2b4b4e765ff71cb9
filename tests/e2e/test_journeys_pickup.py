"""Dead ends around a pickup, in a real browser, as a seller meets them: the page says what a
pickup needs before offering a form that can only fail; a booked pickup is confirmed by email
and can be cancelled before its day, the courier told through the sharing door."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect

from portal.clock import local_today
from tests.e2e.conftest import laid_out
from tests.partner import speak_json
from tests.sharing.conftest import give_address
from tests.support import make_seller

EMAIL = "nurul.e2e@example.com"


def _seller(live_server, partner, *, address: bool):
    app = live_server.app
    app.config.update(SHARING_ENDPOINTS={"dhl": partner.url}, SHARING_CA_FILE=partner.ca_file)
    speak_json(app)
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


def test_a_booked_pickup_is_emailed_and_can_be_cancelled_before_its_day(
    live_server, browser_page, partner
):
    from tests.e2e.conftest import log_in
    from tests.support import body_text, wait_for

    _seller(live_server, partner, address=True)
    with live_server.app.app_context():
        day = local_today() + timedelta(days=3)
    page = browser_page
    log_in(page, live_server, EMAIL, landing="/dashboard")
    page.get_by_role("link", name="Arrange a pickup").click()
    page.get_by_label("DHL").check()
    page.get_by_label("Pickup date").fill(day.isoformat())
    page.get_by_label("Small").check()
    page.get_by_role("button", name="Check what will be shared").click()
    page.get_by_role("button", name="Confirm and share with DHL").click()
    expect(page.get_by_role("status")).to_contain_text("DHL will collect your parcel on")
    booking = partner.received[0].body["reference"]

    booked = live_server.wait_for_email(EMAIL)
    assert booked["Subject"] == "Your pickup is booked"
    assert booking in body_text(booked)

    row = page.get_by_role("row").filter(has_text=booking)
    expect(row).to_contain_text("Booked")
    row.get_by_role("link", name="Cancel pickup").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cancel this pickup?")
    button = page.get_by_role("button", name="Cancel pickup")
    expect(button).to_have_class("button button--danger")
    assert len(partner.received) == 1  # the confirmation page sends nothing
    # On a phone, the confirmation and the list of pickups fit the screen.
    page.set_viewport_size({"width": 390, "height": 844})
    assert laid_out(page).evaluate("document.documentElement.scrollWidth") <= 390
    button.click()

    expect(page.get_by_role("status")).to_contain_text("is cancelled. We have told DHL.")
    expect(page.get_by_role("row").filter(has_text=booking)).to_contain_text("Cancelled")
    expect(page.get_by_role("link", name="Cancel pickup")).to_have_count(0)
    assert laid_out(page).evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 900})
    assert len(partner.received) == 2
    assert partner.received[1].body["cancels"] == booking
    assert partner.received[1].body["seller"] == {}

    # Mail is handed over after the response: wait for the second one.
    assert wait_for(lambda: len(live_server.emails_to(EMAIL)) == 2)
    cancelled = live_server.emails_to(EMAIL)[-1]
    assert cancelled["Subject"] == "Your pickup is cancelled"
    assert booking in body_text(cancelled)

    page.get_by_role("link", name="Where my data went").first.click()
    entry = page.locator(".notices__item").filter(has_text=partner.received[1].body["reference"])
    expect(entry).to_contain_text("DHL")
    expect(entry).to_contain_text(f"a cancellation of {booking}")
