"""/account/access-log: a seller reads every look by staff at their own personal data, and
only theirs; staff appear by first name and role, never by email or surname."""

from __future__ import annotations

import html
import re
from datetime import timedelta

from sqlalchemy import delete

from portal.accesslog import services as accesslog
from portal.auth.models import User
from portal.clock import utcnow
from portal.extensions import db
from tests.support import PASSWORD, QueryCounter, make_staff

URL = "/account/access-log"
ROW = re.compile(r'<tr class="access-entry">(.*?)</tr>', re.S)
CELL = re.compile(r"<td[^>]*>(.*?)</td>", re.S)
TAG = re.compile(r"<[^>]+>")


def _rows(page: str) -> list[list[str]]:
    """The table's rows, each as its cells' text: when, who, what, why."""
    return [
        [html.unescape(TAG.sub("", cell)).strip() for cell in CELL.findall(row)]
        for row in ROW.findall(page)
    ]


def _named_reviewer(app, email="aisyah.rahman@staff.example", name="Aisyah binti Rahman"):
    with app.app_context():
        staff = make_staff(email, "reviewer")
        staff.full_name = name
        db.session.commit()
        return staff.id


def _record(app, staff_id: int, seller_id: int, subject: str, reason: str, minutes_ago=0):
    with app.app_context():
        staff = db.session.get(User, staff_id)
        entry = accesslog.record(staff, seller_id, subject, object_id=7, reason=reason)
        entry.accessed_at = utcnow() - timedelta(minutes=minutes_ago)
        db.session.commit()


def _page(client, page: int | None = None) -> str:
    response = client.get(URL if page is None else f"{URL}?page={page}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_seller_sees_exactly_their_own_entries(app, client, seller, other_seller, auth):
    reviewer = _named_reviewer(app)
    with app.app_context():
        support = make_staff("support@staff.example", "support").id
    mine = {"checking the identity card", "reaching the seller by phone", "export request"}
    _record(app, reviewer, seller["id"], "document", "checking the identity card", 30)
    _record(app, support, seller["id"], "contact details", "reaching the seller by phone", 20)
    _record(app, reviewer, seller["id"], "export", "export request", 10)
    _record(app, reviewer, other_seller["id"], "document", "OTHER seller's document", 25)
    _record(app, support, other_seller["id"], "contact details", "OTHER seller's phone", 5)

    auth.login()
    page = _page(client)
    rows = _rows(page)
    assert {row[3] for row in rows} == mine
    assert "OTHER" not in page
    # Newest first.
    assert [row[3] for row in rows] == [
        "export request",
        "reaching the seller by phone",
        "checking the identity card",
    ]

    auth.logout()
    auth.login(other_seller["email"], PASSWORD)
    assert {row[3] for row in _rows(_page(client))} == {
        "OTHER seller's document",
        "OTHER seller's phone",
    }


def test_staff_appear_by_first_name_and_role_only(app, client, seller, auth):
    reviewer = _named_reviewer(app)
    with app.app_context():
        support = make_staff("nameless.support@staff.example", "support").id
    _record(app, reviewer, seller["id"], "document", "identity check", 2)
    _record(app, support, seller["id"], "contact details", "phone call", 1)

    auth.login()
    page = _page(client)
    who = {row[3]: row[1] for row in _rows(page)}
    assert who["identity check"] == "Aisyah, reviewer"
    assert who["phone call"] == "A member of the support team"
    for hidden in ("Rahman", "binti", "aisyah.rahman@staff.example", "nameless.support"):
        assert hidden not in page
    what = {row[3]: row[2] for row in _rows(page)}
    assert what["identity check"] == "A document you have since deleted"  # no document 7
    assert what["phone call"] == "Your contact details (phone number and address)"


def test_the_recorded_role_is_shown_once_the_staff_account_is_deleted(app, client, seller, auth):
    reviewer = _named_reviewer(app)
    _record(app, reviewer, seller["id"], "document", "identity check")
    with app.app_context():
        db.session.execute(delete(User).where(User.id == reviewer))
        db.session.commit()

    auth.login()
    page = _page(client)
    assert [row[1] for row in _rows(page)] == ["A reviewer"]
    assert "Aisyah" not in page


def test_unknown_subjects_and_missing_reasons_have_a_generic_wording(app, client, seller, auth):
    reviewer = _named_reviewer(app)
    with app.app_context():
        accesslog.record(db.session.get(User, reviewer), seller["id"], "something_new")
        db.session.commit()

    auth.login()
    ((when, who, what, why),) = _rows(_page(client))
    assert when
    assert what == "Your personal data"
    assert why == "No reason recorded"


def test_a_seller_with_no_entries_is_told_so(client, seller, auth):
    auth.login()
    page = _page(client)
    assert _rows(page) == []
    assert "No member of staff has looked at your personal data." in page


def _many(app, staff_id: int, seller_id: int, count: int) -> None:
    with app.app_context():
        staff = db.session.get(User, staff_id)
        now = utcnow()
        for number in range(count):
            entry = accesslog.record(staff, seller_id, "document", reason=f"look {number:03d}")
            entry.accessed_at = now - timedelta(minutes=count - number)
        db.session.commit()


def test_entries_come_fifty_a_page_newest_first(app, client, seller, auth):
    reviewer = _named_reviewer(app)
    _many(app, reviewer, seller["id"], 60)

    auth.login()
    first = _page(client)
    assert [row[3] for row in _rows(first)] == [f"look {n:03d}" for n in range(59, 9, -1)]
    assert f'href="{URL}?page=2"' in first
    second = _page(client, 2)
    assert [row[3] for row in _rows(second)] == [f"look {n:03d}" for n in range(9, -1, -1)]
    assert f'href="{URL}?page=1"' in second
    assert "?page=3" not in second


def test_an_absurd_page_number_is_an_empty_page(app, client, seller, auth):
    reviewer = _named_reviewer(app)
    _many(app, reviewer, seller["id"], 2)
    auth.login()
    assert _rows(_page(client, 10**30)) == []
    assert "There are no older entries." in _page(client, 10**30)
    assert len(_rows(_page(client, -1))) == 2


def test_the_query_count_does_not_grow_with_the_entries(app, client, seller, other_seller, auth):
    reviewer = _named_reviewer(app)
    with app.app_context():
        nameless = make_staff("nameless@staff.example", "support").id
    _many(app, reviewer, seller["id"], 1)
    _many(app, reviewer, other_seller["id"], 30)
    _many(app, nameless, other_seller["id"], 30)

    auth.login()
    _page(client)  # warm up: anything done once per client
    with QueryCounter(app) as one:
        assert len(_rows(_page(client))) == 1
    auth.logout()
    auth.login(other_seller["email"], PASSWORD)
    _page(client)
    with QueryCounter(app) as sixty:
        assert len(_rows(_page(client))) == 50
    assert sixty.count == one.count


def test_only_sellers_reach_the_page(app, client, auth):
    assert client.get(URL).status_code == 302  # to the log-in page
    with app.app_context():
        make_staff("admin@staff.example", "admin")
    auth.login("admin@staff.example", PASSWORD)
    assert client.get(URL).status_code == 404


def test_every_subject_the_portal_records_has_its_own_label():
    """A new kind of look gets words of its own, not the generic fallback."""
    from pathlib import Path

    from portal.account.access_log_views import GENERIC_SUBJECT, subject_label

    portal = Path(__file__).resolve().parents[2] / "portal"
    call = re.compile(r"accesslog\.record\(\s*[^,]+,\s*[^,]+,\s*[\"']([^\"']+)[\"']", re.S)
    subjects = {
        subject
        for path in portal.rglob("*.py")
        for subject in call.findall(path.read_text(encoding="utf-8"))
    }
    assert {"document", "contact details"} <= subjects
    with_fallback = {s for s in subjects if subject_label(s) == str(GENERIC_SUBJECT)}
    assert with_fallback == set()
