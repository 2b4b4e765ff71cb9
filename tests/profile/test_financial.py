"""Bank details: encrypted at rest, masked everywhere, in full only after re-authentication,
and every change reported to the owner by email exactly once."""

from __future__ import annotations

from sqlalchemy import text

from portal.extensions import db
from portal.profile import services
from tests.support import PASSWORD, body_text, expire_reauth

BANK = {"bank": "maybank", "holder_name": "Tan Mei Ling", "account_number": "5140 1234 5678"}
NUMBER = "514012345678"


def _raw_bank_row(app, seller_id):
    with app.app_context():
        return (
            db.session.execute(
                text("SELECT * FROM bank_accounts WHERE user_id = :id"), {"id": seller_id}
            )
            .mappings()
            .one()
        )


def _bank_alerts(mailbox, email):
    return [m for m in mailbox.messages(to=email) if "bank details" in m["Subject"]]


def test_the_account_number_is_stored_encrypted_never_in_clear(app, client, seller, auth):
    auth.login()
    assert client.post("/profile/financial", data=BANK).status_code == 302
    row = _raw_bank_row(app, seller["id"])
    for value in row.values():
        assert NUMBER not in str(value)
        assert "5140 1234 5678" not in str(value)
    assert row["account_number"].startswith("dev1:")  # "<key id>:<ciphertext>"
    assert row["account_number_last4"] == "5678"
    assert len(row["account_number_digest"]) == 64
    with app.app_context():
        assert services.bank_account_of(seller["id"]).account_number == NUMBER


def test_the_number_is_masked_on_every_page_but_the_one_behind_reauth(app, client, seller, auth):
    auth.login()
    client.post("/profile/financial", data=BANK)
    for url in ("/profile", "/profile/history", "/profile/review", "/dashboard", "/account"):
        page = client.get(url).get_data(as_text=True)
        assert NUMBER not in page, url
    assert "•••• 5678" in client.get("/profile").get_data(as_text=True)
    assert NUMBER in client.get("/profile/financial/number").get_data(as_text=True)


def test_seeing_or_changing_bank_details_needs_the_password_again(app, client, seller, auth):
    auth.login()
    client.post("/profile/financial", data=BANK)
    with app.app_context():
        expire_reauth(seller["id"])

    response = client.get("/profile/financial/number")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/confirm?next=/profile/financial/number")

    changed = client.post(
        "/profile/financial",
        data={**BANK, "account_number": "999988887777"},
        headers={"Referer": "http://localhost/profile/financial"},
    )
    assert changed.headers["Location"] == "/auth/confirm?next=/profile/financial"
    with app.app_context():
        assert services.bank_account_of(seller["id"]).account_number == NUMBER

    wrong = client.post(
        "/auth/confirm", data={"password": "not it", "next": "/profile/financial/number"}
    )
    assert "The password is not right." in wrong.get_data(as_text=True)
    confirmed = client.post(
        "/auth/confirm", data={"password": PASSWORD, "next": "/profile/financial/number"}
    )
    assert confirmed.headers["Location"] == "/profile/financial/number"
    assert NUMBER in client.get("/profile/financial/number").get_data(as_text=True)


def test_a_bank_change_is_emailed_once_with_the_number_masked(app, client, seller, auth, mailbox):
    auth.login()
    client.post("/profile/financial", data=BANK)
    client.post("/profile/financial", data={**BANK, "account_number": "", "holder_name": "Tan M L"})
    alerts = _bank_alerts(mailbox, seller["email"])
    assert len(alerts) == 2  # one per save that changed something
    assert "ending in 5678" in body_text(alerts[-1])
    assert "http://127.0.0.1:5000/auth/reset" in body_text(alerts[-1])  # PUBLIC_URL; if not you
    for message in alerts:
        assert NUMBER not in message.as_string()

    # Saving the same details again changes nothing and sends nothing.
    client.post("/profile/financial", data={**BANK, "account_number": "", "holder_name": "Tan M L"})
    assert len(_bank_alerts(mailbox, seller["email"])) == 2


def test_leaving_the_number_empty_keeps_it(app, client, seller, auth):
    auth.login()
    client.post("/profile/financial", data=BANK)
    client.post("/profile/financial", data={**BANK, "bank": "cimb", "account_number": ""})
    with app.app_context():
        account = services.bank_account_of(seller["id"])
        assert (account.bank_code, account.account_number) == ("cimb", NUMBER)


def test_history_shows_bank_changes_masked(client, seller, auth):
    auth.login()
    client.post("/profile/financial", data=BANK)
    client.post("/profile/financial", data={**BANK, "account_number": "1122334455"})
    history = client.get("/profile/history").get_data(as_text=True)
    assert "•••• 5678" in history and "•••• 4455" in history
    assert NUMBER not in history and "1122334455" not in history
    assert "Maybank" in history


def test_other_bank_needs_its_name(app, client, seller, auth):
    auth.login()
    page = client.post("/profile/financial", data={**BANK, "bank": "other"}).get_data(as_text=True)
    assert "Enter the name of your bank." in page
    response = client.post(
        "/profile/financial", data={**BANK, "bank": "other", "bank_other": "Bank of Ipoh"}
    )
    assert response.status_code == 302
    assert "Bank of Ipoh" in client.get("/profile").get_data(as_text=True)


def test_invalid_bank_details_change_nothing(app, client, seller, auth, mailbox):
    auth.login()
    client.post("/profile/financial", data=BANK)
    before = dict(_raw_bank_row(app, seller["id"]))
    for bad in (
        {"account_number": "12-34"},
        {"account_number": "1234abcd5678"},
        {"bank": ""},
        {"bank": "not-a-bank"},
        {"holder_name": ""},
    ):
        page = client.post("/profile/financial", data={**BANK, **bad}).get_data(as_text=True)
        assert "Nothing has been saved yet." in page, bad
    assert dict(_raw_bank_row(app, seller["id"])) == before
    assert len(_bank_alerts(mailbox, seller["email"])) == 1


def test_the_keyed_hash_finds_sellers_sharing_an_account(app, client, seller, other_seller, auth):
    auth.login()
    client.post("/profile/financial", data=BANK)
    auth.logout()
    auth.login(other_seller["email"])
    client.post("/profile/financial", data={**BANK, "account_number": "514012345678"})
    with app.app_context():
        assert services.sellers_with_account_number(NUMBER) == [seller["id"], other_seller["id"]]
        assert services.sellers_with_account_number("000000000000") == []
