"""The language switch, the order in which a page's language is chosen, dates per locale,
and mail in the recipient's language and time zone."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from flask_babel import force_locale, format_date, format_datetime, gettext

from portal.auth.models import User
from portal.extensions import db
from portal.i18n import COOKIE, speaking_to
from portal.policy.models import ConsentRecord
from tests.support import PASSWORD, AuthActions, registration_form


def _lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.get_data(as_text=True)).group(1)


def _malay(app, text: str) -> str:
    with app.test_request_context(), force_locale("ms"):
        translated = gettext(text)
    assert translated != text  # the catalogue is compiled and has it
    return translated


def test_the_browser_decides_until_the_visitor_chooses(app, client):
    assert _lang(client.get("/")) == "en"
    page = client.get("/", headers={"Accept-Language": "ms-MY,ms;q=0.9,en;q=0.5"})
    assert _lang(page) == "ms"
    assert _malay(app, "Log in") in page.get_data(as_text=True)

    switched = client.post("/language", data={"language": "en", "next": "/privacy"})
    assert switched.status_code == 302 and switched.headers["Location"] == "/privacy"
    cookie = next(c for c in switched.headers.getlist("Set-Cookie") if c.startswith(COOKIE))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Max-Age=31536000" in cookie
    # The choice now beats the browser's preference.
    assert _lang(client.get("/", headers={"Accept-Language": "ms"})) == "en"


def test_a_visitor_switches_to_malay_and_every_page_follows(app, client):
    client.post("/language", data={"language": "ms", "next": "/"})
    for path in ("/", "/auth/login", "/auth/register", "/privacy", "/third-parties", "/retention"):
        response = client.get(path)
        assert response.status_code == 200 and _lang(response) == "ms", path
    assert _malay(app, "Full legal name") in client.get("/auth/register").get_data(as_text=True)


def test_unknown_languages_and_foreign_targets_change_nothing(client):
    response = client.post("/language", data={"language": "fr", "next": "/privacy"})
    assert response.status_code == 302 and not response.headers.getlist("Set-Cookie")
    away = client.post("/language", data={"language": "ms", "next": "https://evil.example/"})
    assert away.headers["Location"] == "/"


def test_the_switch_is_a_form_with_a_csrf_token(make_app):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    page = client.get("/").get_data(as_text=True)
    form = re.search(r'<form method="post" action="/language".*?</form>', page, re.S).group(0)
    assert 'name="csrf_token"' in form and 'value="ms"' in form and 'value="en"' in form
    refused = client.post("/language", data={"language": "ms", "next": "/"})
    assert refused.status_code == 400 and not refused.headers.getlist("Set-Cookie")


def test_a_seller_s_choice_is_kept_in_the_account_and_their_mail_follows_it(
    app, client, seller, mailbox
):
    AuthActions(client).login(seller["email"], PASSWORD)
    client.post("/language", data={"language": "ms", "next": "/dashboard"})
    with app.app_context():
        assert db.session.get(User, seller["id"]).locale == "ms"

    other_browser = app.test_client()  # no cookie: the account decides
    AuthActions(other_browser).login(seller["email"], PASSWORD)
    assert _lang(other_browser.get("/dashboard")) == "ms"

    client.post("/auth/logout")
    app.test_client().post("/auth/reset", data={"email": seller["email"]})
    (reset,) = mailbox.messages(seller["email"])
    assert reset["Subject"] == _malay(app, "Reset your Koopseri password")


def test_another_seller_s_choice_does_not_leak(app, client, seller, other_seller):
    AuthActions(client).login(seller["email"], PASSWORD)
    client.post("/language", data={"language": "ms", "next": "/"})
    with app.app_context():
        assert db.session.get(User, other_seller["id"]).locale in (None, "en")


def test_dates_are_written_the_malay_way(app):
    with app.test_request_context():
        with force_locale("ms"):
            assert format_date(date(2026, 8, 1), "long") == "1 Ogos 2026"
        with force_locale("en"):
            assert format_date(date(2026, 8, 1), "long") == "August 1, 2026"


def test_mail_is_written_in_the_recipient_s_language_and_time_zone(app):
    moment = datetime(2026, 11, 25, 16, 30, tzinfo=UTC)
    with app.test_request_context():
        with speaking_to("ms", "Asia/Tokyo"):
            tokyo = format_datetime(moment, "HH:mm")
            month = format_date(moment, "MMMM")
        with speaking_to(None, None):
            default = format_datetime(moment, "HH:mm")
        after = format_datetime(moment, "HH:mm")
    assert tokyo == "01:30" and month == "November"
    assert default == "00:30" == after  # Kuala Lumpur, the portal's own time zone


def test_registration_in_malay_makes_a_malay_speaking_seller(app, client, mailbox):
    client.post("/language", data={"language": "ms", "next": "/"})
    client.post("/auth/register", data=registration_form())
    with app.app_context():
        user = db.session.query(User).filter_by(email="aisyah@example.com").one()
        assert user.locale == "ms"
        assert db.session.query(ConsentRecord.language).filter_by(user_id=user.id).scalar() == "ms"
    (verify,) = mailbox.messages("aisyah@example.com")
    assert verify["Subject"] == _malay(app, "Confirm your email address")
