"""Finding 6: our mail carried a stranger's text.

The attacker registered with a full legal name of "Ali\\nVisit https://evil.example" and
someone else's email address: the verification email, from Koopseri's own address, greeted
that person with the attacker's line and link (20 a minute per IP). The fix is in three
parts, each tested here through the forms, as a browser sends them:

- every single-line field of every form refuses line breaks and other control characters
  (a message next to the field, nothing stored, nothing sent);
- names (full legal name, shop name, account holder) refuse web addresses;
- mail to an address that has not proven itself (verification, a new email address) greets
  without the name, so it carries no text the sender chose.
"""

from __future__ import annotations

import html
import importlib
import inspect
import pkgutil
import re
from dataclasses import dataclass, field

import pytest
from flask_wtf import FlaskForm
from sqlalchemy import func, select

import portal
from portal.auth.models import User
from portal.extensions import db
from portal.forms import PortalForm
from portal.minor_reports.models import MinorReport
from portal.profile.models import BankAccount, ProfileChange, SellerProfile
from tests.support import PASSWORD, body_html, body_text, date_boxes, registration_form

ONE_LINE = "Write this on one line, without line breaks or invisible characters."
CONTROL_IN_TEXT = "This text contains invisible control characters. Please remove them."
WEB_ADDRESS = "A name cannot contain a web address."


def error_next_to(page: str, field_id: str) -> str:
    """The error text shown with the field whose input has ``field_id`` ("" if none)."""
    found = re.search(rf'id="{re.escape(field_id)}-error"[^>]*>(.*?)</p>', page, re.S)
    return html.unescape(found.group(1)) if found else ""


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


# --- registration: the attack as it was made ---------------------------------------------------


@pytest.mark.parametrize(
    ("full_name", "message"),
    [
        ("Ali\nVisit https://evil.example", ONE_LINE),
        ("Ali\r\nVisit evil", ONE_LINE),
        ("Ali\rVisit evil", ONE_LINE),
        ("Ali\x00bin Abu", ONE_LINE),
        ("Ali\tbin Abu", ONE_LINE),
        ("Ali \u202eelibom.live", ONE_LINE),  # shown backwards: "evil.mobile"
        ("Ali\u2028Visit evil", ONE_LINE),
        ("Ali\u200bbin Abu", ONE_LINE),
        ("Ali, claim your prize at https://evil.example", WEB_ADDRESS),
        ("Ali, claim your prize at www.evil.example", WEB_ADDRESS),
        ("Ali, claim your prize at evil.example/win", WEB_ADDRESS),
        ("Ali, bit.ly/prize", WEB_ADDRESS),
    ],
)
def test_registration_refuses_a_name_that_carries_text_for_someone_else(
    client, app, mailbox, full_name, message
):
    response = client.post(
        "/auth/register", data=registration_form(full_name=full_name, email="victim@example.com")
    )

    assert response.status_code == 400
    assert message in error_next_to(response.get_data(as_text=True), "full_name")
    assert _count(app, User) == 0
    assert mailbox.messages() == []


@pytest.mark.parametrize(
    "full_name",
    [
        "Nur Aisyah binti Ahmad",
        "Muthu a/l Raman",
        "A. Rahman bin Mohd. Ali",
        "陈美玲",
        "O'Neil-Tan",
    ],
)
def test_real_names_still_register(client, app, full_name):
    response = client.post("/auth/register", data=registration_form(full_name=full_name))
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(User.full_name)) == full_name


# --- mail to an address that has not proven itself -----------------------------------------------


def test_the_verification_email_does_not_carry_the_name(client, mailbox):
    client.post(
        "/auth/register",
        data=registration_form(full_name="Shopkeeper Jaya Bhd", email="someone@example.com"),
    )

    message = mailbox.last("someone@example.com")
    assert "Jaya" not in body_text(message)
    assert "Jaya" not in body_html(message)
    assert "Jaya" not in message["Subject"]


def test_the_email_change_confirmation_to_the_new_address_does_not_carry_the_name(
    app, client, seller, auth, mailbox
):
    with app.app_context():
        db.session.get(User, seller["id"]).full_name = "Shopkeeper Jaya Bhd"
        db.session.commit()
    auth.login()

    client.post("/profile/email", data={"new_email": "stranger@example.com"})

    message = mailbox.last("stranger@example.com")
    assert "Jaya" not in body_text(message) and "Jaya" not in body_html(message)


def test_the_warning_to_an_existing_account_and_the_report_receipt_echo_nothing(
    app, client, mailbox
):
    from tests.support import make_seller

    with app.app_context():
        make_seller("owner@example.com")
    app.config["MINOR_REPORT_MIN_SECONDS"] = 0
    client.post(
        "/auth/register",
        data=registration_form(full_name="Prize Desk Jaya", email="owner@example.com"),
    )
    page = client.get("/report-minor").get_data(as_text=True)
    started = re.search(r'name="started" type="hidden" value="([^"]+)"', page).group(1)
    client.post(
        "/report-minor",
        data={
            "reporter_name": "Prize Desk Jaya",
            "reporter_email": "reporter@example.com",
            "relationship": "other",
            "seller_hint": "Prize Desk Jaya",
            "description": "Prize Desk Jaya says hello",
            "website": "",
            "started": started,
        },
    )

    assert _count(app, MinorReport) == 1
    for recipient in ("owner@example.com", "reporter@example.com"):
        message = mailbox.last(recipient)
        assert "Jaya" not in body_text(message) and "Jaya" not in body_html(message)


# --- every single-line field of every form a seller or a visitor fills in ----------------------


@dataclass
class Case:
    url: str
    data: dict
    field: str  # the form field's name, as posted
    logged_in: bool = True
    value: str = "Ali\nVisit evil"
    extra: dict = field(default_factory=dict)


PERSONAL = {
    "personal-full_name": "Tan Mei Ling",
    "personal-display_name": "Kedai Mei",
    **date_boxes("personal-date_of_birth", "1988-07-01"),
}
ADDRESS = {
    "address-address_line1": "12 Jalan Ampang",
    "address-address_line2": "Level 3",
    "address-city": "Kuala Lumpur",
    "address-postcode": "50450",
    "address-state": "MY-14",
    "address-region": "",
    "address-country": "MY",
}
OVERSEAS = {**ADDRESS, "address-state": "other", "address-country": "SG", "address-region": "X"}
BANK = {"bank": "maybank", "bank_other": "", "holder_name": "Tan Mei Ling", "account_number": ""}
OTHER_BANK = {**BANK, "bank": "other", "bank_other": "Bank Kecil"}
TERMINATE = {"password": PASSWORD, "code": "", "confirmation": "TERMINATE"}
REGISTER = registration_form()
REPORT = {
    "reporter_name": "Siti",
    "reporter_email": "siti@example.com",
    "relationship": "parent",
    "seller_hint": "Kedai Comel",
    "description": "My daughter is 15.",
    "website": "",
}

CASES = {
    "register full name": Case("/auth/register", REGISTER, "full_name", logged_in=False),
    "register email": Case(
        "/auth/register", REGISTER, "email", logged_in=False, value="ali@example.com\nBcc: x"
    ),
    "register phone": Case(
        "/auth/register", REGISTER, "phone", logged_in=False, value="012-345\n6789"
    ),
    "log-in email": Case(
        "/auth/login",
        {"email": "", "password": PASSWORD},
        "email",
        logged_in=False,
        value="seller@example.com\nx",
    ),
    "reset email": Case(
        "/auth/reset", {"email": ""}, "email", logged_in=False, value="seller@example.com\nx"
    ),
    "report your name": Case("/report-minor", REPORT, "reporter_name", logged_in=False),
    "report your email": Case(
        "/report-minor", REPORT, "reporter_email", logged_in=False, value="a@example.com\nx"
    ),
    "report the seller": Case("/report-minor", REPORT, "seller_hint", logged_in=False),
    "profile full name": Case("/profile/personal", PERSONAL, "personal-full_name"),
    "profile shop name": Case("/profile/personal", PERSONAL, "personal-display_name"),
    "profile phone": Case(
        "/profile/contact", {"contact-phone": ""}, "contact-phone", value="012-345\n6789"
    ),
    "address line 1": Case("/profile/address", ADDRESS, "address-address_line1"),
    "address line 2": Case("/profile/address", ADDRESS, "address-address_line2"),
    "address city": Case("/profile/address", ADDRESS, "address-city"),
    "address postcode": Case("/profile/address", OVERSEAS, "address-postcode", value="SW1A\n1AA"),
    "address region": Case("/profile/address", OVERSEAS, "address-region"),
    "bank other name": Case("/profile/financial", OTHER_BANK, "bank_other"),
    "bank holder name": Case("/profile/financial", BANK, "holder_name"),
    "bank account number": Case("/profile/financial", BANK, "account_number", value="1234\n567890"),
    "new email": Case(
        "/profile/email", {"new_email": ""}, "new_email", value="new@example.com\nBcc: x"
    ),
    "terminate word": Case("/account/terminate", TERMINATE, "confirmation", value="TERMI\nNATE"),
    "two-factor code": Case("/account/two-factor", {"code": ""}, "code", value="123\n456"),
    "store address": Case(
        "/integrations/woocommerce",
        {"store_url": ""},
        "store_url",
        value="https://shop.example/\nhttps://evil.example",
    ),
}


def _snapshot(app) -> tuple:
    """What a refused form must leave as it was: accounts, profiles, bank details, the
    change history, reports."""
    with app.app_context():
        users = db.session.execute(
            select(User.email, User.full_name, User.phone_e164, User.status).order_by(User.id)
        ).all()
        profiles = db.session.execute(
            select(
                SellerProfile.display_name,
                SellerProfile.address_line1,
                SellerProfile.address_line2,
                SellerProfile.city,
                SellerProfile.postcode,
                SellerProfile.state,
                SellerProfile.country,
            )
        ).all()
        banks = db.session.execute(select(BankAccount.holder_name, BankAccount.bank_code)).all()
        counts = [
            db.session.scalar(select(func.count()).select_from(model))
            for model in (ProfileChange, MinorReport)
        ]
        return (users, profiles, banks, counts)


@pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))
def test_every_single_line_field_refuses_a_line_break(app, client, seller, auth, mailbox, case):
    app.config["MINOR_REPORT_MIN_SECONDS"] = 0
    if case.logged_in:
        auth.login()
        client.post("/profile/address", data=ADDRESS)  # saved before: must stay as it is
        client.get(case.url)  # a form page may set up what its POST needs
    if case.url == "/report-minor":
        page = client.get(case.url).get_data(as_text=True)
        case.data = {
            **case.data,
            "started": re.search(r'name="started" type="hidden" value="([^"]+)"', page).group(1),
        }
    before, mail_before = _snapshot(app), len(mailbox.messages())

    response = client.post(case.url, data={**case.data, case.field: case.value})

    page = response.get_data(as_text=True)
    assert response.status_code in (200, 400), page[:500]
    assert ONE_LINE in error_next_to(page, case.field)
    assert _snapshot(app) == before
    assert len(mailbox.messages()) == mail_before


def test_a_saved_section_keeps_its_values_when_another_is_refused(app, client, seller, auth):
    auth.login()
    client.post("/profile/address", data=ADDRESS)
    client.post("/profile/personal", data={**PERSONAL, "personal-display_name": "Kedai Mei"})
    before = _snapshot(app)

    response = client.post(
        "/profile/personal", data={**PERSONAL, "personal-full_name": "Tan\nwww.evil.example"}
    )

    assert ONE_LINE in error_next_to(response.get_data(as_text=True), "personal-full_name")
    assert _snapshot(app) == before


@pytest.mark.parametrize(
    ("field_name", "value", "message"),
    [
        ("personal-display_name", "Kedai Mei www.kedai.example", WEB_ADDRESS),
        ("personal-full_name", "Tan Mei Ling https://evil.example", WEB_ADDRESS),
    ],
)
def test_profile_names_refuse_web_addresses(app, client, seller, auth, field_name, value, message):
    auth.login()
    before = _snapshot(app)
    response = client.post("/profile/personal", data={**PERSONAL, field_name: value})
    assert message in error_next_to(response.get_data(as_text=True), field_name)
    assert _snapshot(app) == before


def test_a_text_area_keeps_line_breaks_but_refuses_other_control_characters(app, client):
    app.config["MINOR_REPORT_MIN_SECONDS"] = 0

    def send(description):
        page = client.get("/report-minor").get_data(as_text=True)
        started = re.search(r'name="started" type="hidden" value="([^"]+)"', page).group(1)
        return client.post(
            "/report-minor", data={**REPORT, "description": description, "started": started}
        )

    refused = send("She is 15.\x1b[2J\x00")
    assert refused.status_code == 400
    assert CONTROL_IN_TEXT in error_next_to(refused.get_data(as_text=True), "description")
    assert _count(app, MinorReport) == 0

    accepted = send("She is 15.\r\n\tShe opened the shop last week.")
    assert accepted.status_code == 200
    assert _count(app, MinorReport) == 1


# --- the structure that keeps it so ----------------------------------------------------------------


def _form_classes() -> list[type]:
    found = set()
    for module_info in pkgutil.walk_packages(portal.__path__, "portal."):
        module = importlib.import_module(module_info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, FlaskForm) and cls.__module__.startswith("portal."):
                found.add(cls)
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def test_every_form_in_the_portal_inherits_the_base_form():
    classes = _form_classes()
    assert len(classes) > 30  # the walk found the forms
    strays = [f"{c.__module__}.{c.__qualname__}" for c in classes if not issubclass(c, PortalForm)]
    assert strays == []
