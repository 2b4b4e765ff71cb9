"""Fixtures for the DHL connector's tests: the MyDHL API on loopback (one server a test
process, emptied for each test, and the test fails on any request off the published schema),
an app whose DHL party speaks MyDHL to it, and a seller with every field of the profile
filled in."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.profile.models import BankAccount, SellerProfile
from portal.profile.services import account_number_digest
from portal.sharing.models import Disclosure
from portal.shipping.models import Pickup
from tests.contracts import mydhl
from tests.contracts.server import serve_api
from tests.sharing.conftest import tomorrow

# What the seller with every field filled in holds: all of it personal, none of it but the
# name, address and phone is DHL's to receive.
SELLER = dict(
    full_name="Nur Aisyah binti Kamaruddin",
    email="aisyah.dhl@example.com",
    phone_e164="+60194412378",
    date_of_birth="1991-03-14",
    shop_name="Aisyah Songket Perlis",
    line1="Lot 27 Jalan Bukit Lagi",
    line2="Kampung Sena",
    city="Kangar",
    postcode="01000",  # Perlis: the leading zero must survive
    state="MY-09",
    country="MY",
    bank_number="162045778812",
    holder_name="Nur Aisyah binti Kamaruddin",
)


@pytest.fixture(scope="session")
def _mydhl_server(tmp_path_factory):
    with serve_api(tmp_path_factory.mktemp("mydhl"), mydhl.BASE_PATH, mydhl.routes()) as api:
        yield api


@pytest.fixture
def dhl_api(_mydhl_server):
    """The MyDHL API, emptied; the test fails if a request broke the published schema."""
    api = _mydhl_server
    api.calls.clear()
    api.violations.clear()
    api.scripted.clear()
    api.state.clear()
    yield api
    assert api.violations == []


@pytest.fixture
def app(make_app, dhl_api):
    """DHL is reached through its own connector (no speak_json): fast retries, short waits."""
    return make_app(
        SHARING_ENDPOINTS={"dhl": dhl_api.url},
        SHARING_CREDENTIALS={"dhl": dict(mydhl.CREDENTIALS)},
        SHARING_CA_FILE=dhl_api.ca_file,
        SHARING_RETRY_DELAY=0.01,
        SHARING_TIMEOUT=1.0,
        SHARING_MAX_WAIT=2.0,
    )


@pytest.fixture
def full_seller(app):
    """A seller with every field filled in: name, email, phone, date of birth, shop name,
    address and bank account."""
    from datetime import date

    from tests.support import PASSWORD, make_seller

    with app.app_context():
        user = make_seller(
            SELLER["email"],
            full_name=SELLER["full_name"],
            phone_e164=SELLER["phone_e164"],
            date_of_birth=date.fromisoformat(SELLER["date_of_birth"]),
        )
        db.session.add(
            SellerProfile(
                user_id=user.id,
                display_name=SELLER["shop_name"],
                address_line1=SELLER["line1"],
                address_line2=SELLER["line2"],
                city=SELLER["city"],
                postcode=SELLER["postcode"],
                state=SELLER["state"],
                country=SELLER["country"],
            )
        )
        db.session.add(
            BankAccount(
                user_id=user.id,
                bank_code="maybank",
                holder_name=SELLER["holder_name"],
                account_number=SELLER["bank_number"],
                account_number_last4=SELLER["bank_number"][-4:],
                account_number_digest=account_number_digest(SELLER["bank_number"]),
            )
        )
        db.session.commit()
        return {"id": user.id, "email": user.email, "password": PASSWORD}


@pytest.fixture
def logged_in(client, auth, full_seller):
    auth.login(full_seller["email"], full_seller["password"])
    return full_seller


def book(app, client, day: str | None = None, size: str = "medium"):
    """Book a DHL pickup through the pages, as the seller does: the check page, then the
    confirmation with the digest of what was shown. Returns the response to the confirm."""
    form = {"courier": "dhl", "pickup_date": day or tomorrow(app), "parcel_size": size}
    preview = client.post("/shipping/pickup", data=form).get_data(as_text=True)
    digest = re.search(r'name="digest" value="([0-9a-f]{64})"', preview).group(1)
    return client.post("/shipping/pickup/confirm", data={**form, "digest": digest})


def recorded(app) -> tuple[int, int]:
    """How many disclosures and pickups the portal recorded."""
    with app.app_context():
        disclosures = len(db.session.scalars(select(Disclosure.id)).all())
        pickups = len(db.session.scalars(select(Pickup.id)).all())
    return disclosures, pickups
