"""Photographs and identification documents in a real browser: a seller uploads a profile
photo and sees it; sends a passport page that a reviewer approves from the queue, with the
decision shown to the seller and emailed; and a file over the limit gets our error page,
not a dropped connection."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

from PIL import Image, ImageDraw
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import select

from portal.extensions import db
from portal.outbox.models import OutboxMessage
from tests.e2e.conftest import LiveServer, log_in
from tests.livesite import build_app, serve
from tests.support import make_seller, make_staff

SELLER = "aminah.e2e@example.com"
REVIEWER = "reviewer.e2e@example.com"


def picture(path: Path, size: tuple[int, int] = (800, 600)) -> Path:
    """A drawn picture, like a phone photo of a shop front or a document page."""
    image = Image.new("RGB", size, (235, 228, 210))
    draw = ImageDraw.Draw(image)
    width, height = size
    draw.rectangle((40, 40, width - 40, height - 40), outline=(30, 60, 120), width=8)
    draw.ellipse((80, 80, 80 + height // 3, 80 + height // 3), fill=(200, 120, 60))
    for line in range(6):
        y = height // 2 + line * 30
        draw.line((width // 3, y, width - 80, y), fill=(40, 40, 40), width=6)
    image.save(path, "JPEG")
    return path


def noise_jpeg(path: Path, size: tuple[int, int]) -> Path:
    """A valid JPEG that barely compresses: random pixels at high quality."""
    generator = random.Random(7)
    raw = generator.randbytes(size[0] * size[1] * 3)
    Image.frombytes("RGB", size, raw).save(path, "JPEG", quality=95)
    return path


def expect_loaded(image: Locator) -> None:
    """Visible, and the browser decoded it: a broken <img> has naturalWidth 0."""
    expect(image).to_be_visible()
    image.page.wait_for_function("el => el.complete", arg=image.element_handle(), timeout=10_000)
    assert image.evaluate("el => el.naturalWidth") > 0


def file_input(scope: Page | Locator, label: str) -> Locator:
    """The file input with ``label`` (its section is labelled by the same words)."""
    return scope.locator("input[type=file]").and_(scope.get_by_label(label, exact=True))


def decision_email(live_server, address: str):
    """The seller's decision email: queued once in the outbox, then handed over after the
    response (even when Chromium resets the connection after reading the redirect)."""
    with live_server.app.app_context():
        kinds = db.session.scalars(
            select(OutboxMessage.kind).where(OutboxMessage.recipient == address)
        ).all()
    assert kinds == ["document_approved"]
    return live_server.wait_for_email(address)


def record_errors(page: Page) -> list[str]:
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def test_upload_a_profile_photo_and_see_it(live_server, browser_page, tmp_path):
    with live_server.app.app_context():
        make_seller(SELLER)
    page, base = browser_page, live_server.url
    page_errors = record_errors(page)
    photo = picture(tmp_path / "me.jpg")

    log_in(page, live_server, SELLER, "/dashboard")
    page.goto(f"{base}/documents/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Photos and documents")
    file_input(page, "Profile photo").set_input_files(photo)
    page.get_by_role("button", name="Upload photo").click()

    expect(page.get_by_role("status")).to_contain_text("Your photo is saved.")
    expect(page.get_by_role("link", name="Your profile photo: Open full size")).to_be_visible()
    expect_loaded(page.locator("#photos img"))
    expect(page.get_by_role("button", name="Replace photo")).to_be_visible()
    assert page_errors == []


def test_identity_document_is_reviewed_and_approved(live_server, browser_page, tmp_path):
    with live_server.app.app_context():
        make_seller(SELLER)
        make_staff(REVIEWER, "reviewer")
    page, base = browser_page, live_server.url
    page_errors = record_errors(page)
    scan = tmp_path / "passport.pdf"
    with Image.open(picture(tmp_path / "passport.jpg", (1240, 1754))) as page_image:
        page_image.save(scan, "PDF", resolution=150)  # a one-page A4 scan at 150 dpi

    # The seller sends the photo page of a passport.
    log_in(page, live_server, SELLER, "/dashboard")
    page.goto(f"{base}/documents/")
    identity = page.locator("#identity")
    identity.get_by_label("Passport (photo page)").check()
    identity.get_by_label("Passport number").fill("A12345678")
    identity.get_by_label("Passport issuing country").select_option("MY")
    expiry = identity.get_by_role("group", name="Passport expiry date")
    expiry.get_by_label("Day").fill("27")
    expiry.get_by_label("Month").fill("3")
    expiry.get_by_label("Year").fill(str(date.today().year + 5))
    file_input(identity, "Identity document").set_input_files(scan)
    identity.get_by_role("button", name="Send identity document").click()
    expect(page.get_by_role("status")).to_contain_text("We will check it")
    expect(page.locator("#identity")).to_contain_text("Waiting for review")
    expect(page.get_by_role("link", name="Your identity document: Open full size")).to_be_visible()
    expect_loaded(page.locator("#identity img"))
    page.get_by_role("button", name="Log out").click()

    # A reviewer finds it in the queue and approves it, looking at the drawn page.
    log_in(page, live_server, REVIEWER, "/admin/")
    page.goto(f"{base}/admin/documents")
    expect(page.get_by_role("heading", level=1)).to_have_text("Documents to review")
    page.get_by_role("row").filter(has_text="Identity document").get_by_role(
        "link", name="Review"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review: Identity document")
    expect(page.get_by_text("Passport (photo page)")).to_be_visible()
    expect_loaded(page.get_by_role("img", name="Page 1 of the document"))
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("status")).to_contain_text("Approved. The seller has been told.")
    expect(page.get_by_text("Nothing to review. Well done.")).to_be_visible()
    page.get_by_role("button", name="Log out").click()

    # The seller sees the decision, and has it by email.
    log_in(page, live_server, SELLER, "/dashboard")
    page.goto(f"{base}/documents/")
    status = page.locator("#identity .status")
    expect(status).to_have_text("Approved")
    expect(page.locator("#identity")).not_to_contain_text("Waiting for review")
    message = decision_email(live_server, SELLER)
    assert message["Subject"] == "Your document was approved"
    assert "Identity document" in message.get_body(preferencelist=("plain",)).get_content()
    assert page_errors == []


def test_a_file_over_the_limit_shows_the_error_page(browser_page, tmp_path):
    app = build_app(tmp_path / "instance", "e2e-too-large")
    app.config["UPLOAD_MAX_BYTES"] = 1024 * 1024
    with app.app_context():
        make_seller(SELLER)
    big = noise_jpeg(tmp_path / "huge.jpg", (1800, 1400))  # about 3 MB
    assert big.stat().st_size > 2 * 1024 * 1024
    page = browser_page
    page_errors = record_errors(page)

    with serve(app) as base:
        log_in(page, LiveServer(base, tmp_path / "instance", app), SELLER, "/dashboard")
        page.goto(f"{base}/documents/")
        expect(page.get_by_text("Each file may be up to 1 MB.")).to_be_visible()
        file_input(page, "Profile photo").set_input_files(big)
        page.get_by_role("button", name="Upload photo").click()

        expect(page.get_by_role("heading", level=1)).to_have_text("That file is too large")
        expect(
            page.get_by_text("Each file may be at most 1 MB. Nothing was uploaded.")
        ).to_be_visible()
        page.get_by_role("link", name="Go back and try again").click()
        expect(page).to_have_url(f"{base}/documents/")
        expect(page.get_by_text("No profile photo yet.")).to_be_visible()
    assert page_errors == []
