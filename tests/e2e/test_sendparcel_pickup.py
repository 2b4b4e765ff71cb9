"""A SendParcel pickup in a real browser, against Pos Malaysia's API on loopback that checks
every request against its documented schema: the seller books it, cancels it before its
day, and finds both under "Where my data went"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from portal.clock import local_today
from tests.contracts.sendparcel import BOOK, CANCEL, sendparcel_config, serve_sendparcel
from tests.e2e.conftest import log_in
from tests.sharing.conftest import give_address
from tests.support import make_seller

EMAIL = "farah.e2e@example.com"


@pytest.fixture
def pos(tmp_path):
    with serve_sendparcel(tmp_path / "pos") as api:
        yield api
        assert api.violations == [], "requests outside SendParcel's documented schema"


def test_a_sendparcel_pickup_is_booked_and_cancelled_and_both_are_shown(
    live_server, browser_page, pos
):
    app = live_server.app
    app.config.update(sendparcel_config(pos))
    with app.app_context():
        seller = make_seller(EMAIL, full_name="Farah Nadia binti Osman", phone_e164="+60167778899")
        give_address(seller.id, address_line1="8 Lorong Cempaka 2", city="Ipoh", postcode="30450")
        day = local_today() + timedelta(days=4)
    page = browser_page
    log_in(page, live_server, EMAIL, landing="/dashboard")

    page.get_by_role("link", name="Arrange a pickup").click()
    page.get_by_label("Sendparcel").check()
    page.get_by_label("Pickup date").fill(day.isoformat())
    page.get_by_label("Medium").check()
    page.get_by_role("button", name="Check what will be shared").click()
    assert pos.calls == []  # reading what will be sent sends nothing
    page.get_by_role("button", name="Confirm and share with Sendparcel").click()
    expect(page.get_by_role("status")).to_contain_text("Sendparcel will collect your parcel on")

    [booked] = pos.calls_to("POST", BOOK)
    booking = booked.body["reference"]["merchant_reference_number"]
    number = next(iter(pos.state["pickups"]))
    row = page.get_by_role("row").filter(has_text=booking)
    expect(row).to_contain_text("Booked")

    row.get_by_role("link", name="Cancel pickup").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cancel this pickup?")
    page.get_by_role("button", name="Cancel pickup").click()
    expect(page.get_by_role("status")).to_contain_text("is cancelled. We have told Sendparcel.")
    expect(page.get_by_role("row").filter(has_text=booking)).to_contain_text("Cancelled")
    [cancelled] = pos.calls_to("POST", CANCEL)
    assert cancelled.body["pickup_number"] == number
    assert pos.state["pickups"][number]["status"] == "cancelled"

    page.get_by_role("link", name="Where my data went").first.click()
    entries = page.locator(".notices__item")
    expect(entries.filter(has_text=booking).first).to_contain_text("Sendparcel")
    expect(entries.filter(has_text=f"a cancellation of {booking}")).to_have_count(1)
    expect(entries.filter(has_text=f"a cancellation of {booking}")).to_contain_text("Sendparcel")
