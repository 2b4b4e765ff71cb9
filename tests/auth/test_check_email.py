"""The "check your email" pages: the address the link went to, masked, and "Send the link
again", which answers the same for every address (no account enumeration), mails only an
account that is waiting for a link, and is rate-limited per address and per client."""

from __future__ import annotations

import pytest

from tests.support import make_seller, registration_form, without_tokens

# Same first letter, same length, same domain: masked alike, so whole pages can be compared.
NEW = "siti1@example.com"
CONFIRMED = "siti2@example.com"
WAITING = "siti3@example.com"
UNKNOWN = "siti4@example.com"
MASKED = "s••••@example.com"


def _again(client):
    response = client.post("/auth/check-email")
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/check-email"
    return client.get("/auth/check-email")


def test_after_registering_the_page_shows_the_address_masked(client, mailbox):
    response = client.post("/auth/register", data=registration_form(email=NEW))
    assert response.headers["Location"] == "/auth/check-email"
    page = client.get("/auth/check-email").get_data(as_text=True)
    assert MASKED in page and NEW not in page
    assert "Send the link again" in page
    assert len(mailbox.messages(NEW)) == 1


def test_sending_again_mails_a_new_link_to_an_account_waiting_for_one(client, mailbox):
    client.post("/auth/register", data=registration_form(email=NEW))
    page = _again(client).get_data(as_text=True)
    assert "we have sent a new link" in page
    messages = mailbox.messages(NEW)
    assert [m["Subject"] for m in messages] == ["Confirm your email address"] * 2


def test_the_answer_is_the_same_for_a_new_and_an_already_confirmed_address(app, mailbox):
    with app.app_context():
        make_seller(CONFIRMED)
    answers = []
    for address in (NEW, CONFIRMED):
        client = app.test_client()
        registered = client.post("/auth/register", data=registration_form(email=address))
        assert registered.headers["Location"] == "/auth/check-email"
        first = without_tokens(client.get("/auth/check-email"))
        again = client.post("/auth/check-email")
        answers.append((first, again.status_code, again.headers["Location"]))
        answers.append(without_tokens(client.get("/auth/check-email")))
    assert answers[0] == answers[2] and answers[1] == answers[3]
    # Only the new account is sent a second link; the confirmed one got only its owner's
    # "someone tried to register" notice, once.
    assert len(mailbox.messages(NEW)) == 2
    assert [m["Subject"] for m in mailbox.messages(CONFIRMED)] == [
        "Someone tried to register with your email address"
    ]


@pytest.mark.parametrize("address", [CONFIRMED, UNKNOWN])
def test_a_reset_request_answers_alike_for_known_and_unknown(app, mailbox, address):
    with app.app_context():
        make_seller(CONFIRMED)
    client = app.test_client()
    sent = client.post("/auth/reset", data={"email": address})
    assert sent.status_code == 200
    page = sent.get_data(as_text=True)
    assert MASKED in page and "Send the link again" in page
    page = _again(client).get_data(as_text=True)
    assert "If an account uses that address" in page and MASKED in page
    assert "we have sent a new link" in page
    expected = 2 if address == CONFIRMED else 0
    assert len(mailbox.messages(address)) == expected


def test_logging_in_unconfirmed_offers_the_link_again(app, client, mailbox):
    with app.app_context():
        make_seller(WAITING, verified=False)
    from tests.support import PASSWORD

    page = client.post("/auth/login", data={"email": WAITING, "password": PASSWORD})
    assert "Confirm your email address first" in page.get_data(as_text=True)
    assert MASKED in page.get_data(as_text=True)
    _again(client)
    assert len(mailbox.messages(WAITING)) == 2


@pytest.mark.parametrize("address", [NEW, CONFIRMED, UNKNOWN])
def test_sending_again_is_limited_per_address_the_same_for_every_address(app, address):
    with app.app_context():
        make_seller(CONFIRMED)
    limit = int(app.config["RATELIMIT_RESEND_PER_EMAIL"].split(" ")[0])
    client = app.test_client()
    if address == UNKNOWN:
        client.post("/auth/reset", data={"email": address})
    else:
        client.post("/auth/register", data=registration_form(email=address))
    for n in range(limit):
        # Each from its own client address: the per-address limit, not the per-IP one.
        ip = {"REMOTE_ADDR": f"198.51.100.{n + 1}"}
        assert client.post("/auth/check-email", environ_base=ip).status_code == 302
    refused = client.post("/auth/check-email", environ_base={"REMOTE_ADDR": "198.51.100.99"})
    assert refused.status_code == 429
    assert "Too many attempts" in refused.get_data(as_text=True)


def test_sending_again_is_limited_per_client_address(make_app):
    app = make_app(RATELIMIT_RESEND_PER_IP="2 per hour", RATELIMIT_RESEND_PER_EMAIL="100 per hour")
    client = app.test_client()
    for address in ("siti5@example.com", "siti6@example.com"):
        client.post("/auth/reset", data={"email": address})
        assert client.post("/auth/check-email").status_code == 302
    client.post("/auth/reset", data={"email": "siti7@example.com"})
    assert client.post("/auth/check-email").status_code == 429


def test_without_a_remembered_address_nothing_is_sent(client, mailbox):
    page = client.get("/auth/check-email").get_data(as_text=True)
    assert "Send the link again" not in page
    response = client.post("/auth/check-email")
    assert response.headers["Location"] == "/auth/login"
    assert mailbox.messages() == []
