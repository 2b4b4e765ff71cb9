"""/admin/erasure-requests: the requests third parties have not answered, those emailed 30
days ago or more first and flagged overdue; staff with the permission record an answer
through a form that checks CSRF, which closes the request, in the audit trail. Time moves
with freezegun; the app checks CSRF as in production."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from portal.audit.models import AuditEvent
from portal.clock import local_midnight
from portal.erasure import ErasureRequest
from portal.extensions import db
from portal.sharing.connectors import DeliveryFailed, Unsupported
from tests.erasure_requests.conftest import (
    erase,
    seller_with_pickups_and_store,
    send,
    set_party,
)
from tests.partner import every_party_to, speak_json
from tests.support import PASSWORD, make_staff, staff_code

T0 = datetime(2027, 3, 1, 2, 0, tzinfo=UTC)  # 10:00 in Kuala Lumpur
LIST = "/admin/erasure-requests"
# The token of a form, as WTForms writes it or as the page's own log-out form does.
TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
TAG = re.compile(r"<[^>]+>")


@pytest.fixture
def app(make_app, partner, smtp_server):
    app = make_app(
        **every_party_to(partner),
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp_server.port,
        WTF_CSRF_ENABLED=True,
    )
    speak_json(app)
    return app


class Staff:
    """A member of staff at a browser: every form sent with the token of the page it is on."""

    def __init__(self, app, email: str, role: str, locale: str | None = None):
        with app.app_context():
            user = make_staff(email, role)
            user.locale = locale
            db.session.commit()
            self.id = user.id
        self.client = app.test_client()
        self.submit("/auth/login", {"email": email, "password": PASSWORD})
        self.submit("/auth/two-factor", {"code": staff_code(app, email)})

    def get(self, url: str):
        return self.client.get(url)

    def submit(self, url: str, data: dict):
        token = TOKEN.search(self.client.get(url).get_data(as_text=True))
        return self.client.post(url, data={**data, "csrf_token": token.group(1) if token else ""})


def _text(response) -> str:
    return " ".join(html.unescape(TAG.sub(" ", response.get_data(as_text=True))).split())


@pytest.fixture
def open_requests(app, partner, stand_in):
    """Five open requests at T0 + 31 days, erasing three sellers:
    A (T0): DHL emailed (overdue by then), the store erased through its API;
    B (T0 + 25 days): DHL emailed, the store's API takes no erasure and it has no contact;
    C (T0 + 30 days): DHL not reached yet, the store held for staff again."""
    with freeze_time(T0):
        sellers = [
            seller_with_pickups_and_store(app, partner, email=f"{name}@example.com").id
            for name in ("a", "b", "c")
        ]
    set_party(app, "dhl", privacy_email="privacy@dhl.example")
    courier = stand_in(app, "dhl", erased=False, outcome="cancelled 1 open pickup through the API")
    store = stand_in(app, "woocommerce")
    with freeze_time(T0):
        erase(app, sellers[0])
        send(app)
    store.fails = Unsupported("no erasure")
    with freeze_time(T0 + timedelta(days=25)):
        erase(app, sellers[1])
        send(app)
    courier.fails = DeliveryFailed("timeout")
    with freeze_time(T0 + timedelta(days=30)):
        erase(app, sellers[2])
        send(app)
    with app.app_context():
        rows = db.session.scalars(select(ErasureRequest).order_by(ErasureRequest.id)).all()
        ids = {(r.erasure_id, r.third_party_id): r.id for r in rows}
        statuses = [r.status for r in rows]
    assert statuses == ["emailed", "answered", "emailed", "staff", "pending", "staff"]
    ordered = list(ids.values())
    return {
        "overdue": ordered[0],
        "answered": ordered[1],
        "recent": ordered[2],
        "staff": ordered[3],
        "pending": ordered[4],
        "staff_again": ordered[5],
    }


def test_the_list_puts_the_overdue_first_and_flags_them(app, open_requests):
    with freeze_time(T0 + timedelta(days=31)):
        dpo = Staff(app, "dpo@staff.example", "dpo")
        page = dpo.get(LIST)
        assert page.status_code == 200
        body = page.get_data(as_text=True)
        rows = re.findall(
            r"<tr>\s*<td data-label=\"Our reference\">(ER-\d+)</td>(.*?)</tr>", body, re.S
        )
        order = [reference for reference, _ in rows]
        assert order == [
            f"ER-{open_requests[name]}"
            for name in ("overdue", "recent", "staff", "pending", "staff_again")
        ]
        assert f"ER-{open_requests['answered']}" not in body
        overdue = [reference for reference, row in rows if "Overdue" in row]
        assert overdue == [f"ER-{open_requests['overdue']}"]
        first = TAG.sub(" ", rows[0][1])
        assert "DHL" in first and "privacy@dhl.example" in first and "1 Mar 2027" in first
        staff_row = TAG.sub(" ", rows[2][1])
        assert "No privacy contact" in staff_row and "None recorded" in staff_row
        assert "Not delivered yet" in TAG.sub(" ", rows[3][1])
        home = _text(dpo.get("/admin/"))
        assert "5 erasure requests have no answer yet." in home and "1 overdue" in home
    with freeze_time(T0 + timedelta(days=29)):  # a day before: nothing is overdue yet
        assert "Overdue</span>" not in dpo.get(LIST).get_data(as_text=True)


def test_recording_an_answer_closes_the_request_in_the_audit_trail(app, open_requests):
    request_id = open_requests["overdue"]
    url = f"{LIST}/{request_id}"
    with freeze_time(T0 + timedelta(days=31)):
        admin = Staff(app, "admin@staff.example", "admin")
        detail = _text(admin.get(url))
        assert "DHL-OPEN" in detail and "cancelled 1 open pickup through the API" in detail
        response = admin.submit(
            url,
            {"answer": "Records erased on 30 March; nothing kept.", "answered_on": "30/03/2027"},
        )
        assert response.status_code == 302 and response.headers["Location"] == LIST
        listing = admin.get(LIST).get_data(as_text=True)
        assert f"The answer to ER-{request_id} is recorded." in html.unescape(listing)
        assert f'<td data-label="Our reference">ER-{request_id}</td>' not in listing
        assert admin.get(url).status_code == 404  # answered: no longer open
        assert "4 erasure requests have no answer yet." in _text(admin.get("/admin/"))
    with app.app_context():
        request = db.session.get(ErasureRequest, request_id)
        assert request.status == "answered" and request.channel == "email"
        assert request.answer == "Records erased on 30 March; nothing kept."
        assert request.answered_at == local_midnight(date(2027, 3, 30))
        (event,) = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "erasure_request.answer")
        ).all()
        assert (event.actor_id, event.subject_type, event.subject_id) == (
            admin.id,
            "erasure_request",
            request_id,
        )
        assert event.detail == f"ER-{request_id}"


def test_staff_can_close_one_held_for_want_of_a_contact(app, open_requests):
    request_id = open_requests["staff"]
    with freeze_time(T0 + timedelta(days=31)):
        dpo = Staff(app, "dpo@staff.example", "dpo")
        response = dpo.submit(
            f"{LIST}/{request_id}",
            {"answer": "Store owner confirmed by phone.", "answered_on": "31/03/2027"},
        )
        assert response.status_code == 302
    with app.app_context():
        assert db.session.get(ErasureRequest, request_id).status == "answered"
        assert db.session.get(ErasureRequest, open_requests["pending"]).status == "pending"


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ({"answer": "", "answered_on": "30/03/2027"}, "Write what the party answered."),
        ({"answer": "Done.", "answered_on": ""}, "Enter the day the party answered."),
        (
            {"answer": "Done.", "answered_on": "2/04/2027"},
            "An answer cannot be dated in the future.",
        ),
        (
            {"answer": "Done.", "answered_on": "28/02/2027"},
            "The answer cannot be dated before the request was made.",
        ),
        ({"answer": "x" * 501, "answered_on": "30/03/2027"}, "Keep the answer to 500 characters."),
    ],
)
def test_an_answer_is_checked_and_nothing_is_saved_when_it_is_wrong(
    app, open_requests, typed, message
):
    request_id = open_requests["overdue"]
    with freeze_time(T0 + timedelta(days=31)):
        admin = Staff(app, "admin@staff.example", "admin")
        response = admin.submit(f"{LIST}/{request_id}", typed)
    assert response.status_code == 400
    assert message in _text(response)
    with app.app_context():
        assert db.session.get(ErasureRequest, request_id).status == "emailed"
        assert (
            db.session.scalar(
                select(AuditEvent.id).where(AuditEvent.action == "erasure_request.answer")
            )
            is None
        )


def test_an_answer_without_the_csrf_token_is_refused(app, open_requests):
    request_id = open_requests["overdue"]
    with freeze_time(T0 + timedelta(days=31)):
        admin = Staff(app, "admin@staff.example", "admin")
        response = admin.client.post(
            f"{LIST}/{request_id}", data={"answer": "Done.", "answered_on": "30/03/2027"}
        )
        assert response.status_code == 400
        forged = admin.client.post(
            f"{LIST}/{request_id}",
            data={"answer": "Done.", "answered_on": "30/03/2027", "csrf_token": "forged"},
        )
        assert forged.status_code == 400
    with app.app_context():
        assert db.session.get(ErasureRequest, request_id).status == "emailed"


@pytest.mark.parametrize("role", ["support", "reviewer"])
def test_staff_without_the_permission_neither_see_nor_answer(app, open_requests, role):
    request_id = open_requests["overdue"]
    with freeze_time(T0 + timedelta(days=31)):
        member = Staff(app, f"{role}@staff.example", role)
        assert member.get(LIST).status_code == 404
        assert member.get(f"{LIST}/{request_id}").status_code == 404
        token = TOKEN.search(member.get("/admin/").get_data(as_text=True)).group(1)
        answered = member.client.post(
            f"{LIST}/{request_id}",
            data={"answer": "Done.", "answered_on": "30/03/2027", "csrf_token": token},
        )
        assert answered.status_code == 404
        assert "erasure requests" not in _text(member.get("/admin/")).lower()
    with app.app_context():
        assert db.session.get(ErasureRequest, request_id).status == "emailed"


def test_an_unknown_or_answered_request_has_no_page(app, open_requests):
    with freeze_time(T0 + timedelta(days=31)):
        admin = Staff(app, "admin@staff.example", "admin")
        assert admin.get(f"{LIST}/{open_requests['answered']}").status_code == 404
        assert admin.get(f"{LIST}/999999").status_code == 404


def test_the_pages_read_in_malay(app, open_requests):
    with freeze_time(T0 + timedelta(days=31)):
        dpo = Staff(app, "dpo@staff.example", "dpo", locale="ms")
        listing = _text(dpo.get(LIST))
        detail = _text(dpo.get(f"{LIST}/{open_requests['overdue']}"))
        home = _text(dpo.get("/admin/"))
    assert "Erasure requests not yet answered" not in listing
    assert "Record their answer" not in detail
    assert "erasure requests have no answer yet" not in home
