"""Finding 4: a seller could undo a staff freeze or an admin's closure.

Replayed as the seller did it: frozen after a report about a minor, they closed their own
account at /account/terminate and reactivated it at /account/reactivate, and were active
again with the report forgotten; closed by an admin (reason "fraud"), they reactivated at
once. Now what staff did, only staff undo.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.auth.models import User
from portal.extensions import db
from portal.minor_reports.models import MinorReport
from tests.security.attack import file_report
from tests.support import PASSWORD, client_as, make_seller, make_staff


@pytest.fixture
def people(app):
    app.config["MINOR_REPORT_MIN_SECONDS"] = 0
    with app.app_context():
        seller = make_seller("shop@example.com").id
        make_staff("reviewer@staff.example", "reviewer")
        make_staff("admin@staff.example", "admin")
    return {"seller": seller}


def _status(app, user_id: int) -> str:
    with app.app_context():
        return db.session.scalar(select(User.status).where(User.id == user_id))


def _report_and_freeze(app, seller_id: int) -> int:
    report = file_report(app, "shop@example.com", reporter="parent@example.net")
    reviewer = client_as(app, "reviewer@staff.example")
    assert reviewer.post(f"/admin/minor-reports/{report}/freeze/{seller_id}").status_code == 302
    assert _status(app, seller_id) == "frozen"
    return report


def _terminate(client):
    return client.post(
        "/account/terminate",
        data={"password": PASSWORD, "code": "", "confirmation": "TERMINATE"},
        follow_redirects=True,
    )


def test_a_frozen_seller_can_neither_close_nor_reopen_their_way_out(app, people):
    report = _report_and_freeze(app, people["seller"])
    seller = client_as(app, "shop@example.com")

    refused = _terminate(seller)
    assert "paused while we check" in refused.get_data(as_text=True)
    assert "cannot close your account while it is paused" in refused.get_data(as_text=True)
    assert _status(app, people["seller"]) == "frozen"

    seller.post("/account/reactivate")
    assert _status(app, people["seller"]) == "frozen"
    with app.app_context():
        still = db.session.get(MinorReport, report)
        assert (still.status, still.matched_user_id) == ("open", people["seller"])


def test_a_seller_closed_by_an_admin_cannot_reactivate(app, people, mailbox):
    admin = client_as(app, "admin@staff.example")
    closed = admin.post(
        f"/admin/sellers/{people['seller']}/terminate",
        data={"reason": "fraud", "confirm": "y"},
    )
    assert closed.status_code == 302
    assert _status(app, people["seller"]) == "closed_by_staff"
    told = mailbox.last("shop@example.com")
    assert "reactivate" not in told.get_body(preferencelist=("plain",)).get_content()

    seller = client_as(app, "shop@example.com")
    page = seller.get("/account/closed").get_data(as_text=True)
    assert "Koopseri closed your account" in page
    assert "Reactivate" not in page and "/account/reactivate" not in page

    seller.post("/account/reactivate")
    assert _status(app, people["seller"]) == "closed_by_staff"
    assert seller.get("/dashboard").headers["Location"] == "/account/closed"


def test_a_seller_still_reopens_a_closure_of_their_own(app, people):
    seller = client_as(app, "shop@example.com")
    _terminate(seller)
    assert _status(app, people["seller"]) == "closed_by_seller"
    seller = client_as(app, "shop@example.com")
    assert "Reactivate my account" in seller.get("/account/closed").get_data(as_text=True)
    seller.post("/account/reactivate")
    assert _status(app, people["seller"]) == "active"


def test_only_staff_lift_a_freeze_or_reopen_a_closure_with_a_reason(app, people, mailbox):
    _report_and_freeze(app, people["seller"])
    reviewer = client_as(app, "reviewer@staff.example")
    url = f"/admin/sellers/{people['seller']}"
    assert "Lift the freeze" in reviewer.get(url).get_data(as_text=True)
    no_reason = reviewer.post(f"{url}/lift-freeze", data={"reason": " "})
    assert no_reason.status_code == 400 and _status(app, people["seller"]) == "frozen"
    reviewer.post(f"{url}/lift-freeze", data={"reason": "Passport shows 31."})
    assert _status(app, people["seller"]) == "active"
    assert "open again" in mailbox.last("shop@example.com")["Subject"]

    admin = client_as(app, "admin@staff.example")
    admin.post(f"{url}/terminate", data={"reason": "fraud", "confirm": "y"})
    assert _status(app, people["seller"]) == "closed_by_staff"
    # A reviewer may not reopen a closure: that is an admin's decision.
    assert reviewer.post(f"{url}/reopen", data={"reason": "mistake"}).status_code == 404
    admin.post(f"{url}/reopen", data={"reason": "The bank cleared the payments."})
    assert _status(app, people["seller"]) == "active"
