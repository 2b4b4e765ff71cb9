"""The breach register in a real browser: the Data Protection Officer records a breach at the
courier, selects the sellers who had DHL pickups that week, notifies them, and one of them
finds the security notice on their account page and in their notifications."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from portal.clock import local_today
from portal.extensions import db
from portal.sharing.models import Disclosure
from portal.shipping import services as shipping
from tests.e2e.conftest import change_hands, laid_out, log_in
from tests.partner import speak_json
from tests.sharing.conftest import give_address
from tests.support import make_seller, make_staff

DPO = "farah.dpo@example.com"
SELLERS = ("aminah.e2e@example.com", "kumar.e2e@example.com", "lim.e2e@example.com")


def _pickups(app, partner) -> str:
    """Three sellers book DHL pickups through the door; the third's was a month ago. The
    courier's name in the registry."""
    app.config.update(SHARING_ENDPOINTS={"dhl": partner.url}, SHARING_CA_FILE=partner.ca_file)
    speak_json(app)
    with app.app_context():
        make_staff(DPO, "dpo")
        courier = shipping.courier_by_slug("dhl")
        for number, address in enumerate(SELLERS):
            seller = make_seller(address, full_name=f"Seller {number}", phone_e164="+60132224455")
            give_address(seller.id)
            pickup = shipping.book_pickup(
                seller, courier, local_today() + timedelta(days=2), "small"
            )
            if number == 2:
                disclosure = db.session.get(Disclosure, pickup.disclosure_id)
                disclosure.disclosed_at -= timedelta(days=30)
            db.session.commit()
        assert len(db.session.scalars(select(Disclosure.id)).all()) == 3
        return courier.name


def _day(value) -> str:
    return f"{value.day}/{value.month}/{value.year}"


def test_the_dpo_notifies_the_sellers_of_a_weeks_dhl_pickups(live_server, browser_page, partner):
    courier = _pickups(live_server.app, partner)
    with live_server.app.app_context():
        today = local_today()
    page = browser_page
    log_in(page, live_server, DPO, landing="/admin/")
    expect(page.get_by_role("heading", name="Breach clocks")).to_be_visible()
    page.get_by_role("link", name="Open the breach register").click()
    page.get_by_role("link", name="Record a breach").click()

    page.get_by_label("Day discovered").fill(_day(today - timedelta(days=1)))
    page.get_by_label("Time discovered (Malaysia time)").fill("09:15")
    page.get_by_label("What happened").fill("DHL reported that a pickup manifest was exposed.")
    for category in ("Name", "Address", "Phone number"):
        page.get_by_label(category, exact=True).check()
    page.get_by_label("Systems affected").fill("DHL pickup manifests")
    page.get_by_label("Steps taken to contain it").fill("DHL revoked the link.")
    page.get_by_label("Could it lead to identity theft or fraud?").check()
    page.get_by_role("button", name="Record the breach").click()

    expect(page.get_by_role("status")).to_contain_text("recorded")
    clocks = page.locator("#clocks")
    expect(clocks).to_contain_text("Notice to the Commissioner")
    expect(clocks).to_contain_text("left")

    sellers = page.locator("#sellers")
    sellers.get_by_label("Sellers whose data went to a third party").check()
    sellers.get_by_label("Third party", exact=True).select_option(label=courier)
    sellers.get_by_label("From (day)").fill(_day(today - timedelta(days=3)))
    sellers.get_by_label("To (day, included)").fill(_day(today + timedelta(days=3)))
    sellers.get_by_role("button", name="Count and keep these sellers").click()
    expect(page.get_by_role("status")).to_contain_text(
        "2 sellers selected. Nothing has been sent yet."
    )

    sellers = page.locator("#sellers")
    sellers.get_by_label("(English)").fill("A DHL pickup manifest with your address was exposed.")
    sellers.get_by_label("(Bahasa Melayu)").fill(
        "Manifes pengambilan DHL dengan alamat anda terdedah."
    )
    sellers.get_by_role("button", name="Email 2 sellers now").click()
    expect(page.locator("#sellers")).to_contain_text(
        "Every selected seller has been sent the notice"
    )
    expect(page.locator("#timeline")).to_contain_text("Affected sellers selected")

    page.get_by_role(
        "link", name="Print the notice to the Commissioner (English and Malay)"
    ).click()
    expect(page.locator("section[lang=ms]")).to_contain_text("Pemberitahuan pelanggaran data")
    expect(page.locator("section[lang=en]")).to_contain_text("Number of data subjects affected")

    change_hands(page)
    log_in(page, live_server, SELLERS[0], landing="/dashboard")
    page.goto(f"{live_server.url}/account")
    notices = page.get_by_role("region", name="Data breach notices")
    expect(notices).to_contain_text("notice sent")
    laid_out(page)
    notices.get_by_role("link", name="Your notifications").click()
    notice = page.get_by_role("link").filter(has_text="Security notice: a data breach")
    expect(notice.first).to_be_visible()

    change_hands(page)
    log_in(page, live_server, SELLERS[2], landing="/dashboard")
    page.goto(f"{live_server.url}/account")
    expect(page.get_by_role("region", name="Data breach notices")).to_have_count(0)
