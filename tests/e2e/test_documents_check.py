"""Issue 21, stumble 5: a seller can check the documents they sent, in a real browser.

Each test uploads real files through the form, as a seller does, and then: opens every page
of what was sent at a readable size; sees both sides of a two-sided MyKad, front and back,
each openable; meets a confirmation page naming what will be lost before a delete; and finds
each file input drawn as a button with the accepted types and the size limit beside it. The
pages stay within a phone's width at 320 and 390 px.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import Page, expect
from sqlalchemy import select

from portal import formatting
from portal.documents.models import Document
from portal.extensions import db
from tests.e2e.conftest import LiveServer, laid_out, log_in
from tests.e2e.test_documents import expect_loaded, file_input, record_errors
from tests.support import make_seller

SELLER = "siti.check@example.com"


def card(path: Path, size: tuple[int, int], colour: tuple[int, int, int]) -> Path:
    """A phone photo of one side of a card: a coloured card with lines of print on it."""
    image = Image.new("RGB", size, (240, 240, 235))
    draw = ImageDraw.Draw(image)
    width, height = size
    draw.rounded_rectangle((30, 30, width - 30, height - 30), radius=30, fill=colour)
    for line in range(5):
        y = 80 + line * 50
        draw.line((60, y, width - 60, y), fill=(20, 20, 20), width=8)
    image.save(path, "JPEG", quality=90)
    return path


def statement(path: Path, pages: int) -> Path:
    """A bank statement scanned to a PDF of ``pages`` A4 pages at 150 dpi."""
    drawn = [
        card(path.with_name(f"page-{n}.jpg"), (1240, 1754), (250, 250, 250)) for n in range(pages)
    ]
    first, *rest = [Image.open(p) for p in drawn]
    first.save(path, "PDF", resolution=150, save_all=True, append_images=rest)
    return path


def send_mykad(page: Page, base: str, tmp_path: Path) -> None:
    """Front (landscape, blue) and back (a taller picture, green), chosen together."""
    front = card(tmp_path / "mykad-front.jpg", (1600, 1000), (60, 110, 200))
    back = card(tmp_path / "mykad-back.jpg", (1500, 1100), (60, 170, 90))
    page.goto(f"{base}/documents/")
    identity = page.locator("#identity")
    identity.get_by_label("MyKad (front and back)").check()
    identity.get_by_label("MyKad number").fill("880701-14-5678")  # make_seller's birthday
    file_input(identity, "Identity document").set_input_files([front, back])
    identity.get_by_role("button", name="Send identity document").click()
    expect(page.get_by_role("status")).to_contain_text("We will check it")


def natural_size(page: Page) -> tuple[int, int]:
    """The size of the picture the browser shows on its own (an opened image)."""
    image = page.locator("img").first
    page.wait_for_function("el => el.complete && el.naturalWidth > 0", arg=image.element_handle())
    return image.evaluate("el => [el.naturalWidth, el.naturalHeight]")


@pytest.fixture
def seller(live_server: LiveServer, browser_page: Page) -> tuple[Page, str]:
    with live_server.app.app_context():
        make_seller(SELLER)
    log_in(browser_page, live_server, SELLER, "/dashboard")
    return browser_page, live_server.url


def test_each_page_of_a_pdf_opens_at_a_readable_size(seller, tmp_path):
    page, base = seller
    errors = record_errors(page)
    page.goto(f"{base}/documents/")
    bank = page.locator("#bank-proof")
    file_input(bank, "Proof of bank account").set_input_files(
        statement(tmp_path / "statement.pdf", 2)
    )
    bank.get_by_role("button", name="Send proof of bank account").click()
    expect(page.get_by_role("status")).to_contain_text("We will check it")

    bank = page.locator("#bank-proof")
    for number in (1, 2):
        expect_loaded(bank.locator("img").nth(number - 1))
        expect(
            bank.get_by_role("link", name=f"Your proof of bank account: Page {number}")
        ).to_be_visible()
    href = bank.get_by_role("link", name="Page 2").get_attribute("href")
    response = page.goto(f"{base}{href}")
    assert response.status == 200
    headers = response.headers
    assert headers["content-type"] == "image/jpeg"  # a drawn copy, never the PDF itself
    assert headers["content-disposition"].startswith("inline;")
    assert headers["x-content-type-options"] == "nosniff"
    assert "no-store" in headers["cache-control"]
    width, height = natural_size(page)
    assert height > 1000 and width > 700  # an A4 page, readable: far above the 320 px thumbnail
    assert errors == []


def test_a_two_sided_mykad_shows_its_front_and_back(seller, tmp_path):
    page, base = seller
    errors = record_errors(page)
    send_mykad(page, base, tmp_path)

    identity = page.locator("#identity")
    expect(identity.locator(".document-page")).to_have_count(2)
    front = identity.get_by_role("link", name="Your identity document: Front")
    back = identity.get_by_role("link", name="Your identity document: Back")
    expect(front).to_contain_text("Front")
    expect(back).to_contain_text("Back")
    for image in identity.locator("img").all():
        expect_loaded(image)

    back.click()
    assert natural_size(page) == [1500, 1100]  # the back, at the size it was sent
    page.go_back()
    page.locator("#identity").get_by_role("link", name="Your identity document: Front").click()
    assert natural_size(page) == [1600, 1000]
    assert errors == []


def test_deleting_the_identity_document_asks_first(seller, live_server, tmp_path):
    page, base = seller
    errors = record_errors(page)
    send_mykad(page, base, tmp_path)
    with live_server.app.test_request_context():
        uploaded = db.session.scalar(select(Document.uploaded_at))
        when = formatting.day(uploaded)

    page.locator("#identity").get_by_role("link", name="Delete identity document").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete identity document?")
    expect(
        page.get_by_text(f"Your MyKad, both sides, uploaded {when}, will be deleted.")
    ).to_be_visible()
    confirm = page.get_by_role("button", name="Delete identity document")
    assert "button--danger" in confirm.get_attribute("class")
    laid_out(page)
    assert confirm.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(180, 35, 24)"

    # Changing one's mind keeps it; so does reloading the confirmation (a GET), and a POST
    # without the form's CSRF token is refused.
    page.reload()
    with live_server.app.app_context():
        document_id = db.session.scalar(select(Document.id))
    forged = page.request.post(f"{base}/documents/{document_id}/delete", max_redirects=0)
    assert forged.status == 400
    page.get_by_role("link", name="No, keep it").click()
    expect(page).to_have_url(f"{base}/documents/#identity")
    expect(page.locator("#identity .document-page")).to_have_count(2)

    page.locator("#identity").get_by_role("link", name="Delete identity document").click()
    page.get_by_role("button", name="Delete identity document").click()
    expect(page.get_by_role("status")).to_contain_text("Deleted.")
    expect(page.locator("#identity")).to_contain_text("Not sent yet.")
    with live_server.app.app_context():
        assert db.session.scalars(select(Document)).all() == []
    assert errors == []


def test_file_inputs_are_buttons_with_the_types_and_size_beside_them(seller, live_server):
    page, base = seller
    live_server.app.config["UPLOAD_MAX_BYTES"] = 5 * 1024 * 1024  # read, not written in
    page.goto(f"{base}/documents/")
    expected = {
        "Profile photo": "JPEG, PNG or WebP, up to 5 MB",
        "Identity document": "JPEG, PNG, WebP or PDF, up to 5 MB",
        "Proof of bank account": "JPEG, PNG, WebP or PDF, up to 5 MB",
        "Shop photo": "JPEG, PNG or WebP, up to 5 MB",
    }
    for label, rules in expected.items():
        chooser = file_input(page, label)
        expect(chooser).to_be_visible()
        expect(chooser.locator("xpath=..")).to_contain_text(rules)  # beside it
        described = chooser.get_attribute("aria-describedby").split()
        assert rules in [page.locator(f"#{id}").inner_text() for id in described]
        laid_out(page)
        button = chooser.evaluate(
            "el => { const s = getComputedStyle(el, '::file-selector-button');"
            " return [s.backgroundColor, s.borderTopColor, s.color, s.borderTopLeftRadius]; }"
        )
        # Drawn as our secondary button (white, teal border and text, rounded), not the
        # browser's grey "Choose File".
        assert button == ["rgb(255, 255, 255)", "rgb(15, 118, 110)", "rgb(15, 118, 110)", "8px"]


@pytest.mark.parametrize("width", [320, 390])
def test_the_documents_pages_fit_a_phone(seller, tmp_path, width):
    page, base = seller
    send_mykad(page, base, tmp_path)
    page.set_viewport_size({"width": width, "height": 844})
    for url in ("/documents/", None):
        if url:
            page.goto(f"{base}{url}")
        else:
            page.locator("#identity").get_by_role("link", name="Delete identity document").click()
            expect(page.get_by_role("heading", level=1)).to_have_text("Delete identity document?")
        scroll, client = laid_out(page).evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert scroll <= client, f"{page.url} is {scroll} px wide at {width} px"
