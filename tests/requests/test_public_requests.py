"""/privacy/request: anyone may make a request, confirmed by a 6-digit code emailed to the
address; the page says the same whether or not the address is an account's."""

from __future__ import annotations

import re
from datetime import timedelta

from freezegun import freeze_time
from sqlalchemy import func, select

from portal.extensions import db
from portal.requests.models import PrivacyRequest, RequestCode
from tests.requests.conftest import RECEIVED, reference_in
from tests.support import body_text, without_tokens


def _start(client, email="reporter@example.com", kind="access"):
    return client.post(
        "/privacy/request",
        data={"email": email, "kind": kind, "details": "What do you hold about me?"},
    )


def _pending(response) -> str:
    page = response.get_data(as_text=True)
    return re.search(r'name="pending" type="hidden" value="([^"]+)"', page).group(1)


def _code(mailbox, email="reporter@example.com") -> str:
    return re.search(r"\b(\d{6})\b", body_text(mailbox.last(email))).group(1)


def _requests(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(PrivacyRequest))


def test_the_right_code_files_the_request_with_its_date(app, client, mailbox):
    with freeze_time(RECEIVED):
        started = _start(client)
        assert started.status_code == 200
        assert _requests(app) == 0  # nothing is filed before the code
        code = _code(mailbox)
        response = client.post(
            "/privacy/request/confirm", data={"pending": _pending(started), "code": code}
        )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    reference = reference_in(page)
    assert "We will answer by 23 Mar 2027." in page
    with app.app_context():
        stored = db.session.scalar(select(PrivacyRequest))
        assert (stored.reference, stored.requester_email, stored.user_id) == (
            reference,
            "reporter@example.com",
            None,
        )
        # The code is kept as a keyed digest only.
        pending = db.session.scalar(select(RequestCode))
        assert code not in pending.code_digest and len(pending.code_digest) == 32
    assert reference in mailbox.last("reporter@example.com")["Subject"]


def test_a_known_address_gets_the_same_page_and_its_request_names_the_account(
    app, client, seller, mailbox
):
    unknown = _start(client, "nobody@example.com")
    known = _start(client, seller["email"])
    assert unknown.status_code == known.status_code == 200
    assert without_tokens(unknown) == without_tokens(known)
    assert _requests(app) == 0  # no request without the code, known or not
    response = client.post(
        "/privacy/request/confirm",
        data={"pending": _pending(known), "code": _code(mailbox, seller["email"])},
    )
    assert response.status_code == 200
    with app.app_context():
        assert db.session.scalar(select(PrivacyRequest.user_id)) == seller["id"]


def test_a_wrong_code_is_refused_and_files_nothing(app, client, mailbox):
    started = _start(client)
    right = _code(mailbox)
    wrong = "000000" if right != "000000" else "111111"
    response = client.post(
        "/privacy/request/confirm", data={"pending": _pending(started), "code": wrong}
    )
    assert response.status_code == 400
    assert "That code is wrong, used or expired." in response.get_data(as_text=True)
    assert _requests(app) == 0


def test_an_expired_code_is_refused(app, client, mailbox):
    with freeze_time(RECEIVED):
        started = _start(client)
        code = _code(mailbox)
    with freeze_time(RECEIVED + timedelta(minutes=10, seconds=1)):
        response = client.post(
            "/privacy/request/confirm", data={"pending": _pending(started), "code": code}
        )
    assert response.status_code == 400
    assert _requests(app) == 0


def test_a_code_files_one_request_only(app, client, mailbox):
    started = _start(client)
    data = {"pending": _pending(started), "code": _code(mailbox)}
    assert client.post("/privacy/request/confirm", data=data).status_code == 200
    assert client.post("/privacy/request/confirm", data=data).status_code == 400
    assert _requests(app) == 1


def test_after_five_wrong_tries_even_the_right_code_fails(app, client, mailbox):
    started = _start(client)
    right = _code(mailbox)
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(5):
        client.post("/privacy/request/confirm", data={"pending": _pending(started), "code": wrong})
    response = client.post(
        "/privacy/request/confirm", data={"pending": _pending(started), "code": right}
    )
    assert response.status_code == 400
    assert _requests(app) == 0


def test_the_form_is_rate_limited_per_client(app, client):
    app.config["RATELIMIT_PRIVACY_REQUEST_PER_IP"] = "2 per hour"
    assert _start(client).status_code == 200
    assert _start(client).status_code == 200
    assert _start(client).status_code == 429


def test_an_invalid_form_answers_400_and_keeps_what_was_typed(client):
    response = client.post(
        "/privacy/request", data={"email": "not an email", "details": "Delete it all"}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Delete it all" in page and "Choose the type of request." in page


def test_the_code_email_is_in_malay_for_a_malay_visitor(client, mailbox):
    client.post(
        "/privacy/request",
        data={"email": "siti@example.com", "kind": "access", "details": "Salinan data saya"},
        headers={"Accept-Language": "ms"},
    )
    assert "kod" in body_text(mailbox.last("siti@example.com")).lower()
