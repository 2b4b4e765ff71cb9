"""Issue 23 in a real browser: a seller who sells as a company fills in the business details,
sends the SSM certificate, types a MyKad number that does not match their date of birth,
corrects it, and watches the dashboard's to-do list shrink; a reviewer approves what was sent
and the seller is verified.

The same journey runs for a seller who reads the portal in English and for one who reads it
in Bahasa Melayu (their account's language): the Malay words are the catalogue's own
(portal/translations/ms), written out here so that a missing or changed translation fails.

The seller starts with a postal address (nothing to do there) and a bank account in their
company's name, which differs from their own: the bank account is to do until the business
details name the company, and is then in the seller's own name without any proof.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from portal.auth.models import User
from portal.documents.models import Document, IdentityNumber
from portal.extensions import db
from portal.profile import services as profile
from tests.e2e.conftest import change_hands, log_in
from tests.e2e.test_documents import file_input, picture, record_errors
from tests.support import make_seller, make_staff

REVIEWER = "reviewer.verification@example.com"
ADDRESS = profile.Address(
    address_line1="12 Jalan Tun Razak",
    address_line2=None,
    city="Kuala Lumpur",
    postcode="50400",
    state="MY-14",
    country="MY",
)


@dataclass(frozen=True)
class Seller:
    email: str
    locale: str
    full_name: str
    date_of_birth: date
    company: str  # as typed into the business details
    holder_name: str  # the bank account's holder: the company, written the bank's way
    wrong_mykad: str  # a slip of the finger: the first six digits are not the date of birth
    mykad: str
    shown_mykad: str  # the number as the reviewer reads it (YYMMDD-PB-####)


@dataclass(frozen=True)
class Words:
    """What the seller reads, in their language."""

    labels: dict[str, str]  # the to-do items, by requirement
    states: dict[str, str]  # an item's state
    reasons: dict[str, str]  # why an item is asked for
    due_by: str  # before an item's deadline
    action_needed_by: str  # the status line while something is to do
    checking: str  # the status line while staff check what was sent
    verified: str
    nothing_asked: str
    company: str  # the way of selling
    business_name: str
    ssm_number: str
    tin: str
    save_business: str
    business_saved: str
    registration_document: str
    send_registration_document: str
    sent: str  # the flash after a document is sent
    mykad: str  # the type of identity document
    identity_document: str
    mykad_number: str
    send_identity_document: str
    problem: str  # the error summary's title
    nothing_saved: str
    not_sent: str  # the identity card before anything is sent
    mismatch: str  # the MyKad number against the date of birth (with the date filled in)
    log_out: str


ENGLISH = Words(
    labels={
        "identity": "Identity document and number",
        "bank": "Bank account in your own name",
        "business": "Business details",
    },
    states={
        "currently_due": "To do",
        "eventually_due": "Later",
        "pending_verification": "We are checking it",
    },
    reasons={
        "missing": "Not given yet.",
        "holder_name_differs": (
            "The account holder's name is not the name on your identity document or business "
            "registration: send a proof of bank account."
        ),
        "selling_as_missing": "Tell us whether you sell as an individual or as a business.",
        "registration_document_missing": (
            "Send your SSM certificate or business registration document."
        ),
    },
    due_by="due by",
    action_needed_by="Action needed by",
    checking="We are checking what you sent",
    verified="Verified",
    nothing_asked="Nothing is asked of you: everything is checked.",
    company="A company (Sdn Bhd or Bhd)",
    business_name="Registered business name",
    ssm_number="SSM registration number",
    tin="Tax identification number (TIN)",
    save_business="Save business details",
    business_saved="Your business details have been saved.",
    registration_document="SSM certificate or business registration document",
    send_registration_document="Send business registration document",
    sent="Thank you. We will check it and email you when it has been reviewed.",
    mykad="MyKad (front and back)",
    identity_document="Identity document",
    mykad_number="MyKad number",
    send_identity_document="Send identity document",
    problem="There is a problem",
    nothing_saved="Nothing has been saved yet.",
    not_sent="Not sent yet. We check it against the name and date of birth in your profile.",
    mismatch=(
        "The first six digits do not match the date of birth in your profile ({day}). Check "
        "the number on your MyKad; if your date of birth is wrong, correct it in your profile "
        "first."
    ),
    log_out="Log out",
)

MALAY = Words(
    labels={
        "identity": "Dokumen pengenalan diri dan nombornya",
        "bank": "Akaun bank atas nama anda sendiri",
        "business": "Butiran perniagaan",
    },
    states={
        "currently_due": "Perlu dibuat",
        "eventually_due": "Kemudian",
        "pending_verification": "Kami sedang menyemaknya",
    },
    reasons={
        "missing": "Belum diberikan.",
        "holder_name_differs": (
            "Nama pemegang akaun bukan nama pada dokumen pengenalan diri atau pendaftaran "
            "perniagaan anda: hantar bukti akaun bank."
        ),
        "selling_as_missing": (
            "Beritahu kami sama ada anda menjual sebagai individu atau sebagai perniagaan."
        ),
        "registration_document_missing": (
            "Hantar sijil SSM atau dokumen pendaftaran perniagaan anda."
        ),
    },
    due_by="perlu selesai selewat-lewatnya",
    action_needed_by="Tindakan diperlukan selewat-lewatnya",
    checking="Kami sedang menyemak apa yang anda hantar",
    verified="Disahkan",
    nothing_asked="Tiada apa yang diminta daripada anda: semuanya telah disemak.",
    company="Syarikat (Sdn Bhd atau Bhd)",
    business_name="Nama perniagaan berdaftar",
    ssm_number="Nombor pendaftaran SSM",
    tin="Nombor pengenalan cukai (TIN)",
    save_business="Simpan butiran perniagaan",
    business_saved="Butiran perniagaan anda telah disimpan.",
    registration_document="Sijil SSM atau dokumen pendaftaran perniagaan",
    send_registration_document="Hantar dokumen pendaftaran perniagaan",
    sent=(
        "Terima kasih. Kami akan menyemaknya dan menghantar e-mel kepada anda setelah ia disemak."
    ),
    mykad="MyKad (depan dan belakang)",
    identity_document="Dokumen pengenalan diri",
    mykad_number="Nombor MyKad",
    send_identity_document="Hantar dokumen pengenalan diri",
    problem="Terdapat masalah",
    nothing_saved="Belum ada apa-apa yang disimpan.",
    not_sent="Belum dihantar. Kami menyemaknya dengan nama dan tarikh lahir dalam profil anda.",
    mismatch=(
        "Enam digit pertama tidak sepadan dengan tarikh lahir dalam profil anda ({day}). Semak "
        "nombor pada MyKad anda; jika tarikh lahir anda salah, betulkannya dalam profil anda "
        "dahulu."
    ),
    log_out="Log keluar",
)

SELLERS = {
    "en": (
        Seller(
            email="mei.ling.company@example.com",
            locale="en",
            full_name="Tan Mei Ling",
            date_of_birth=date(1988, 7, 1),
            company="Kedai Tan Sdn. Bhd.",
            holder_name="KEDAI TAN SDN BHD",
            wrong_mykad="880107-14-5678",
            mykad="880701145678",
            shown_mykad="880701-14-5678",
        ),
        ENGLISH,
        "1 Jul 1988",
    ),
    "ms": (
        Seller(
            email="nurul.syarikat@example.com",
            locale="ms",
            full_name="Nurul Izzah binti Kamal",
            date_of_birth=date(1990, 8, 17),
            company="Kraftangan Nurul Sdn. Bhd.",
            holder_name="KRAFTANGAN NURUL SDN BHD",
            wrong_mykad="900718-10-5678",
            mykad="900817105678",
            shown_mykad="900817-10-5678",
        ),
        MALAY,
        "17 Ogo 1990",  # August, as Malay abbreviates it
    ),
}

SSM_NUMBER = "202001012345"  # registered in 2020, entity code 01: a company
TIN = "C23456789010"


def a_seller_with_a_company_account(site, seller: Seller) -> int:
    """The seller, their postal address, and a bank account in their company's name."""
    with site.app.app_context():
        user = make_seller(
            seller.email,
            full_name=seller.full_name,
            date_of_birth=seller.date_of_birth,
            locale=seller.locale,
        )
        profile.update_address(user, ADDRESS, actor=user)
        profile.update_financial(
            user, profile.Financial("maybank", None, seller.holder_name, "514433221100"), actor=user
        )
        db.session.commit()
        return user.id


def to_do_list(page: Page) -> dict[str, str]:
    """The dashboard's to-do list: each item's requirement and state, in the page's order."""
    items = page.locator("#verification li[data-requirement]")
    return dict(
        items.evaluate_all("items => items.map(i => [i.dataset.requirement, i.dataset.state])")
    )


def expect_to_do(page: Page, words: Words, site, **expected: tuple[str, str]) -> None:
    """On the dashboard, the to-do list holds exactly ``expected`` (requirement: (state,
    reason or "")), in order, each in words: its name, its state, a deadline when it is to do,
    and the reason."""
    page.goto(f"{site.url}/dashboard")
    items = page.locator("#verification li[data-requirement]")
    expect(items).to_have_count(len(expected))
    assert to_do_list(page) == {code: state for code, (state, _) in expected.items()}
    for code, (state, reason) in expected.items():
        item = page.locator(f"#verification li[data-requirement={code}]")
        expect(item.get_by_role("link")).to_have_text(words.labels[code])
        expect(item.locator(".status")).to_have_text(words.states[state])
        if state == "currently_due":
            expect(item).to_contain_text(re.compile(rf"{words.due_by} \d{{1,2}} \w+ \d{{4}}"))
        else:
            expect(item).not_to_contain_text(words.due_by)
        if reason:
            expect(item).to_contain_text(words.reasons[reason])


def status_line(page: Page):
    return page.locator("#verification .verification-status")


def two_sides(tmp_path: Path) -> list[Path]:
    return [picture(tmp_path / f"mykad-{side}.jpg", (856, 540)) for side in ("front", "back")]


def follow(page: Page, site, code: str, to: str) -> None:
    """From the dashboard, the to-do item's link, to where it leads."""
    page.locator(f"#verification li[data-requirement={code}]").get_by_role("link").click()
    expect(page).to_have_url(f"{site.url}{to}")


def send_mykad(page: Page, words: Words, number: str, sides: list[Path]) -> None:
    """On the documents page, both sides of a MyKad with ``number``."""
    identity = page.locator("#identity")
    identity.get_by_label(words.mykad).check()
    identity.get_by_label(words.mykad_number).fill(number)
    file_input(identity, words.identity_document).set_input_files(sides)
    identity.get_by_role("button", name=words.send_identity_document).click()


def identity_on_file(site, user_id: int) -> tuple[int, int]:
    """(identity documents, identity numbers) stored for the seller."""
    with site.app.app_context():
        documents = db.session.scalar(
            select(func.count())
            .select_from(Document)
            .where(Document.user_id == user_id, Document.kind == "identity")
        )
        numbers = db.session.scalar(
            select(func.count())
            .select_from(IdentityNumber)
            .where(IdentityNumber.user_id == user_id)
        )
    return documents, numbers


@pytest.mark.parametrize("language", ["en", "ms"])
def test_a_company_seller_gets_verified_step_by_step(live_server, browser_page, tmp_path, language):
    seller, words, birthday = SELLERS[language]
    user_id = a_seller_with_a_company_account(live_server, seller)
    with live_server.app.app_context():
        make_staff(REVIEWER, "reviewer")
    page, base = browser_page, live_server.url
    page_errors = record_errors(page)

    # The dashboard asks for the identity document and a bank account in the seller's own
    # name, and will ask how they sell; the address is given, so it is not in the list.
    log_in(page, live_server, seller.email, "/dashboard")
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect_to_do(
        page,
        words,
        live_server,
        identity=("currently_due", "missing"),
        bank=("currently_due", "holder_name_differs"),
        business=("eventually_due", "selling_as_missing"),
    )
    expect(status_line(page)).to_have_attribute("data-status", "action_needed")
    expect(status_line(page)).to_contain_text(words.action_needed_by)

    # Business details, from the dashboard's link: a company, its name, SSM number and TIN.
    follow(page, live_server, "business", "/profile/business")
    page.get_by_label(words.company, exact=True).check()
    page.get_by_label(words.business_name, exact=True).fill(seller.company)
    page.get_by_label(words.ssm_number, exact=True).fill(SSM_NUMBER)
    page.get_by_label(words.tin, exact=True).fill(TIN)
    page.get_by_role("button", name=words.save_business).click()
    expect(page).to_have_url(f"{base}/profile")
    expect(page.get_by_role("status")).to_contain_text(words.business_saved)

    # The bank account is now in the company's name, as a company's must be: done. The
    # business asks for its SSM certificate.
    expect_to_do(
        page,
        words,
        live_server,
        identity=("currently_due", "missing"),
        business=("currently_due", "registration_document_missing"),
    )

    # The SSM certificate, a one-page scan.
    certificate = tmp_path / "ssm-certificate.pdf"
    with Image.open(picture(tmp_path / "ssm.jpg", (1240, 1754))) as scan:
        scan.save(certificate, "PDF", resolution=150)
    follow(page, live_server, "business", "/documents/#business-registration")
    registration = page.locator("#business-registration")
    file_input(registration, words.registration_document).set_input_files(certificate)
    registration.get_by_role("button", name=words.send_registration_document).click()
    expect(page.get_by_role("status")).to_contain_text(words.sent)
    expect_to_do(
        page,
        words,
        live_server,
        identity=("currently_due", "missing"),
        business=("pending_verification", ""),
    )

    # The MyKad, with a number whose first six digits are not the date of birth: the error
    # is next to the number, and in the summary above the form; nothing is saved.
    sides = two_sides(tmp_path)
    follow(page, live_server, "identity", "/documents/#identity")
    send_mykad(page, words, seller.wrong_mykad, sides)
    message = words.mismatch.format(day=birthday)
    identity = page.locator("#identity")
    number = identity.get_by_label(words.mykad_number)
    error = identity.locator("#identity-mykad_number-error")
    expect(error).to_be_visible()
    expect(error).to_have_text(message)
    field = identity.locator(".field--error").filter(has=page.get_by_label(words.mykad_number))
    expect(field.locator(".field__error")).to_have_text(message)  # in the number's own box
    described_by = number.get_attribute("aria-describedby").split()
    assert "identity-mykad_number-error" in described_by
    expect(number).to_have_attribute("aria-invalid", "true")
    expect(number).to_have_value(seller.wrong_mykad)  # what was typed is kept
    summary = identity.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text(words.problem)
    expect(summary).to_contain_text(words.nothing_saved)
    expect(summary.get_by_role("link", name=message)).to_have_attribute(
        "href", "#identity-mykad_number"
    )
    assert identity_on_file(live_server, user_id) == (0, 0)
    page.goto(f"{base}/documents/")
    expect(page.locator("#identity")).to_contain_text(words.not_sent)
    expect(page.locator("#identity .status")).to_have_count(0)
    expect_to_do(
        page,
        words,
        live_server,
        identity=("currently_due", "missing"),
        business=("pending_verification", ""),
    )

    # Corrected, and sent again: nothing is left to do, two things wait for review.
    follow(page, live_server, "identity", "/documents/#identity")
    send_mykad(page, words, seller.mykad, sides)
    expect(page.get_by_role("status")).to_contain_text(words.sent)
    assert identity_on_file(live_server, user_id) == (1, 1)
    expect_to_do(
        page,
        words,
        live_server,
        identity=("pending_verification", ""),
        business=("pending_verification", ""),
    )
    expect(status_line(page)).to_have_attribute("data-status", "pending")
    expect(status_line(page)).to_have_text(words.checking)
    page.get_by_role("button", name=words.log_out).click()
    change_hands(page)

    # A reviewer approves both, reading the number the seller gave against the document.
    log_in(page, live_server, REVIEWER, "/admin/")
    for kind in ("Identity document", "SSM certificate or business registration document"):
        page.goto(f"{base}/admin/documents")
        page.get_by_role("row").filter(has=page.get_by_text(kind, exact=True)).get_by_role(
            "link", name="Review"
        ).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Review: {kind}")
        if kind == "Identity document":
            expect(page.locator(".identity-number__full")).to_have_text(seller.shown_mykad)
        page.get_by_role("button", name="Approve").click()
        expect(page.get_by_role("status")).to_contain_text("Approved. The seller has been told.")
    expect(page.get_by_text("Nothing to review. Well done.")).to_be_visible()
    page.get_by_role("button", name="Log out").click()
    change_hands(page)

    # The seller is verified: nothing is asked of them.
    log_in(page, live_server, seller.email, "/dashboard")
    expect_to_do(page, words, live_server)
    expect(status_line(page)).to_have_attribute("data-status", "verified")
    expect(status_line(page)).to_have_text(words.verified)
    expect(page.locator("#verification")).to_contain_text(words.nothing_asked)
    with live_server.app.app_context():
        assert db.session.get(User, user_id).locale == seller.locale
    assert page_errors == []
