"""/admin/requests: the register by days left, overdue rows marked in words, the 14-day
extension allowed only before the 21st day ends (and emailed), refusals, answers, the
CSV, who may see it, and open_clocks()."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from datetime import timedelta

import pytest
from freezegun import freeze_time

from portal.audit.models import AuditEvent
from portal.extensions import db
from portal.requests import services
from portal.requests.models import PrivacyRequest
from tests.requests.conftest import RECEIVED, file_as_seller
from tests.support import body_text, client_as, link_in, make_staff

# The 21st day is 23 March, Malaysia time; it ends at 16:00 UTC that day.
LAST_HOUR = RECEIVED + timedelta(days=21, hours=23)  # 15:30 UTC on 23 March: still day 21
DAY_22 = RECEIVED + timedelta(days=22)  # 16:30 UTC on 23 March: 00:30 on the 24th in Malaysia


@pytest.mark.parametrize("role", ["reviewer", "support"])
def test_other_staff_and_sellers_get_404(app, seller, role):
    with app.app_context():
        make_staff(f"{role}@staff.example", role)
    for who in (f"{role}@staff.example", seller["email"]):
        client = client_as(app, who)
        for url in ("/admin/requests", "/admin/requests.csv"):
            assert client.get(url).status_code == 404, (who, url)


@pytest.mark.parametrize("role", ["dpo", "admin"])
def test_the_dpo_and_admins_see_the_register(app, role):
    with app.app_context():
        make_staff(f"{role}@staff.example", role)
    client = client_as(app, f"{role}@staff.example")
    assert client.get("/admin/requests").status_code == 200
    assert client.get("/admin/requests.csv").status_code == 200


def test_overdue_after_the_21st_day_and_sorted_by_days_left(app, seller, other_seller, dpo):
    first, _ = file_as_seller(app, seller)
    with freeze_time(RECEIVED + timedelta(days=10)):
        client = client_as(app, other_seller["email"])
        client.post("/account/requests", data={"kind": "deletion", "details": "Delete it"})
    with freeze_time(LAST_HOUR):
        page = client_as(app, dpo).get("/admin/requests").get_data(as_text=True)
        assert "Due today" in page and "row--overdue" not in page
    with freeze_time(DAY_22):
        page = client_as(app, dpo).get("/admin/requests").get_data(as_text=True)
        references = re.findall(r'data-reference="(DSR-[^"]+)"', page)
        with app.app_context():
            oldest = db.session.get(PrivacyRequest, first).reference
            clocks = services.open_clocks()
        assert references[0] == oldest  # the least time left first
        assert "Overdue by 1 day" in page and "row--overdue" in page
        assert [clock.request.reference for clock in clocks] == references
        assert clocks[0].overdue and clocks[0].left < timedelta(0)
        assert not clocks[1].overdue and clocks[1].days_left == 9
        home = client_as(app, dpo).get("/admin/").get_data(as_text=True)
        assert "1 overdue" in home


def _extend(app, dpo, request_id, reason="We must fetch records from the archive."):
    return client_as(app, dpo).post(f"/admin/requests/{request_id}/extend", data={"reason": reason})


def test_an_extension_before_the_21st_day_ends_adds_14_days_and_emails_why(
    app, seller, dpo, mailbox
):
    request_id, _ = file_as_seller(app, seller)
    with freeze_time(LAST_HOUR):
        assert _extend(app, dpo, request_id).status_code == 302
    with app.app_context():
        stored = db.session.get(PrivacyRequest, request_id)
        assert (stored.status, stored.due_on.isoformat()) == ("extended", "2027-04-06")
        events = db.session.scalars(db.select(AuditEvent.action)).all()
        assert "privacy_request.extend" in events
    mail = body_text(mailbox.last(seller["email"]))
    assert "We must fetch records from the archive." in mail
    assert "We will answer by 6 Apr 2027." in mail
    with freeze_time(LAST_HOUR):
        assert _extend(app, dpo, request_id).status_code == 400  # once only


def test_no_extension_once_the_21_days_are_over(app, seller, dpo, mailbox):
    request_id, _ = file_as_seller(app, seller)
    with freeze_time(DAY_22):
        response = _extend(app, dpo, request_id)
    assert response.status_code == 400
    assert "The 21 days are over" in response.get_data(as_text=True)
    with app.app_context():
        stored = db.session.get(PrivacyRequest, request_id)
        assert (stored.status, stored.due_on.isoformat()) == ("open", "2027-03-23")
    assert "more time" not in mailbox.last(seller["email"])["Subject"]


def test_an_extension_needs_a_reason(app, seller, dpo):
    request_id, _ = file_as_seller(app, seller)
    with freeze_time(RECEIVED + timedelta(days=1)):
        response = _extend(app, dpo, request_id, reason="  ")
    assert response.status_code == 400


def test_a_refusal_cites_a_ground_for_its_kind(app, seller, dpo, mailbox):
    request_id, _ = file_as_seller(app, seller)
    with freeze_time(RECEIVED + timedelta(days=1)):
        client = client_as(app, dpo)
        page = client.get(f"/admin/requests/{request_id}").get_data(as_text=True)
        assert "s.32(1)(c)" in page and "s.36(1)" not in page  # access: s.32 only
        wrong = client.post(
            f"/admin/requests/{request_id}/refuse", data={"ground": "s36_not_inaccurate"}
        )
        assert wrong.status_code == 400
        right = client.post(f"/admin/requests/{request_id}/refuse", data={"ground": "s32_burden"})
        assert right.status_code == 302
    with app.app_context():
        stored = db.session.get(PrivacyRequest, request_id)
        assert (stored.status, stored.refusal_ground) == ("refused", "s32_burden")
    assert "s.32(1)(c)" in body_text(mailbox.last(seller["email"]))


def test_a_copy_is_sent_as_a_link_that_works_for_3_days(app, seller, dpo, mailbox):
    request_id, _ = file_as_seller(app, seller)
    with freeze_time(RECEIVED + timedelta(days=1)):
        response = client_as(app, dpo).post(f"/admin/requests/{request_id}/copy", data={})
        assert response.status_code == 302
        link = link_in(mailbox.last(seller["email"]), "/privacy/request/copy/")
        anyone = app.test_client()
        assert anyone.get(link).status_code == 200
        download = anyone.post(link, data={})
        assert download.status_code == 200 and download.mimetype == "application/zip"
        archive = zipfile.ZipFile(io.BytesIO(download.get_data()))
        data = json.loads(archive.read("data.json"))
        [own] = data["tables"]["privacy_requests"]
        assert own["id"] == request_id and own["kind"] == "access"
        assert "copy_token_hash" not in own and "closed_by" not in own
    with freeze_time(RECEIVED + timedelta(days=4, minutes=1)):
        assert app.test_client().get(link).status_code == 404
    with app.app_context():
        assert db.session.get(PrivacyRequest, request_id).status == "answered"


def test_a_deletion_closes_the_account_only_for_an_admin(app, seller, dpo):
    with app.app_context():
        make_staff("admin@staff.example", "admin")
    request_id, _ = file_as_seller(app, seller, kind="deletion")
    with freeze_time(RECEIVED + timedelta(days=1)):
        url = f"/admin/requests/{request_id}/close-account"
        assert client_as(app, dpo).post(url, data={}).status_code == 404
        assert client_as(app, "admin@staff.example").post(url, data={}).status_code == 302
    with app.app_context():
        from portal.auth.models import User

        assert db.session.get(User, seller["id"]).status == "closed_by_staff"
        assert db.session.get(PrivacyRequest, request_id).status == "answered"


def test_the_csv_lists_the_register_without_personal_data(app, seller, dpo):
    request_id, _ = file_as_seller(app, seller, details="My secret words")
    with freeze_time(RECEIVED + timedelta(days=1)):
        response = client_as(app, dpo).get("/admin/requests.csv")
    assert response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "no-store"  # as every page for staff
    text = response.get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    with app.app_context():
        reference = db.session.get(PrivacyRequest, request_id).reference
    assert len(rows) == 1
    assert (rows[0]["reference"], rows[0]["type"], rows[0]["received"], rows[0]["due"]) == (
        reference,
        "access",
        "2027-03-02",
        "2027-03-23",
    )
    assert rows[0]["status"] == "open" and rows[0]["from_account"] == "yes"
    assert "My secret words" not in text and seller["email"] not in text
