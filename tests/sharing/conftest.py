"""Fixtures for the sharing tests: a partner's HTTPS endpoint on loopback, and an app whose
DHL connector posts to it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from portal.clock import local_today
from portal.extensions import db
from portal.profile.models import SellerProfile
from tests.partner import every_party_to, speak_json


@pytest.fixture
def app(make_app, partner):
    """Every party posts to the loopback partner; retries come fast and time-outs soon."""
    app = make_app(**every_party_to(partner), SHARING_TOKENS={"dhl": "dhl-test-token"})
    speak_json(app)
    return app


def give_address(user_id: int, **fields) -> None:
    profile = db.session.get(SellerProfile, user_id) or SellerProfile(user_id=user_id)
    profile.display_name = fields.get("display_name", "Mei Ling Batik")
    profile.address_line1 = fields.get("address_line1", "12 Jalan Bunga Raya")
    profile.address_line2 = fields.get("address_line2", "")
    profile.city = fields.get("city", "Shah Alam")
    profile.postcode = fields.get("postcode", "40000")
    profile.state = fields.get("state", "MY-10")
    profile.country = fields.get("country", "MY")
    db.session.add(profile)
    db.session.commit()


@pytest.fixture
def ready_seller(app, seller):
    """The seller, with a shop name and an address: everything a pickup needs."""
    with app.app_context():
        give_address(seller["id"])
    return seller


def tomorrow(app) -> str:
    with app.app_context():
        return (local_today() + timedelta(days=1)).isoformat()
