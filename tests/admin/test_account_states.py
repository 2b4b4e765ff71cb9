"""The seller's page offers each member of staff the account changes the state machine and
the permissions matrix allow them, and the seller hears of each in their own language."""

from __future__ import annotations

import pytest

from tests.support import body_text, client_as, make_seller, make_staff, put_in_state


@pytest.fixture
def people(app):
    with app.app_context():
        seller = make_seller("kedai@example.com", locale="ms").id
        for role in ("admin", "reviewer", "support"):
            make_staff(f"{role}@staff.example", role)
    return seller


@pytest.mark.parametrize(
    ("status", "role", "offered"),
    [
        ("frozen", "reviewer", {"lift"}),
        ("frozen", "admin", {"lift", "close"}),
        ("frozen", "support", set()),
        ("closed_by_staff", "admin", {"reopen"}),
        ("closed_by_staff", "reviewer", set()),
        ("closed_by_seller", "admin", {"close"}),
        ("active", "admin", {"close"}),
        ("unverified", "admin", set()),
    ],
)
def test_the_page_offers_what_the_machine_and_the_matrix_allow(app, people, status, role, offered):
    with app.app_context():
        put_in_state(people, status)
    page = client_as(app, f"{role}@staff.example").get(f"/admin/sellers/{people}")
    text = page.get_data(as_text=True)
    found = {
        "lift": f'action="/admin/sellers/{people}/lift-freeze"' in text,
        "reopen": f'action="/admin/sellers/{people}/reopen"' in text,
        "close": f'href="/admin/sellers/{people}/terminate"' in text,
    }
    assert {name for name, shown in found.items() if shown} == offered


def test_the_seller_hears_of_a_lifted_freeze_and_a_reopening_in_their_language(
    app, people, mailbox
):
    with app.app_context():
        put_in_state(people, "frozen")
    reviewer = client_as(app, "reviewer@staff.example")
    reviewer.post(f"/admin/sellers/{people}/lift-freeze", data={"reason": "Passport: 30."})
    lifted = mailbox.last("kedai@example.com")
    assert lifted["Subject"] == "Kedai anda dibuka semula"
    assert "Passport" not in body_text(lifted)  # the reason stays with us

    admin = client_as(app, "admin@staff.example")
    admin.post(f"/admin/sellers/{people}/terminate", data={"reason": "Fraud.", "confirm": "y"})
    admin.post(f"/admin/sellers/{people}/reopen", data={"reason": "Bank cleared it."})
    reopened = mailbox.last("kedai@example.com")
    assert reopened["Subject"] == "Akaun penjual anda telah dibuka semula"
    assert "Koopseri telah membuka semula akaun penjual anda" in body_text(reopened)


def test_a_frozen_seller_is_told_why_the_closing_form_is_not_there(app, people):
    with app.app_context():
        make_seller("shop@example.com")
        seller_id = make_seller("frozen@example.com").id
        put_in_state(seller_id, "frozen")
    page = client_as(app, "frozen@example.com").get("/account/terminate")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "cannot close your account while it is paused" in text
    assert 'name="confirmation"' not in text
