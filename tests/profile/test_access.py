"""Who reaches the profile: every /profile route, walked from the URL map, for anonymous
visitors, staff, and a second seller trying to reach the first one's data."""

from __future__ import annotations

from sqlalchemy import func, select

from portal.auth.models import User
from portal.extensions import db
from portal.profile.models import ProfileChange
from tests.support import PASSWORD, link_in, make_staff, routes_under

# The email-change links are reached from a mailbox, so they stand on their token alone;
# the page after a cancel says only what to do next.
TOKEN_ROUTES = frozenset(
    {"/profile/email/confirm/<token>", "/profile/email/cancel/<token>", "/profile/email/cancelled"}
)


def _profile_routes(app):
    routes = routes_under(app, "/profile", exclude=TOKEN_ROUTES)
    assert len(routes) >= 10, routes
    return routes


def test_anonymous_visitors_are_sent_to_log_in(app, client):
    for method, url in _profile_routes(app):
        response = client.open(url, method=method)
        assert response.status_code == 302, (method, url)
        assert response.headers["Location"].startswith("/auth/login"), (method, url)


def test_staff_have_no_profile(app, client, auth):
    with app.app_context():
        make_staff("admin@example.com", "admin")
    auth.login("admin@example.com", PASSWORD)
    for method, url in _profile_routes(app):
        assert client.open(url, method=method).status_code == 404, (method, url)


def _fill_in_everything(client):
    client.post(
        "/profile/personal",
        data={
            "personal-full_name": "Tan Mei Ling",
            "personal-display_name": "Secret Batik Shop",
            "personal-date_of_birth": "1988-07-01",
        },
    )
    client.post(
        "/profile/address",
        data={
            "address-address_line1": "77 Lorong Rahsia",
            "address-city": "Ipoh",
            "address-postcode": "30000",
            "address-state": "MY-08",
            "address-country": "MY",
        },
    )
    client.post(
        "/profile/financial",
        data={"bank": "rhb", "holder_name": "Tan Mei Ling", "account_number": "700012349999"},
    )
    saved = client.post(
        "/profile/business",
        data={
            "business-selling_as": "company",
            "business-business_name": "Batik Rahsia Sdn Bhd",
            "business-ssm_number": "202001054321",
            "business-tin": "C5555512345",
        },
    )
    assert saved.status_code == 302, saved.get_data(as_text=True)


def test_a_seller_never_sees_or_changes_another_sellers_profile(
    app, make_app, seller, other_seller
):
    owner = app.test_client()
    owner.post("/auth/login", data={"email": seller["email"], "password": PASSWORD})
    _fill_in_everything(owner)
    with app.app_context():
        owner_changes = db.session.scalar(
            select(func.count())
            .select_from(ProfileChange)
            .where(ProfileChange.user_id == seller["id"])
        )

    intruder = app.test_client()
    intruder.post("/auth/login", data={"email": other_seller["email"], "password": PASSWORD})
    owner_values = (
        "Secret Batik Shop",
        "77 Lorong Rahsia",
        "9999",
        "700012349999",
        "Tan Mei Ling",
        "Batik Rahsia Sdn Bhd",
        "202001054321",
        "C5555512345",
        "•••• 2345",
    )
    for method, url in _profile_routes(app):
        if method != "GET":
            continue
        page = intruder.get(url, follow_redirects=True).get_data(as_text=True)
        for value in owner_values:
            assert value not in page, (url, value)
    # Every write lands on the intruder's own account, whatever the form says.
    intruder.post(
        "/profile/contact", data={"contact-phone": "+60198765432", "user_id": str(seller["id"])}
    )
    with app.app_context():
        assert db.session.get(User, seller["id"]).phone_e164 == "+60123456789"
        assert db.session.get(User, other_seller["id"]).phone_e164 == "+60198765432"
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(ProfileChange)
                .where(ProfileChange.user_id == seller["id"])
            )
            == owner_changes
        )


def test_an_email_change_link_does_not_work_for_another_logged_in_seller(
    app, seller, other_seller, mailbox
):
    owner = app.test_client()
    owner.post("/auth/login", data={"email": seller["email"], "password": PASSWORD})
    owner.post("/profile/email", data={"new_email": "new@example.com"})
    link = link_in(mailbox.last("new@example.com"), "/profile/email/confirm/")

    intruder = app.test_client()
    intruder.post("/auth/login", data={"email": other_seller["email"], "password": PASSWORD})
    for method in ("GET", "POST"):
        response = intruder.open(link, method=method)
        assert response.status_code == 400
        assert "new@example.com" not in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, seller["id"]).email == seller["email"]
        assert db.session.get(User, other_seller["id"]).email == other_seller["email"]
