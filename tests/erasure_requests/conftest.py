"""A seller with pickups and a connected store, erased; the parties reached over loopback
HTTPS (the door's generic JSON, tests/partner.py) or through a stand-in connector that says
what a courier's API says of an erasure; party mail over a real SMTP server on loopback."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from sqlalchemy import select, text, update

from portal import erasure
from portal.clock import local_today
from portal.erasure import ErasureRequest
from portal.extensions import db
from portal.integrations.models import StoreConnection
from portal.sharing import parties
from portal.sharing import services as sharing
from portal.sharing.connectors import Receipt
from portal.sharing.models import ThirdParty
from portal.shipping.models import Pickup
from tests.partner import Reply, every_party_to, speak_json
from tests.sharing.conftest import give_address
from tests.support import make_seller

# Everything personal the seller below has, for the checks that none of it stays or leaves.
SELLER = {
    "name": "Aminah binti Yusof",
    "email": "aminah.yusof@example.com",
    "phone": "+60197654321",
    "shop": "Aminah Batik Ipoh",
    "address_line1": "7 Jalan Mawar Merah",
    "city": "Ipoh",
    "postcode": "30450",
    "store_url": "https://aminah-batik.example",
    "key": "ck_0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c",
    "secret": "cs_9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b",
}
# The same, as they may be written elsewhere (the phone in national form, the URL's host).
PERSONAL = [*SELLER.values(), "Aminah", "019-765 4321", "197654321", "aminah-batik"]


@pytest.fixture
def app(make_app, partner, smtp_server):
    """Every party posts to the loopback partner; mail leaves by SMTP to the loopback server."""
    app = make_app(**every_party_to(partner), MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    speak_json(app)
    return app


@dataclass
class Seller:
    id: int
    disclosures: dict[str, str]  # our references, by what they were for


def seller_with_pickups_and_store(app, partner, email: str = SELLER["email"]) -> Seller:
    """Three DHL pickups (one still to come, one past, one cancelled) and a WooCommerce store
    with the seller's own keys and the customer the portal created there (id 77)."""
    references = {}
    with app.test_request_context():
        user = make_seller(email, full_name=SELLER["name"], phone_e164=SELLER["phone"])
        give_address(
            user.id,
            display_name=SELLER["shop"],
            address_line1=SELLER["address_line1"],
            city=SELLER["city"],
            postcode=SELLER["postcode"],
            state="MY-08",
        )
        dhl = sharing.party_by_slug("dhl")
        today = local_today()
        for name, day, status in (
            ("open", today + timedelta(days=2), "booked"),
            ("past", today - timedelta(days=3), "booked"),
            ("cancelled", today + timedelta(days=4), "cancelled"),
        ):
            partner.answer(Reply(201, {"reference": f"DHL-{name.upper()}"}))
            disclosure = sharing.share(user, dhl, ("name", "address", "phone"), request={})
            references[name] = disclosure.reference
            db.session.add(
                Pickup(
                    user_id=user.id,
                    third_party_id=dhl.id,
                    pickup_date=day,
                    parcel_size="small",
                    disclosure_id=disclosure.id,
                    status=status,
                )
            )
        store = sharing.party_by_slug("woocommerce")
        partner.answer(Reply(201, {"reference": "WOO-1"}))
        disclosure = sharing.share(user, store, ("shop_name", "email", "phone"), request={})
        references["store"] = disclosure.reference
        db.session.add(
            StoreConnection(
                user_id=user.id,
                third_party_id=store.id,
                store_url=SELLER["store_url"],
                disclosure_id=disclosure.id,
                consumer_key=SELLER["key"],
                consumer_secret=SELLER["secret"],
                key_hint=SELLER["key"][-4:],
                customer_id="77",
            )
        )
        db.session.commit()
        return Seller(user.id, references)


def erase(app, user_id: int) -> None:
    with app.test_request_context():
        erasure.erase_account(user_id, reason="retention")
        db.session.commit()


def send(app) -> int:
    """The retention run's follow-up; the mail it writes is handed over as the context ends."""
    with app.test_request_context():
        return erasure.send_erasure_requests()


def requests_by_party(app) -> dict[str, ErasureRequest]:
    with app.app_context():
        slugs = dict(db.session.execute(select(ThirdParty.id, ThirdParty.slug)).all())
        found = {slugs[r.third_party_id]: r for r in db.session.scalars(select(ErasureRequest))}
        db.session.expunge_all()
        return found


def raw_rows(app) -> list[dict]:
    """Every erasure request row as the database holds it (the sealed column unopened)."""
    with app.app_context():
        return [
            dict(row._mapping) for row in db.session.execute(text("SELECT * FROM erasure_requests"))
        ]


def set_party(app, slug: str, **values) -> None:
    with app.app_context():
        db.session.execute(update(ThirdParty).where(ThirdParty.slug == slug).values(**values))
        db.session.commit()


@dataclass
class StandIn:
    """A party's connector as the tests need it: what the party's API would say of an erasure
    (``erased`` False: it cancelled what it could, but keeps records only its privacy contact
    can erase), or the failure it raises; and every message and credentials it was handed."""

    erased: bool = True
    outcome: str = "erased through the API"
    fails: Exception | None = None
    messages: list = field(default_factory=list)

    def make(self, party, credentials=None):
        self.credentials = credentials
        return self

    def send(self, message):
        self.messages.append(message)
        if self.fails is not None:
            raise self.fails
        return Receipt(reference=None, outcome=self.outcome, erased=self.erased)


@pytest.fixture
def stand_in(monkeypatch):
    """``stand_in(app, slug, **how)``: the registry's ``slug`` party speaks through a new
    :class:`StandIn` registered in ``parties.CONNECTORS`` for this test only."""

    def use(app, slug: str, **how) -> StandIn:
        connector = StandIn(**how)
        monkeypatch.setitem(parties.CONNECTORS, f"test-{slug}", connector.make)
        set_party(app, slug, connector=f"test-{slug}")
        return connector

    return use
