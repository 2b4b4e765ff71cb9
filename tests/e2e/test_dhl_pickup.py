"""A seller books a DHL pickup and cancels it, in Chromium, against the MyDHL API on loopback
that checks every request against DHL's published OpenAPI document; "Where my data went"
shows both: what DHL received, and the message that called it off."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from portal.clock import local_today
from tests.contracts import mydhl
from tests.contracts.server import serve_api
from tests.sharing.conftest import give_address
from tests.support import make_seller

EMAIL = "farah.dhl.e2e@example.com"


@pytest.fixture
def dhl_api(tmp_path):
    """The MyDHL API on loopback; the test fails on any request off the published schema."""
    with serve_api(tmp_path, mydhl.BASE_PATH, mydhl.routes()) as api:
        yield api
        assert api.violations == []


def test_a_seller_books_and_cancels_a_dhl_pickup(live_server, browser_page, dhl_api):
    from tests.e2e.conftest import log_in
    from tests.support import body_text, wait_for

    app = live_server.app
    app.config.update(
        SHARING_ENDPOINTS={"dhl": dhl_api.url},
        SHARING_CREDENTIALS={"dhl": dict(mydhl.CREDENTIALS)},
        SHARING_CA_FILE=dhl_api.ca_file,
        SHARING_RETRY_DELAY=0.01,
        SHARING_TIMEOUT=2.0,
    )
    with app.app_context():
        seller = make_seller(
            EMAIL, full_name="Farah Izzati binti Hassan", phone_e164="+60137765432"
        )
        give_address(seller.id, address_line1="8 Jalan Kenanga", city="Ipoh", postcode="30450")
        day = local_today() + timedelta(days=2)

    page = browser_page
    log_in(page, live_server, EMAIL, landing="/dashboard")
    page.get_by_role("link", name="Arrange a pickup").click()
    page.get_by_label("DHL").check()
    page.get_by_label("Pickup date").fill(day.isoformat())
    page.get_by_label("Medium").check()
    page.get_by_role("button", name="Check what will be shared").click()
    page.get_by_role("button", name="Confirm and share with DHL").click()
    expect(page.get_by_role("status")).to_contain_text("DHL will collect your parcel on")

    (booked,) = dhl_api.calls_to("POST", "/pickups")
    assert booked.body["plannedPickupDateAndTime"].startswith(
        f"{day.isoformat()}T10:00:00GMT+08:00"
    )
    assert booked.body["customerDetails"]["shipperDetails"]["postalAddress"]["cityName"] == "Ipoh"
    (number,) = dhl_api.state["pickups"]
    status = page.get_by_role("status").inner_text()
    booking = status.rsplit("Your reference is ", 1)[1].strip().rstrip(".")
    assert wait_for(lambda: len(live_server.emails_to(EMAIL)) == 1)

    row = page.get_by_role("row").filter(has_text=booking)
    expect(row).to_contain_text("Booked")
    row.get_by_role("link", name="Cancel pickup").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cancel this pickup?")
    assert dhl_api.calls_to("DELETE") == []  # asking is not doing
    page.get_by_role("button", name="Cancel pickup").click()
    expect(page.get_by_role("status")).to_contain_text("is cancelled. We have told DHL.")
    expect(page.get_by_role("row").filter(has_text=booking)).to_contain_text("Cancelled")

    (cancelled,) = dhl_api.calls_to("DELETE")
    assert cancelled.path == f"/pickups/{number}"
    assert cancelled.query["requestorName"] == ["Koopseri"]
    assert dhl_api.state["pickups"][number]["status"] == "cancelled"
    assert wait_for(lambda: len(live_server.emails_to(EMAIL)) == 2)
    assert booking in body_text(live_server.emails_to(EMAIL)[-1])

    page.get_by_role("link", name="Where my data went").first.click()
    entries = page.locator(".notices__item").filter(has_text="DHL")
    expect(entries).to_have_count(2)
    expect(entries.filter(has_text=f"a cancellation of {booking}")).to_have_count(1)
    shared = entries.filter(has_text=booking).filter(has_not_text="a cancellation of")
    expect(shared).to_have_count(1)
    for category in ("Name", "Address", "Phone"):
        expect(shared).to_contain_text(category)
