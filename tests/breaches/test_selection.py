"""Choosing the affected sellers by query, through each room's services: disclosures to a
third party in a range, records a member of staff opened, uploads, a pasted list."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from portal.accesslog import services as accesslog
from portal.auth.models import User
from portal.breaches import selection
from portal.breaches.models import BreachNotice
from portal.documents.models import Document
from portal.extensions import db
from portal.sharing.models import Disclosure, ThirdParty
from tests.breaches.conftest import a_breach, bulk_sellers
from tests.support import PASSWORD, client_as, make_seller

IN_WEEK = datetime(2026, 11, 3, 2, 0, tzinfo=UTC)  # 3 Nov, 10 am Malaysia
# 8 Nov 2026, 00:30 Malaysia: the day after the week, though still 7 Nov in UTC.
AFTER_WEEK = datetime(2026, 11, 7, 16, 30, tzinfo=UTC)
WEEK = (date(2026, 11, 1), date(2026, 11, 7))


def _disclosure(user_id, party, at, categories=("name", "address")):
    db.session.add(
        Disclosure(
            user_id=user_id,
            kind="transfer",
            third_party_id=party.id,
            recipient=party.name,
            categories=list(categories),
            purpose="pickup",
            reference=f"KS-{user_id}-{at:%H%M%d}",
            outcome="accepted",
            disclosed_at=at,
        )
    )


def test_sellers_whose_data_went_to_a_party_in_the_week(app, staff):
    with app.app_context():
        dhl = db.session.scalar(select(ThirdParty).where(ThirdParty.slug == "dhl"))
        other = db.session.scalar(select(ThirdParty).where(ThirdParty.slug != "dhl"))
        inside, late, elsewhere, cancel = bulk_sellers(4)
        _disclosure(inside, dhl, IN_WEEK)
        _disclosure(late, dhl, AFTER_WEEK)
        _disclosure(elsewhere, other, IN_WEEK)
        _disclosure(cancel, dhl, IN_WEEK, categories=())  # a cancellation: no data
        db.session.commit()
        found = selection.disclosed_to(dhl.id, dhl.name, *WEEK)
        assert found.user_ids == {inside}


def test_sellers_whose_records_a_member_of_staff_opened(app, staff):
    with app.app_context():
        support = db.session.get(User, staff["support"])
        admin = db.session.get(User, staff["admin"])
        seen, seen_by_other, seen_late = bulk_sellers(3)
        for seller, who, at in ((seen, support, IN_WEEK), (seen_by_other, admin, IN_WEEK),
                                (seen_late, support, AFTER_WEEK)):  # fmt: skip
            accesslog.record(who, seller, "profile").accessed_at = at
        db.session.commit()
        assert selection.seen_by(support.id, support.email, *WEEK).user_ids == {seen}


def test_sellers_with_an_upload_in_the_range(app, staff):
    with app.app_context():
        uploaded, later = bulk_sellers(2)
        for user_id, at in ((uploaded, IN_WEEK), (later, AFTER_WEEK)):
            db.session.add(Document(user_id=user_id, kind="profile_photo", slot=1, uploaded_at=at))
        db.session.commit()
        assert selection.uploaded(*WEEK).user_ids == {uploaded}


def test_a_pasted_list_keeps_sellers_only(app, staff):
    with app.app_context():
        first, second = bulk_sellers(2)
        found = selection.pasted("BULK1@example.com, bulk2@example.com\nnobody@example.com "
                                 "dpo@staff.example")  # fmt: skip
        assert found.user_ids == {first, second}
        assert found.unknown == ("dpo@staff.example", "nobody@example.com")


def test_the_count_is_shown_and_kept_before_anything_is_sent(app, staff):
    with app.app_context():
        breach_id = a_breach(staff["dpo"]).id
        ids = bulk_sellers(3)
    client = client_as(app, "dpo@staff.example", PASSWORD)
    url = f"/admin/breaches/{breach_id}/sellers"
    emails = "bulk1@example.com\nbulk2@example.com\nbulk3@example.com"
    refused = client.post(url, data={"query": "uploads", "first_day": "", "last_day": ""})
    assert refused.status_code == 400
    response = client.post(url, data={"query": "emails", "emails": emails})
    assert response.status_code == 302
    page = client.get(f"/admin/breaches/{breach_id}").get_data(as_text=True)
    assert "3 sellers selected" in page and "Email 3 sellers now" in page
    with app.app_context():
        kept = db.session.scalars(select(BreachNotice.user_id)).all()
        assert sorted(kept) == ids
        assert db.session.scalar(select(BreachNotice.queued_at).limit(1)) is None


@pytest.mark.parametrize("role", ["reviewer", "support"])
def test_other_staff_and_sellers_get_a_404(app, staff, role):
    with app.app_context():
        breach_id = a_breach(staff["dpo"]).id
        make_seller()
    for who in (f"{role}@staff.example", "seller@example.com"):
        client = client_as(app, who, PASSWORD)
        for url in ("/admin/breaches", f"/admin/breaches/{breach_id}",
                    f"/admin/breaches/{breach_id}/notice", "/admin/breaches/new"):  # fmt: skip
            assert client.get(url).status_code == 404, (who, url)
        assert client.post(f"/admin/breaches/{breach_id}/notify").status_code == 404
    admin = client_as(app, "admin@staff.example", PASSWORD)
    assert admin.get(f"/admin/breaches/{breach_id}").status_code == 200
