"""GET /api/v1/sellers/<id>/status: answers only with a valid token, only about active seller
accounts, in codes and dates only, matching the OpenAPI document, never cached and without
a cookie, whatever the caller's browser holds."""

from __future__ import annotations

import re
from datetime import date

import pytest

from portal.auth import services as auth
from portal.extensions import db
from portal.profile import services as profile
from portal.verification import services as verification
from portal.verification.services import Code, Requirement, State, Status, Summary
from tests.api.conftest import NEXT_TOKEN, STATUS_PATH, TOKEN, ask
from tests.api.openapi_check import check
from tests.policy.test_versions import _publish
from tests.support import (
    AuthActions,
    date_boxes,
    give_identity,
    make_seller,
    make_staff,
    put_in_state,
)
from tests.verification.conftest import ADDRESS


@pytest.fixture
def document(client):
    return client.get("/api/v1/openapi.json").get_json()


def _verify_everything(app, seller_id: int) -> None:
    """An approved MyKad with its number, a postal address and a bank account in the
    seller's own name: everything verification asks of an individual."""
    with app.app_context():
        user = auth.seller(seller_id)
        give_identity(user)
        profile.update_address(user, ADDRESS, actor=user)
        profile.update_financial(
            user, profile.Financial("maybank", None, user.full_name, "123456789012"), actor=user
        )
        db.session.commit()


# --- the token --------------------------------------------------------------------------------


@pytest.mark.parametrize("token", [TOKEN, NEXT_TOKEN], ids=["current", "next"])
def test_either_configured_token_is_answered(client, seller, document, token):
    response = ask(client, seller["id"], token)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    check(document, STATUS_PATH, response)
    assert response.get_json()["seller_id"] == seller["id"]


@pytest.mark.parametrize(
    ("token", "scheme"),
    [
        (None, "Bearer"),  # no Authorization header
        ("", "Bearer"),  # the scheme alone
        (TOKEN[:-1] + "X", "Bearer"),  # one character off
        (TOKEN[:-1], "Bearer"),  # one character short: a different length
        (TOKEN + "a", "Bearer"),  # one too many
        (TOKEN * 2, "Bearer"),
        (TOKEN.upper(), "Bearer"),
        (TOKEN, "Basic"),  # the right token under another scheme
        (TOKEN, "Token"),
        (f"{TOKEN} {TOKEN}", "Bearer"),
    ],
    ids=[
        "none",
        "empty",
        "wrong",
        "shorter",
        "longer",
        "doubled",
        "upper-case",
        "basic",
        "token-scheme",
        "two-words",
    ],
)
def test_anything_but_a_valid_bearer_token_gets_401(client, seller, document, token, scheme):
    response = ask(client, seller["id"], token, scheme)
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith('Bearer realm="koopseri-marketplace"')
    assert response.get_json()["code"] == "unauthorized"
    assert "seller_id" not in response.get_json()
    check(document, STATUS_PATH, response)


def test_a_sent_token_that_is_wrong_is_called_invalid_in_the_challenge(client, seller):
    assert ask(client, seller["id"], None).headers["WWW-Authenticate"] == (
        'Bearer realm="koopseri-marketplace"'
    )
    assert ask(client, seller["id"], "x" * 40).headers["WWW-Authenticate"] == (
        'Bearer realm="koopseri-marketplace", error="invalid_token"'
    )


def test_the_scheme_is_read_without_regard_to_case(client, seller):
    assert ask(client, seller["id"], TOKEN, "bearer").status_code == 200
    assert ask(client, seller["id"], TOKEN, "BEARER").status_code == 200


def test_without_configured_tokens_every_call_is_refused(make_app, seller):
    app = make_app(MARKETPLACE_API_TOKENS=None)
    client = app.test_client()
    for token in (None, "", TOKEN, "None"):
        response = ask(client, seller["id"], token)
        assert response.status_code == 401
        assert response.mimetype == "application/problem+json"


def test_even_no_such_seller_needs_the_token(client, document):
    """No token, no answer: even "no such seller" needs the token."""
    assert ask(client, 999, None).status_code == 401
    response = ask(client, 999)
    assert response.status_code == 404
    check(document, STATUS_PATH, response)


# --- who is answered about ------------------------------------------------------------------


def test_staff_and_accounts_that_are_not_active_are_not_found_alike(app, client, document):
    with app.app_context():
        staff = make_staff("staff@staff.example", "reviewer").id
        unconfirmed = make_seller("new@example.com", verified=False).id
        frozen = make_seller("frozen@example.com").id
        put_in_state(frozen, "frozen")
        closed = make_seller("closed@example.com").id
        put_in_state(closed, "closed_by_staff")
        by_seller = make_seller("left@example.com").id
        put_in_state(by_seller, "closed_by_seller")
    ids = (staff, unconfirmed, frozen, closed, by_seller, 424242)
    answers = [ask(client, who) for who in ids]
    assert {response.status_code for response in answers} == {404}
    bodies = {response.get_data(as_text=True) for response in answers}
    assert len(bodies) == 1  # nothing tells one kind from another
    for response in answers:
        check(document, STATUS_PATH, response)


def test_a_freeze_lifted_is_answered_again(app, client, seller):
    assert ask(client, seller["id"]).status_code == 200
    with app.app_context():
        put_in_state(seller["id"], "frozen")
    assert ask(client, seller["id"]).status_code == 404
    with app.app_context():
        put_in_state(seller["id"], "active")
    assert ask(client, seller["id"]).status_code == 200


def test_an_unverified_and_a_verified_seller(app, client, seller, document):
    before = ask(client, seller["id"])
    check(document, STATUS_PATH, before)
    assert before.get_json()["status"] != "verified"
    _verify_everything(app, seller["id"])
    after = ask(client, seller["id"])
    check(document, STATUS_PATH, after)
    body = after.get_json()
    assert body["status"] == "verified"
    assert {item["code"]: item["state"] for item in body["requirements"]}["identity"] == (
        "satisfied"
    )


# Every status, every state and every requirement code the verification engine can give,
# with and without deadlines and reasons (a stand-in for the engine, built in its own
# worktree): each answer must validate against the document.
SUMMARIES = {
    "verified": Summary(Status.VERIFIED, [Requirement(code, State.SATISFIED) for code in Code]),
    "pending": Summary(
        Status.PENDING,
        [
            Requirement(Code.IDENTITY, State.PENDING_VERIFICATION),
            Requirement(Code.BUSINESS, State.EVENTUALLY_DUE),
        ],
    ),
    "action_needed": Summary(
        Status.ACTION_NEEDED,
        [
            Requirement(Code.BANK, State.CURRENTLY_DUE, date(2027, 1, 6), "holder_name_differs"),
            Requirement(Code.ADDRESS, State.CURRENTLY_DUE, date(2027, 1, 20)),
            Requirement(Code.PASSPORT_VALID, State.EVENTUALLY_DUE),
        ],
        deadline=date(2027, 1, 6),
    ),
    "restricted": Summary(
        Status.RESTRICTED,
        [
            Requirement(Code.IDENTITY, State.PAST_DUE, date(2026, 12, 1), "rejected"),
            Requirement(Code.BANK, State.SATISFIED),
        ],
        reason=Code.IDENTITY,
    ),
    "no requirements": Summary(Status.PENDING, []),
}


@pytest.mark.parametrize("name", SUMMARIES)
def test_every_kind_of_answer_matches_the_document(client, seller, document, monkeypatch, name):
    summary = SUMMARIES[name]
    monkeypatch.setattr(verification, "summary", lambda user_id: summary)
    response = ask(client, seller["id"])
    assert response.status_code == 200
    check(document, STATUS_PATH, response)
    body = response.get_json()
    assert body["status"] == summary.status.value
    assert body["deadline"] == (summary.deadline and summary.deadline.isoformat())
    assert body["restricted_reason"] == (summary.reason and summary.reason.value)
    assert [(item["code"], item["state"]) for item in body["requirements"]] == [
        (requirement.code.value, requirement.state.value) for requirement in summary.requirements
    ]


def test_every_state_status_and_code_is_in_the_documents_enums(document):
    schemas = document["components"]["schemas"]
    assert schemas["Status"]["enum"] == [status.value for status in Status]
    assert schemas["State"]["enum"] == [state.value for state in State]
    assert schemas["RequirementCode"]["enum"] == [code.value for code in Code]


def test_a_reason_that_is_not_a_code_is_not_passed_on(client, seller, document, monkeypatch):
    words = "The name on the account is Tan Mei Ling's husband's"
    summary = Summary(
        Status.ACTION_NEEDED, [Requirement(Code.BANK, State.CURRENTLY_DUE, None, words)]
    )
    monkeypatch.setattr(verification, "summary", lambda user_id: summary)
    response = ask(client, seller["id"])
    check(document, STATUS_PATH, response)
    assert response.get_json()["requirements"][0]["reason"] == "other"
    assert "Tan Mei Ling" not in response.get_data(as_text=True)


# --- nothing personal ---------------------------------------------------------------------


def test_nothing_personal_is_in_the_answer(app, client, document):
    with app.app_context():
        seller_id = make_seller(
            "siti.nurhaliza@example.com",
            full_name="Siti Nurhaliza binti Tarudin",
            date_of_birth=date(1979, 1, 11),
            phone_e164="+60197654321",
        ).id
    owner = app.test_client()
    AuthActions(owner).login("siti.nurhaliza@example.com")
    saved = [
        owner.post(
            "/profile/personal",
            data={
                "personal-full_name": "Siti Nurhaliza binti Tarudin",
                "personal-display_name": "Butik Siti Songket",
                **date_boxes("personal-date_of_birth", date(1979, 1, 11)),
            },
        ),
        owner.post(
            "/profile/address",
            data={
                "address-address_line1": "88 Jalan Tun Razak",
                "address-address_line2": "Tingkat 9",
                "address-city": "Kuala Lumpur",
                "address-postcode": "50400",
                "address-state": "MY-14",
                "address-country": "MY",
            },
        ),
        owner.post(
            "/profile/financial",
            data={
                "bank": "maybank",
                "holder_name": "Siti Nurhaliza binti Tarudin",
                "account_number": "1140 9876 5432",
            },
        ),
    ]
    assert [response.status_code for response in saved] == [302, 302, 302]
    with app.app_context():
        give_identity(auth.seller(seller_id))  # its number: 790111-14-5678
        db.session.commit()

    response = ask(app.test_client(), seller_id)
    assert response.status_code == 200
    check(document, STATUS_PATH, response)
    body = response.get_data(as_text=True)
    for personal in (
        "Siti",
        "Nurhaliza",
        "Tarudin",
        "siti.nurhaliza",
        "example.com",
        "Butik",
        "Songket",
        "Jalan",
        "Tun Razak",
        "Tingkat",
        "Kuala Lumpur",
        "50400",
        "MY-14",
        "maybank",
        "114098765432",
        "5432",
        "9876",
        "197654321",
        "0197654321",
        "1979",
        "11 Jan",
        "790111",
        "5678",
    ):
        assert personal.lower() not in body.lower(), personal
    # Only the document's fields, of which only codes and dates hold text.
    assert set(response.get_json()) == {
        "seller_id",
        "status",
        "deadline",
        "restricted_reason",
        "requirements",
    }


# --- outside the HTML world -----------------------------------------------------------------


def test_answers_are_never_cached_and_set_no_cookie(client, seller):
    answers = [
        ask(client, seller["id"]),
        ask(client, seller["id"], None),
        ask(client, 999),
        client.get("/api/v1/openapi.json"),
        client.get("/api/v1/nowhere"),
        client.post(f"/api/v1/sellers/{seller['id']}/status"),
    ]
    assert [response.status_code for response in answers] == [200, 401, 404, 200, 404, 405]
    for response in answers:
        assert response.headers["Cache-Control"] == "no-store"
        assert "Set-Cookie" not in response.headers
        assert response.mimetype in ("application/json", "application/problem+json")


def test_a_browsers_cookies_are_not_read(app, client, seller, auth):
    """A seller who must accept a new policy, or a member of staff without two-factor log-in,
    is sent elsewhere by every page; the API, asked from their browser, neither sends them
    anywhere nor touches or renews their session cookie."""
    _publish(app, summary="Email added")
    auth.login()
    assert client.get("/dashboard").status_code == 302  # the policy gate
    response = ask(client, seller["id"])
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert ask(client, seller["id"], None).status_code == 401  # the session is no log-in

    with app.app_context():
        make_staff("new.staff@staff.example", "admin", two_factor=False)
    staff = app.test_client()
    AuthActions(staff).login("new.staff@staff.example")
    assert staff.get("/admin/").status_code == 302  # the two-factor gate
    assert ask(staff, seller["id"]).status_code == 200
    assert ask(staff, seller["id"], None).status_code == 401


def test_only_get_is_answered(client, seller, document):
    url = f"/api/v1/sellers/{seller['id']}/status"
    headers = {"Authorization": f"Bearer {TOKEN}"}
    for method in ("post", "put", "patch", "delete", "options"):
        response = getattr(client, method)(url, headers=headers)
        assert response.status_code == 405, method
        assert response.mimetype == "application/problem+json"
        assert set(re.split(r",\s*", response.headers["Allow"])) == {"GET", "HEAD"}
        assert response.get_json()["code"] == "method_not_allowed"


def test_a_path_that_is_not_there_is_a_json_404(client):
    for path in ("/api/v1/sellers/abc/status", "/api/v1/sellers/1", "/api/v2/anything"):
        response = client.get(path, headers={"Authorization": f"Bearer {TOKEN}"})
        assert response.status_code == 404, path
        assert response.mimetype == "application/problem+json"
        assert response.get_json()["code"] == "not_found"
        assert "openapi.json" in response.get_json()["detail"]
