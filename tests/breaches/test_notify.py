"""Notifying the affected sellers: one bilingual security notice each, through the outbox, in
batches; a run killed midway and run again sends no one a second email."""

from __future__ import annotations

import json
import zipfile
from io import BytesIO

import pytest
from sqlalchemy import func, select

from portal.auth.models import User
from portal.breaches import notify, selection
from portal.breaches import services as breaches
from portal.extensions import db
from portal.outbox import services as outbox
from portal.outbox.models import OutboxMessage
from tests.breaches.conftest import a_breach, bulk_sellers
from tests.support import PASSWORD, client_as, make_seller

EN = "A courier's pickup list was visible on a public link for two days."
MS = "Senarai pengambilan kurier boleh dilihat pada pautan awam selama dua hari."


def _started(app, staff_id, user_ids):
    breach = a_breach(staff_id)
    member = db.session.get(User, staff_id)
    selection.save(breach, member, user_ids, "test")
    notify.start(breach, member, message_en=EN, message_ms=MS)
    db.session.commit()
    return breach.id


def _per_seller(breach_id):
    return dict(
        db.session.execute(
            select(OutboxMessage.user_id, func.count())
            .where(OutboxMessage.kind == "breach_notice")
            .group_by(OutboxMessage.user_id)
        ).all()
    )


def test_a_thousand_sellers_are_each_emailed_exactly_once(app, staff):
    with app.app_context():
        ids = bulk_sellers(1000)
        breach_id = _started(app, staff["dpo"], ids)
        assert notify.notify_sellers(breach_id, batch_size=100) == 1000
        assert notify.notify_sellers(breach_id, batch_size=100) == 0  # run again: nothing
        counts = _per_seller(breach_id)
        assert sorted(counts) == ids and set(counts.values()) == {1}
        assert notify.pending(breach_id) == 0
        assert breaches.get_breach(breach_id).notified_at is not None


def test_a_run_killed_midway_resumes_without_a_duplicate(app, staff, monkeypatch):
    with app.app_context():
        ids = bulk_sellers(1000)
        breach_id = _started(app, staff["dpo"], ids)
        real, calls = outbox.queue_many, []

        def dies_after_three_batches(kind, letters):
            calls.append(1)
            if len(calls) > 3:
                raise RuntimeError("the worker was killed")
            return real(kind, letters)

        monkeypatch.setattr(outbox, "queue_many", dies_after_three_batches)
        with pytest.raises(RuntimeError):
            notify.notify_sellers(breach_id, batch_size=100)
        db.session.rollback()
        assert sum(_per_seller(breach_id).values()) == 300
        assert notify.pending(breach_id) == 700
        monkeypatch.setattr(outbox, "queue_many", real)
        assert notify.notify_sellers(breach_id, batch_size=100) == 700
        counts = _per_seller(breach_id)
        assert sorted(counts) == ids and set(counts.values()) == {1}


def test_the_email_is_in_both_languages_the_readers_first(app, staff):
    with app.app_context():
        english, malay = bulk_sellers(1, locale="en")[0], bulk_sellers(1, start=10)[0]
        breach_id = _started(app, staff["dpo"], [english, malay])
        notify.notify_sellers(breach_id)
        by_user = {
            m.user_id: m
            for m in db.session.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == "breach_notice")
            )
        }
        for user_id, first in ((english, EN), (malay, MS)):
            body = by_user[user_id].body_text
            assert EN in body and MS in body and "BR-" in body
            other = MS if first == EN else EN
            assert body.index(first) < body.index(other)
        assert "Security notice" in by_user[english].subject
        assert "Notis keselamatan" in by_user[english].subject


def test_the_seller_sees_it_as_a_security_notice_on_the_account_and_in_the_export(app, staff):
    with app.app_context():
        seller = make_seller()
        make_seller("other@example.com", full_name="Other Seller")
        breach_id = _started(app, staff["dpo"], [seller.id])
        notify.notify_sellers(breach_id)
        reference = breaches.get_breach(breach_id).reference
    client = client_as(app, "seller@example.com", PASSWORD)
    account = client.get("/account").get_data(as_text=True)
    assert "Data breach notices" in account and reference in account
    centre = client.get("/notifications/").get_data(as_text=True)
    assert "Security notice" in centre
    export = client.post("/account/export", data={"password": PASSWORD}, follow_redirects=True)
    assert export.mimetype == "application/zip"
    data = json.loads(zipfile.ZipFile(BytesIO(export.data)).read("data.json"))
    assert [row["breach_id"] for row in data["tables"]["breach_notices"]] == [breach_id]
    assert "other@example.com" not in account
    stranger = client_as(app, "other@example.com", PASSWORD)
    assert "Data breach notices" not in stranger.get("/account").get_data(as_text=True)


def test_notifying_through_the_page_needs_both_texts(app, staff):
    with app.app_context():
        ids = bulk_sellers(3)
        breach = a_breach(staff["dpo"])
        selection.save(breach, db.session.get(User, staff["dpo"]), ids, "test")
        db.session.commit()
        breach_id = breach.id
    client = client_as(app, "dpo@staff.example", PASSWORD)
    url = f"/admin/breaches/{breach_id}/notify"
    refused = client.post(url, data={"message_en": EN, "message_ms": ""})
    assert refused.status_code == 400
    with app.app_context():
        assert _per_seller(breach_id) == {}
    assert client.post(url, data={"message_en": EN, "message_ms": MS}).status_code == 302
    page = client.get(f"/admin/breaches/{breach_id}").get_data(as_text=True)
    assert "Every selected seller has been sent the notice" in page
    with app.app_context():
        assert sorted(_per_seller(breach_id)) == ids
