"""Finding 1: a reviewer could erase (or freeze) any seller through a report naming nobody.

Replayed as the attacker did it: an anonymous report at /report-minor naming nobody, then, as
a reviewer logged in with two-factor, ``POST /admin/minor-reports/<report>/confirm/<any
seller>`` with ``checked=y`` (and ``/freeze/<seller>``). Now a seller the report does not
match is a 404 and stays untouched, and erasing takes two people: a reviewer (or admin)
proposes, which freezes the seller, and a different admin confirms, which erases at once.
The same holds for an identity document that shows someone under 18.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.audit.models import AuditEvent
from portal.auth.models import User
from portal.erasure import Erasure
from portal.extensions import db
from portal.minor_reports.models import MinorReport
from tests.security.attack import file_report
from tests.support import client_as, make_seller, make_staff


@pytest.fixture(autouse=True)
def patient(app):
    """No minimum time to fill in the public form: the attacker is a script."""
    app.config["MINOR_REPORT_MIN_SECONDS"] = 0


@pytest.fixture
def people(app):
    with app.app_context():
        victim = make_seller("victim@example.com", full_name="Victim Seller").id
        minor = make_seller("kid@example.com", full_name="Young Seller").id
        make_staff("reviewer@staff.example", "reviewer")
        make_staff("admin@staff.example", "admin")
        make_staff("second-admin@staff.example", "admin")
    return {"victim": victim, "minor": minor}


def _report(app, naming: str) -> int:
    return file_report(app, naming)


def _state(app, user_id: int) -> str | None:
    """The account's status, or None once it is erased."""
    with app.app_context():
        return db.session.scalar(select(User.status).where(User.id == user_id))


def _erasures(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Erasure))


def _actions(app) -> list[tuple[str, str]]:
    with app.app_context():
        return [
            (action, role)
            for action, role in db.session.execute(
                select(AuditEvent.action, AuditEvent.actor_role).order_by(AuditEvent.id)
            )
        ]


@pytest.mark.parametrize("who", ["reviewer@staff.example", "admin@staff.example"])
def test_a_report_naming_nobody_reaches_no_seller(app, people, who):
    report = _report(app, "nobody in particular")
    staff = client_as(app, who)
    victim = people["victim"]
    for action in ("confirm", "propose", "freeze"):
        response = staff.post(
            f"/admin/minor-reports/{report}/{action}/{victim}", data={"checked": "y"}
        )
        assert response.status_code == 404, (action, response.status_code)
    assert _state(app, victim) == "active"
    assert _erasures(app) == 0
    with app.app_context():
        assert db.session.get(MinorReport, report).status == "open"
        assert db.session.get(MinorReport, report).matched_user_id is None


def test_a_report_about_one_seller_reaches_no_other(app, people):
    report = _report(app, "kid@example.com")
    staff = client_as(app, "admin@staff.example")
    for action in ("confirm", "propose", "freeze"):
        url = f"/admin/minor-reports/{report}/{action}/{people['victim']}"
        assert staff.post(url, data={"checked": "y"}).status_code == 404, action
    assert _state(app, people["victim"]) == "active"
    assert _state(app, people["minor"]) == "active"


def test_a_reviewer_cannot_confirm_an_erasure(app, people):
    report = _report(app, "kid@example.com")
    reviewer = client_as(app, "reviewer@staff.example")
    url = f"/admin/minor-reports/{report}/propose/{people['minor']}"
    assert reviewer.post(url, data={"checked": "y"}).status_code == 302
    confirm = f"/admin/minor-reports/{report}/confirm/{people['minor']}"
    assert reviewer.post(confirm, data={"checked": "y"}).status_code == 404
    assert _state(app, people["minor"]) == "frozen"
    assert _erasures(app) == 0


def test_erasing_takes_a_proposal_and_a_second_persons_confirmation(app, people, mailbox):
    report = _report(app, "kid@example.com")
    minor = people["minor"]
    reviewer = client_as(app, "reviewer@staff.example")

    # Without the box ticked, nothing happens.
    reviewer.post(f"/admin/minor-reports/{report}/propose/{minor}")
    assert _state(app, minor) == "active"

    proposed = reviewer.post(
        f"/admin/minor-reports/{report}/propose/{minor}",
        data={"checked": "y"},
        follow_redirects=True,
    )
    assert "Erasure proposed" in proposed.get_data(as_text=True)
    assert _state(app, minor) == "frozen"  # frozen from the proposal on
    assert "confirm your age" in mailbox.last("kid@example.com")["Subject"]
    assert _erasures(app) == 0

    admin = client_as(app, "admin@staff.example")
    home = admin.get("/admin/").get_data(as_text=True)
    assert "Erasures to confirm" in home and f'href="/admin/minor-reports/{report}"' in home
    seller_page = admin.get(f"/admin/sellers/{minor}").get_data(as_text=True)
    assert "Erasure proposed by reviewer@staff.example" in seller_page
    page = admin.get(f"/admin/minor-reports/{report}").get_data(as_text=True)
    assert "Erasure proposed by reviewer@staff.example" in page
    assert f"/admin/minor-reports/{report}/confirm/{minor}" in page
    # The reviewer sees the proposal but no confirm button.
    page = reviewer.get(f"/admin/minor-reports/{report}").get_data(as_text=True)
    assert "Erasure proposed by reviewer@staff.example" in page
    assert f"/admin/minor-reports/{report}/confirm/{minor}" not in page

    confirmed = admin.post(
        f"/admin/minor-reports/{report}/confirm/{minor}",
        data={"checked": "y"},
        follow_redirects=True,
    )
    assert confirmed.status_code == 200
    assert _state(app, minor) is None  # erased the same day, no three-month grace
    assert _erasures(app) == 1
    assert _state(app, people["victim"]) == "active"
    with app.app_context():
        assert db.session.get(MinorReport, report).status == "confirmed"
    assert _actions(app) == [
        ("erasure.propose", "reviewer"),
        ("account.freeze", "reviewer"),
        ("account.erase", "admin"),
    ]


def test_the_proposer_cannot_confirm_their_own_proposal(app, people):
    report = _report(app, "kid@example.com")
    minor = people["minor"]
    admin = client_as(app, "admin@staff.example")
    admin.post(f"/admin/minor-reports/{report}/propose/{minor}", data={"checked": "y"})
    assert _state(app, minor) == "frozen"
    page = admin.get(f"/admin/minor-reports/{report}").get_data(as_text=True)
    assert f"/admin/minor-reports/{report}/confirm/{minor}" not in page
    assert "Another administrator must confirm it" in page

    refused = admin.post(
        f"/admin/minor-reports/{report}/confirm/{minor}",
        data={"checked": "y"},
        follow_redirects=True,
    )
    assert "You proposed this erasure" in refused.get_data(as_text=True)
    assert _state(app, minor) == "frozen"
    assert _erasures(app) == 0

    second = client_as(app, "second-admin@staff.example")
    second.post(f"/admin/minor-reports/{report}/confirm/{minor}", data={"checked": "y"})
    assert _state(app, minor) is None


def test_confirming_without_a_proposal_is_refused(app, people):
    report = _report(app, "kid@example.com")
    admin = client_as(app, "admin@staff.example")
    url = f"/admin/minor-reports/{report}/confirm/{people['minor']}"
    assert admin.post(url, data={"checked": "y"}).status_code == 404
    assert _state(app, people["minor"]) == "active"


def test_dismissing_the_report_withdraws_the_proposal_and_lifts_the_freeze(app, people):
    report = _report(app, "kid@example.com")
    minor = people["minor"]
    reviewer = client_as(app, "reviewer@staff.example")
    reviewer.post(f"/admin/minor-reports/{report}/propose/{minor}", data={"checked": "y"})
    reviewer.post(f"/admin/minor-reports/{report}/dismiss", data={"reason": "Passport: 30."})
    assert _state(app, minor) == "active"
    admin = client_as(app, "admin@staff.example")
    url = f"/admin/minor-reports/{report}/confirm/{minor}"
    assert admin.post(url, data={"checked": "y"}).status_code == 404
    assert _state(app, minor) == "active"


# --- an identity document showing someone under 18 ----------------------------------------------


@pytest.fixture
def identity_document(app, people):
    """The young seller's identity document, uploaded through the seller's own page."""
    from portal.documents.models import Document
    from tests.documents.conftest import Uploader
    from tests.documents.samples import jpeg
    from tests.support import PASSWORD

    seller = app.test_client()
    seller.post("/auth/login", data={"email": "kid@example.com", "password": PASSWORD})
    Uploader(seller)("identity", (jpeg(), "mykad.jpg"))
    with app.app_context():
        return db.session.scalar(
            select(Document.id).where(
                Document.user_id == people["minor"], Document.kind == "identity"
            )
        )


def test_an_under_age_document_also_takes_two_people(app, people, identity_document):
    minor = people["minor"]
    reviewer = client_as(app, "reviewer@staff.example")
    proposed = reviewer.post(
        f"/admin/documents/{identity_document}/under-age",
        data={"checked": "y"},
        follow_redirects=True,
    )
    assert "Erasure proposed" in proposed.get_data(as_text=True)
    assert _state(app, minor) == "frozen"
    confirm = f"/admin/documents/{identity_document}/under-age/confirm"
    assert reviewer.post(confirm, data={"checked": "y"}).status_code == 404

    admin = client_as(app, "admin@staff.example")
    page = admin.get(f"/admin/documents/{identity_document}").get_data(as_text=True)
    assert "Erasure proposed by reviewer@staff.example" in page and confirm in page
    admin.post(confirm, data={"checked": "y"})
    assert _state(app, minor) is None
    assert _erasures(app) == 1
    assert [action for action, _ in _actions(app)][-3:] == [
        "erasure.propose",
        "account.freeze",
        "account.erase",
    ]


def test_an_under_age_document_cannot_be_erased_by_its_proposer(app, people, identity_document):
    admin = client_as(app, "admin@staff.example")
    admin.post(f"/admin/documents/{identity_document}/under-age", data={"checked": "y"})
    refused = admin.post(
        f"/admin/documents/{identity_document}/under-age/confirm",
        data={"checked": "y"},
        follow_redirects=True,
    )
    assert "You proposed this erasure" in refused.get_data(as_text=True)
    assert _state(app, people["minor"]) == "frozen"
