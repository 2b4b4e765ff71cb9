"""/account/disclosures: every disclosure about the seller, newest first, filterable by
third party, and never anyone else's."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from portal.clock import utcnow
from portal.extensions import db
from portal.sharing.models import Disclosure, DisclosureKind, ThirdParty
from tests.support import QueryCounter


def _disclosure(user_id: int, slug: str, reference: str, days_ago: int, **extra) -> None:
    party = db.session.scalar(select(ThirdParty).where(ThirdParty.slug == slug))
    db.session.add(
        Disclosure(
            user_id=user_id,
            kind=DisclosureKind.TRANSFER,
            third_party_id=party.id,
            recipient=party.name,
            categories=list(party.categories),
            purpose=party.purpose,
            reference=reference,
            outcome="accepted (HTTP 201)",
            disclosed_at=utcnow() - timedelta(days=days_ago),
            **extra,
        )
    )


def test_newest_first_and_only_the_sellers_own(app, client, auth, seller, other_seller):
    with app.app_context():
        _disclosure(seller["id"], "dhl", "KS-OLDEST", 30)
        _disclosure(seller["id"], "woocommerce", "KS-NEWEST", 1)
        _disclosure(seller["id"], "sendparcel", "KS-MIDDLE", 10)
        _disclosure(other_seller["id"], "dhl", "KS-NOTYOURS", 2)
        db.session.commit()
    auth.login()
    page = client.get("/account/disclosures").get_data(as_text=True)
    positions = [page.index(ref) for ref in ("KS-NEWEST", "KS-MIDDLE", "KS-OLDEST")]
    assert positions == sorted(positions)
    assert "KS-NOTYOURS" not in page
    # Filtering by a party the other seller used still shows only this seller's rows.
    page = client.get("/account/disclosures?party=dhl").get_data(as_text=True)
    assert "KS-OLDEST" in page
    assert "KS-NOTYOURS" not in page and "KS-NEWEST" not in page and "KS-MIDDLE" not in page


def test_the_filter_lists_the_parties_the_seller_dealt_with(app, client, auth, seller):
    with app.app_context():
        _disclosure(seller["id"], "dhl", "KS-1", 1)
        db.session.commit()
    auth.login()
    page = client.get("/account/disclosures").get_data(as_text=True)
    assert '<option value="dhl"' in page
    assert '<option value="sendparcel"' not in page
    empty = client.get("/account/disclosures?party=sendparcel").get_data(as_text=True)
    assert "Nothing of yours went to this recipient." in empty


def test_pages_keep_the_filter(app, client, auth, seller):
    with app.app_context():
        for n in range(25):
            _disclosure(seller["id"], "dhl", f"KS-D{n:02d}", n + 1)
        _disclosure(seller["id"], "sendparcel", "KS-S", 0)
        db.session.commit()
    auth.login()
    first = client.get("/account/disclosures?party=dhl").get_data(as_text=True)
    assert "KS-D00" in first and "KS-D24" not in first
    assert "/account/disclosures?page=2&amp;party=dhl" in first
    second = client.get("/account/disclosures?page=2&party=dhl").get_data(as_text=True)
    assert "KS-D24" in second and "KS-S" not in second


def test_the_query_count_does_not_grow_with_the_rows(app, client, auth, seller):
    auth.login()
    counts = []
    for total in (1, 20):
        with app.app_context():
            for n in range(total):
                _disclosure(seller["id"], "dhl", f"KS-{total}-{n}", n)
            db.session.commit()
        with QueryCounter(app) as counter:
            assert client.get("/account/disclosures").status_code == 200
        counts.append(len(counter.statements))
    assert counts[0] == counts[1]
