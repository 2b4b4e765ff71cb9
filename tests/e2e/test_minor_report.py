"""A report about a minor in a real browser: a visitor, not logged in, files it from the
footer and gets a reference by email; a reviewer matches it to the seller's shop and
proposes erasing the account, and an admin (a second person) confirms it; the account is
erased at once, so the seller can no longer log in, their files are gone from storage, and
the reporter is told the outcome."""

from __future__ import annotations

import re
import time
from pathlib import Path

from PIL import Image, ImageDraw
from playwright.sync_api import Locator, Page, expect

from portal.extensions import db
from portal.profile.models import SellerProfile
from tests.e2e.conftest import log_in
from tests.support import make_seller, make_staff

SELLER = "kedai.comel.e2e@example.com"
REVIEWER = "reviewer@example.com"
ADMIN = "admin@example.com"
REPORTER = "parent.e2e@example.com"
SHOP = "Kedai Comel"
REFERENCE = re.compile(r"MR-[2-9A-Z]{8}")


def picture(path: Path, size: tuple[int, int] = (800, 600)) -> Path:
    """A drawn picture, like a phone photo of the seller."""
    image = Image.new("RGB", size, (235, 228, 210))
    draw = ImageDraw.Draw(image)
    width, height = size
    draw.rectangle((40, 40, width - 40, height - 40), outline=(30, 60, 120), width=8)
    draw.ellipse((80, 80, 80 + height // 3, 80 + height // 3), fill=(200, 120, 60))
    image.save(path, "JPEG")
    return path


def file_input(page: Page, label: str) -> Locator:
    """The file input with ``label`` (its section is labelled by the same words)."""
    return page.locator("input[type=file]").and_(page.get_by_label(label, exact=True))


def stored_files(live_server) -> list[Path]:
    return [path for path in (live_server.instance_path / "documents").rglob("*") if path.is_file()]


def wait_for_email_about(live_server, address: str, words: str, timeout: float = 5.0):
    """The newest email to ``address`` whose subject contains ``words``, waiting for it
    (mail is handed over after the response)."""
    deadline = time.monotonic() + timeout
    while True:
        found = [m for m in live_server.emails_to(address) if words in m["Subject"]]
        if found:
            return found[-1]
        if time.monotonic() > deadline:
            subjects = [m["Subject"] for m in live_server.emails_to(address)]
            raise AssertionError(f"no email to {address} about {words!r}; got {subjects}")
        time.sleep(0.05)


def test_visitor_reports_a_minor_and_the_reviewer_confirms_it(live_server, browser_page, tmp_path):
    app = live_server.app
    # The form quietly refuses a report sent sooner than a person could fill it in; a
    # robot-fast Playwright would trip that, so this server takes any fill time.
    app.config["MINOR_REPORT_MIN_SECONDS"] = 0
    with app.app_context():
        seller = make_seller(SELLER)
        seller_id = seller.id
        db.session.add(SellerProfile(user_id=seller.id, display_name=SHOP))
        db.session.commit()
        make_staff(REVIEWER, "reviewer")
        make_staff(ADMIN, "admin")
    page, base = browser_page, live_server.url
    page_errors: list[str] = []
    page.on("pageerror", lambda exc: page_errors.append(str(exc)))

    # The seller has a file stored: a profile photo.
    log_in(page, live_server, SELLER)
    expect(page).to_have_url(f"{base}/dashboard")
    page.goto(f"{base}/documents/")
    file_input(page, "Profile photo").set_input_files(picture(tmp_path / "me.jpg"))
    page.get_by_role("button", name="Upload photo").click()
    expect(page.get_by_role("status")).to_contain_text("Your photo is saved.")
    assert stored_files(live_server)
    page.get_by_role("button", name="Log out").click()

    # A parent, with no account, reports the shop from the footer of the home page.
    page.goto(f"{base}/")
    page.get_by_role("contentinfo").get_by_role("link", name="Report a minor").click()
    expect(page).to_have_url(f"{base}/report-minor")
    page.get_by_label("Your name", exact=True).fill("Lim Siew Ping")
    page.get_by_label("Your email", exact=True).fill(REPORTER)
    page.get_by_label("I am their parent or guardian").check()
    page.get_by_label("Seller's shop name or email").fill(SHOP)
    page.get_by_label("What happened").fill(
        "My daughter is 15 and opened this shop with her own name and photo."
    )
    page.get_by_role("button", name="Send report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you. We received your report.")
    expect(page.locator("main")).to_contain_text(REFERENCE)
    reference = REFERENCE.search(page.locator("main").inner_text()).group(0)
    acknowledgement = live_server.wait_for_email(REPORTER)
    assert reference in acknowledgement["Subject"]

    # A reviewer finds it in the queue, sees the matching seller and proposes the erasure.
    log_in(page, live_server, REVIEWER)
    expect(page).to_have_url(f"{base}/admin/")
    page.goto(f"{base}/admin/minor-reports")
    page.get_by_role("row").filter(has_text=reference).get_by_role("link", name="Review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Report {reference}")
    match = page.get_by_role("listitem").filter(has_text=SELLER)
    expect(match).to_contain_text("Tan Mei Ling")
    expect(match).to_contain_text(SHOP)
    match.get_by_label("I have checked that this account belongs to someone under 18").check()
    match.get_by_role("button", name="Propose erasing this account").click()
    expect(page.get_by_role("status")).to_contain_text("Erasure proposed.")
    match = page.get_by_role("listitem").filter(has_text=SELLER)
    expect(match).to_contain_text(f"Erasure proposed by {REVIEWER}")
    expect(match.get_by_role("link", name="Erase this account now…")).to_have_count(0)
    page.get_by_role("button", name="Log out").click()

    # An admin, a second person, finds it from the back-office home and confirms it.
    log_in(page, live_server, ADMIN)
    expect(page).to_have_url(f"{base}/admin/")
    page.get_by_role("link", name=f"account {seller_id}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Report {reference}")
    match = page.get_by_role("listitem").filter(has_text=SELLER)
    match.get_by_role("link", name="Erase this account now…").click()
    # A page of its own says what goes, before the red button.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Erase the account of")
    page.get_by_label("I have checked that this account belongs to someone under 18").check()
    page.get_by_role("button", name="Erase this account now").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Confirmed. The account and its files were erased"
    )
    expect(page).to_have_url(f"{base}/admin/minor-reports")
    expect(page.get_by_text("No open reports.")).to_be_visible()
    page.get_by_role("button", name="Log out").click()

    # The files are gone, the seller cannot log in, and the reporter knows the outcome.
    assert stored_files(live_server) == []
    log_in(page, live_server, SELLER)
    expect(page.get_by_role("status")).to_contain_text(
        "The email or password is not right. Please try again."
    )
    expect(page).to_have_url(f"{base}/auth/login")
    outcome = wait_for_email_about(live_server, REPORTER, "the data was deleted")
    assert reference in outcome["Subject"]
    assert page_errors == []
