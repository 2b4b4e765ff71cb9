"""Changing the email: a link to the new address (24 h), an alert to the old one, and no
change at all until the link is used."""

from __future__ import annotations

from datetime import timedelta

from portal.auth.models import User
from portal.extensions import db
from portal.profile import reachability
from portal.profile.models import ProfileChange, SellerReachability
from tests.support import PASSWORD, body_text, expire_reauth, link_in, make_seller

NEW = "mei.ling@example.net"


def _email_of(app, user_id):
    with app.app_context():
        return db.session.get(User, user_id).email


def _subjects(mailbox, to):
    return [m["Subject"] for m in mailbox.messages(to=to)]


def _ask(client, new=NEW):
    return client.post("/profile/email", data={"new_email": new})


def test_the_change_waits_for_the_link_and_tells_both_addresses(app, client, seller, auth, mailbox):
    auth.login()
    response = _ask(client, "  Mei.Ling@Example.NET ")
    assert response.status_code == 302
    assert _email_of(app, seller["id"]) == seller["email"]  # nothing changed yet

    alert = mailbox.last(seller["email"])
    assert "change of email address" in alert["Subject"]
    assert "m•••••••@example.net" in body_text(alert)
    confirm = mailbox.last(NEW)
    assert "24 hours" in body_text(confirm)
    link = link_in(confirm, "/profile/email/confirm/")

    page = client.get(link)
    assert page.status_code == 200
    assert "Use this email address" in page.get_data(as_text=True)
    assert _email_of(app, seller["id"]) == seller["email"]  # opening is not confirming

    done = client.post(link, follow_redirects=True)
    assert f"Your email address is now {NEW}" in done.get_data(as_text=True)
    assert _email_of(app, seller["id"]) == NEW

    # Each security email exactly once: the request alert and the "changed" notice to the
    # old address, the confirmation to the new one.
    old_subjects = _subjects(mailbox, seller["email"])
    assert len(old_subjects) == 2
    assert sum("was changed" in s for s in old_subjects) == 1
    assert len(_subjects(mailbox, NEW)) == 1

    with app.app_context():
        change = db.session.query(ProfileChange).filter_by(field="email").one()
        assert (change.old_value, change.new_value) == (seller["email"], NEW)


def test_the_link_works_once(app, client, seller, auth, mailbox):
    auth.login()
    _ask(client)
    link = link_in(mailbox.last(NEW), "/profile/email/confirm/")
    client.post(link)
    again = client.post(link)
    assert again.status_code == 302  # "already used", not an error page
    assert len(_subjects(mailbox, seller["email"])) == 2  # no second "changed" notice


def test_the_link_expires_after_24_hours(app, make_app, seller, mailbox):
    client = app.test_client()
    client.post("/auth/login", data={"email": seller["email"], "password": PASSWORD})
    _ask(client)
    link = link_in(mailbox.last(NEW), "/profile/email/confirm/")
    later = make_app(EMAIL_CHANGE_MAX_AGE=timedelta(seconds=-1)).test_client()
    page = later.get(link)
    assert page.status_code == 400
    assert "This link has expired" in page.get_data(as_text=True)
    assert _email_of(app, seller["id"]) == seller["email"]


def test_asking_needs_the_password_again(app, client, seller, auth, mailbox):
    auth.login()
    with app.app_context():
        expire_reauth(seller["id"])
    assert client.get("/profile/email").headers["Location"] == "/auth/confirm?next=/profile/email"
    _ask(client)
    assert mailbox.messages(to=NEW) == []


def test_an_address_in_use_is_answered_alike_and_its_owner_told(
    app, client, seller, other_seller, auth, mailbox
):
    auth.login()
    free = _ask(client, "free@example.com")
    taken = _ask(client, other_seller["email"])
    assert free.status_code == taken.status_code == 302
    assert free.headers["Location"] == taken.headers["Location"]
    owner_mail = mailbox.last(other_seller["email"])
    assert "Someone tried to move" in owner_mail["Subject"]
    assert "/profile/email/confirm/" not in body_text(owner_mail)
    assert _email_of(app, seller["id"]) == seller["email"]


def test_an_address_taken_after_the_request_cannot_be_confirmed(app, client, seller, auth, mailbox):
    auth.login()
    _ask(client)
    link = link_in(mailbox.last(NEW), "/profile/email/confirm/")
    with app.app_context():
        make_seller(NEW, full_name="Someone Quicker")
    page = client.post(link)
    assert page.status_code == 400
    assert "already in use" in page.get_data(as_text=True)
    assert _email_of(app, seller["id"]) == seller["email"]


def test_the_current_address_is_refused_with_a_message(client, seller, auth, mailbox):
    auth.login()
    page = _ask(client, seller["email"].upper()).get_data(as_text=True)
    assert "This is already your email address." in page
    assert len(mailbox.messages()) == 0


def test_a_forged_link_does_nothing(app, client, seller, auth):
    auth.login()
    page = client.post("/profile/email/confirm/not-a-real-token")
    assert page.status_code == 400
    assert _email_of(app, seller["id"]) == seller["email"]


def test_a_new_address_clears_the_unreachable_flag(app, client, seller, auth, mailbox):
    from portal.clock import utcnow

    with app.app_context():
        db.session.add(
            SellerReachability(user_id=seller["id"], email_failures=4, unreachable_since=utcnow())
        )
        db.session.commit()
    auth.login()
    _ask(client)
    client.post(link_in(mailbox.last(NEW), "/profile/email/confirm/"))
    with app.app_context():
        user = reachability.state_of(seller["id"])
        assert (user.email_failures, user.unreachable_since) == (0, None)
