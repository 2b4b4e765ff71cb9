"""Registration: consent with proof, the age gate, validation, and no account enumeration."""

from __future__ import annotations

import logging
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from portal.auth.models import User
from portal.extensions import db
from portal.policy.models import ConsentRecord
from tests.support import body_html, body_text, make_seller, registration_form, without_tokens

KL = ZoneInfo("Asia/Kuala_Lumpur")


def _years_ago(years: int, days: int = 0) -> str:
    today = datetime.now(KL).date()
    try:
        born = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        born = today.replace(year=today.year - years, day=28)
    return date.fromordinal(born.toordinal() + days).isoformat()


def _row_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def test_form_shows_labels_and_unticked_consent_naming_the_version(client):
    page = client.get("/auth/register").get_data(as_text=True)
    for label in ("Full legal name", "Email", "Password", "Phone number", "Day", "Month", "Year"):
        assert f">{label}</label>" in page
    # The date of birth is three boxes under one legend (the GOV.UK date input).
    assert '<legend class="field__label">Date of birth</legend>' in page
    assert page.count('inputmode="numeric"') == 3
    assert "For example, 27 3 1990" in page
    assert 'type="date"' not in page
    assert "I have read and accept the" in page and "(version 1)" in page
    assert 'href="/privacy/1"' in page
    consent_input = page[page.index('id="consent"') - 80 : page.index('id="consent"') + 80]
    assert "checked" not in consent_input


def test_register_keeps_proof_of_consent_and_sends_verification(client, app, mailbox):
    response = client.post(
        "/auth/register",
        data=registration_form(phone="012-345 6789"),
        headers={"User-Agent": "Mozilla/5.0 (Test) Registration", "X-Forwarded-For": "1.2.3.4"},
        environ_base={"REMOTE_ADDR": "198.51.100.7"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/check-email"

    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "aisyah@example.com"))
        assert user.full_name == "Nur Aisyah binti Ahmad"
        assert user.phone_e164 == "+60123456789"
        assert user.date_of_birth == date(1994, 3, 8)
        assert user.email_verified_at is None
        assert user.password_hash.startswith("bcrypt-sha256$")
        assert user.locale == "en"
        consent = db.session.scalar(select(ConsentRecord).where(ConsentRecord.user_id == user.id))
        assert consent.policy_version.version == 1
        assert consent.ip_address == "198.51.100.7"  # no proxy trusted by default
        assert consent.user_agent == "Mozilla/5.0 (Test) Registration"
        assert consent.context == "registration"
        assert (datetime.now(consent.accepted_at.tzinfo) - consent.accepted_at).total_seconds() < 60

    message = mailbox.last("aisyah@example.com")
    assert message["Subject"] == "Confirm your email address"
    assert "/auth/verify/" in body_text(message)
    assert "/auth/verify/" in body_html(message)
    # Sent to an address not yet proven: it carries no text the registrant chose.
    assert "Nur Aisyah binti Ahmad" not in body_text(message)


def test_the_language_registered_in_is_kept_for_email(client, app):
    client.post(
        "/auth/register", data=registration_form(), headers={"Accept-Language": "ms-MY,ms;q=0.9"}
    )
    with app.app_context():
        assert db.session.scalar(select(User.locale)) == "ms"


def test_email_is_stored_lower_case_and_trimmed(client, app):
    client.post("/auth/register", data=registration_form(email="  Aisyah@Example.COM "))
    with app.app_context():
        assert db.session.scalar(select(User.email)) == "aisyah@example.com"


@pytest.mark.parametrize(
    ("phone", "stored"),
    [
        ("0123456789", "+60123456789"),
        ("+60 12-345 6789", "+60123456789"),
        ("03-2123 4567", "+60321234567"),
        ("+65 6123 4567", "+6561234567"),
    ],
)
def test_phone_is_parsed_to_e164_with_malaysia_as_default(client, app, phone, stored):
    client.post("/auth/register", data=registration_form(phone=phone))
    with app.app_context():
        assert db.session.scalar(select(User.phone_e164)) == stored


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("full_name", "", "This field is required."),
        ("email", "not-an-email", "Enter a valid email address"),
        ("email", "someone@localhost", "Enter a valid email address"),
        ("password", "short-pw", "Use at least 12 characters."),
        ("password", "qwerty123456", "This password is too common."),
        ("password", "QWERTY123456", "This password is too common."),
        ("password", "aisyah@example.com", "must not be your email address"),
        ("date_of_birth", ("", "", ""), "Enter your date of birth."),
        ("date_of_birth", ("8", "", "1994"), "Date of birth must include a month."),
        ("date_of_birth", ("", "", "1994"), "Date of birth must include a day and month."),
        ("date_of_birth", ("8", "3", ""), "Date of birth must include a year."),
        ("date_of_birth", ("31", "2", "1994"), "Date of birth must be a real date."),
        ("date_of_birth", ("8", "March", "1994"), "Date of birth must be a real date."),
        ("date_of_birth", ("8", "3", "94"), "The year must have 4 numbers, like 1990."),
        ("date_of_birth", ("1", "1", "2999"), "cannot be in the future"),
        ("phone", "12", "Enter a valid phone number"),
        ("phone", "", "This field is required."),
        ("consent", None, "You must accept the privacy policy to register."),
    ],
)
def test_invalid_registration_shows_message_and_stores_nothing(client, app, field, value, message):
    response = client.post("/auth/register", data=registration_form(**{field: value}))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page
    assert 'aria-invalid="true"' in page
    # What was typed comes back (except the password), so nothing is lost.
    if field != "full_name":
        assert 'value="Nur Aisyah binti Ahmad"' in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_a_long_passphrase_is_accepted_in_full(client, app, auth):
    passphrase = "kopi " * 30  # 150 bytes: past bcrypt's 72-byte limit
    client.post("/auth/register", data=registration_form(password=passphrase))
    with app.app_context():
        user = db.session.scalar(select(User))
        user.email_verified_at = user.created_at
        db.session.commit()
    # Every character counts: the first 72 bytes alone are not the password.
    assert auth.login("aisyah@example.com", passphrase[:72]).status_code == 200
    assert auth.login("aisyah@example.com", passphrase).status_code == 302


def test_under_18_is_refused_kindly_and_nothing_is_stored_or_logged(client, app, mailbox, caplog):
    client.get("/auth/register")  # the form first, as a person opens it (its cookie: a CSRF token)
    with app.app_context():
        before = _row_counts()
    caplog.set_level(logging.DEBUG)
    caplog.clear()

    response = client.post(
        "/auth/register",
        data=registration_form(
            full_name="Adik Kecil", email="adik@example.com", date_of_birth=_years_ago(18, days=1)
        ),
    )

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "you must be 18 or older to register" in page
    assert "Adik" not in page and "adik@example.com" not in page
    with app.app_context():
        assert _row_counts() == before
    assert mailbox.messages() == []
    assert caplog.records == []
    assert "Set-Cookie" not in response.headers


def test_under_18_leaves_no_rate_limit_trace(make_app):
    app = make_app(RATELIMIT_SIGNUP_PER_IP="2 per minute")
    client = app.test_client()
    for n in range(3):
        client.post(
            "/auth/register",
            data=registration_form(email=f"kid{n}@example.com", date_of_birth=_years_ago(15)),
        )
    # Refused minors did not count: two adults still get through the 2-per-minute limit.
    for n in range(2):
        response = client.post("/auth/register", data=registration_form(email=f"a{n}@example.com"))
        assert response.status_code == 302
    assert client.post("/auth/register", data=registration_form()).status_code == 429


def test_exactly_18_today_may_register(client, app):
    response = client.post("/auth/register", data=registration_form(date_of_birth=_years_ago(18)))
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_duplicate_email_answers_the_same_and_tells_the_owner(client, app, mailbox):
    with app.app_context():
        make_seller("taken@example.com", full_name="Original Owner")
        before = _row_counts()

    fresh = client.post("/auth/register", data=registration_form(email="fresh@example.com"))
    duplicate = client.post(
        "/auth/register", data=registration_form(email="Taken@example.com", full_name="Intruder")
    )

    assert duplicate.status_code == fresh.status_code == 302
    assert duplicate.headers["Location"] == fresh.headers["Location"]
    assert without_tokens(client.get(duplicate.headers["Location"])) == without_tokens(
        client.get(fresh.headers["Location"])
    )
    with app.app_context():
        after = _row_counts()
        owner = db.session.scalar(select(User).where(User.email == "taken@example.com"))
        assert owner.full_name == "Original Owner"
    assert after["users"] == before["users"] + 1  # only fresh@ was created
    warning = mailbox.last("taken@example.com")
    assert warning["Subject"] == "Someone tried to register with your email address"
    assert "/auth/reset" in body_text(warning)
    assert "Intruder" not in body_text(warning)


def test_consent_must_name_the_current_version(client, app):
    response = client.post("/auth/register", data=registration_form(policy_version="0"))
    assert response.status_code == 200
    assert "The privacy policy has just been updated" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_logged_in_seller_is_sent_to_the_dashboard(client, seller, auth):
    auth.login()
    assert client.get("/auth/register").headers["Location"] == "/dashboard"
