"""Set-up shared by the back-office browser tests (tests/e2e/test_backoffice_*.py): the
people, and a seller's MyKad uploaded through the seller's own page, as it arrives in life."""

from __future__ import annotations

from sqlalchemy import select

from portal.documents.models import Document
from portal.extensions import db
from tests.documents.samples import jpeg
from tests.e2e.conftest import change_hands, laid_out
from tests.support import make_seller, make_staff

SELLER = "siti.kedai@example.com"
SELLER_NAME = "Siti Nurhaliza binti Tarudin"
ADMIN = "hafiz.admin@example.com"
ADMIN_NAME = "Hafiz bin Osman"
OTHER_ADMIN = "mei.ling.admin@example.com"
REVIEWER = "aisyah.review@example.com"
REVIEWER_NAME = "Aisyah binti Hassan"
PHONE = {"width": 390, "height": 844}
NARROW = {"width": 320, "height": 720}


def people(app, *, other_admin: bool = False) -> dict[str, int]:
    """A seller, an admin and a reviewer (each with a full name), by role; their ids."""
    with app.app_context():
        ids = {"seller": make_seller(SELLER, full_name=SELLER_NAME).id}
        for key, email, role, name in (
            ("admin", ADMIN, "admin", ADMIN_NAME),
            ("reviewer", REVIEWER, "reviewer", REVIEWER_NAME),
        ):
            member = make_staff(email, role)
            member.full_name = name
            ids[key] = member.id
        if other_admin:
            ids["other_admin"] = make_staff(OTHER_ADMIN, "admin").id
        db.session.commit()
    return ids


def seller_uploads_mykad(page, site, tmp_path, email: str = SELLER) -> int:
    """The seller logs in and sends both sides of their MyKad from their documents page, then
    logs out; the document's id."""
    from playwright.sync_api import expect

    from tests.e2e.conftest import log_in

    sides = []
    for side in ("front", "back"):
        path = tmp_path / f"mykad-{side}.jpg"
        path.write_bytes(jpeg())
        sides.append(path)
    log_in(page, site, email, landing="/dashboard")
    page.goto(f"{site.url}/documents/")
    identity = page.locator("#identity")
    identity.get_by_label("MyKad (front and back)").check()
    identity.get_by_label("MyKad number").fill("880701-14-5678")  # make_seller's birthday
    identity.locator("input[type=file]").and_(
        identity.get_by_label("Identity document", exact=True)
    ).set_input_files(sides)
    identity.get_by_role("button", name="Send identity document").click()
    expect(page.get_by_role("status")).to_contain_text("We will check it")
    change_hands(page)
    with site.app.app_context():
        return db.session.scalar(select(Document.id).where(Document.kind == "identity"))


def page_width(page) -> tuple[int, int]:
    return laid_out(page).evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
