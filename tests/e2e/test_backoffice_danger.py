"""Issue 21, stumble 7: "Erase this account now" was the same green as "Approve", and some
destructive acts happened at the first press. Each now shows a red button on a page of its
own that says exactly what will be lost, and opening that page changes nothing."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from portal.auth.models import User
from portal.extensions import db
from portal.sharing.models import ThirdParty
from tests.e2e.backoffice import (
    ADMIN,
    REVIEWER,
    REVIEWER_NAME,
    SELLER,
    SELLER_NAME,
    people,
    seller_uploads_mykad,
)
from tests.e2e.conftest import change_hands, laid_out, log_in


def _is_red(locator) -> bool:
    """The button is drawn in the portal's error colour, not its primary green."""
    laid_out(locator.page)
    colour = locator.evaluate("element => getComputedStyle(element).backgroundColor")
    red, green, blue = (int(part) for part in colour[colour.index("(") + 1 : -1].split(",")[:3])
    return red > green and red > blue


def _account(app, email: str):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        return None if user is None else (user.status, user.disabled_at)


def test_erasing_an_under_age_account_says_what_goes_first(live_server, browser_page, tmp_path):
    people(live_server.app, other_admin=True)
    page = browser_page
    document_id = seller_uploads_mykad(page, live_server, tmp_path)

    # A reviewer sees a date of birth 15 years ago and proposes the erasure.
    log_in(page, live_server, REVIEWER, landing="/admin/")
    page.goto(f"{live_server.url}/admin/documents/{document_id}")
    page.get_by_label("The document shows this seller is under 18").check()
    page.get_by_role("button", name="Propose erasing this account").click()
    expect(page.get_by_role("status")).to_contain_text("Erasure proposed")
    change_hands(page)

    # A second administrator opens the document and finds the red button.
    log_in(page, live_server, ADMIN, landing="/admin/")
    page.goto(f"{live_server.url}/admin/documents/{document_id}")
    erase = page.get_by_role("link", name="Erase this account now…")
    expect(erase).to_be_visible()
    assert _is_red(erase)
    assert _is_red(page.get_by_role("button", name="Approve")) is False
    erase.click()

    # A page of its own names the account and everything that goes with it.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Erase the account of {SELLER_NAME} now?"
    )
    main = page.locator("main")
    expect(main).to_contain_text("cannot be undone")
    expect(main).to_contain_text(SELLER)
    expect(main).to_contain_text("1 document")
    expect(main).to_contain_text("No bank details")
    expect(main).to_contain_text("notification")
    assert _account(live_server.app, SELLER)[0] == "frozen"  # opening the page erased nothing

    button = page.get_by_role("button", name="Erase this account now")
    assert _is_red(button)
    page.get_by_label("The document shows this seller is under 18").check()
    button.click()
    expect(page.get_by_role("status")).to_contain_text("erased")
    assert _account(live_server.app, SELLER) is None


def test_disabling_a_member_of_staff_asks_first(live_server, browser_page):
    people(live_server.app)
    page = browser_page
    log_in(page, live_server, ADMIN, landing="/admin/")
    page.get_by_role("link", name="Staff accounts").click()
    disable = page.get_by_role("row").filter(has_text=REVIEWER).get_by_text("Disable")
    assert _is_red(disable)
    disable.click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Disable the account of {REVIEWER_NAME}?"
    )
    expect(page.locator("main")).to_contain_text("logged out of every device at once")
    assert _account(live_server.app, REVIEWER)[1] is None  # still enabled
    button = page.get_by_role("button", name="Disable this account")
    assert _is_red(button)
    button.click()
    expect(page.get_by_role("status")).to_contain_text("is disabled and logged out everywhere")
    assert _account(live_server.app, REVIEWER)[1] is not None


def test_retiring_a_third_party_asks_first(live_server, browser_page):
    people(live_server.app)
    with live_server.app.app_context():
        name = db.session.scalar(
            select(ThirdParty.name).where(ThirdParty.retired_at.is_(None)).order_by(ThirdParty.id)
        )
    page = browser_page
    log_in(page, live_server, ADMIN, landing="/admin/")
    page.get_by_role("link", name="Open the registry").click()
    retire = page.get_by_role("row").filter(has_text=name).get_by_text("Retire")
    assert _is_red(retire)
    retire.click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Retire {name}?")
    expect(page.locator("main")).to_contain_text(f"Nothing more about any seller is sent to {name}")
    with live_server.app.app_context():
        party = db.session.scalar(select(ThirdParty).where(ThirdParty.name == name))
        assert party.active  # opening the page retired nothing
    page.get_by_role("button", name=f"Retire {name}").click()
    expect(page.get_by_role("status")).to_contain_text("is retired")
