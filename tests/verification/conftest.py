"""What the verification tests share: a seller with only the address missing, and an app
that delivers its mail over a real SMTP server on loopback."""

from __future__ import annotations

import pytest

from portal.extensions import db
from portal.profile import services as profile
from tests.support import give_identity, make_seller

ADDRESS = profile.Address(
    address_line1="1 Jalan Besar",
    address_line2=None,
    city="Kuantan",
    postcode="25000",
    state="MY-06",
    country="MY",
)


@pytest.fixture
def mailed(make_app, smtp_server):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    return app, smtp_server.handler.received


def a_seller_without_an_address(email="aisyah@example.com", **fields) -> int:
    """An approved MyKad and a bank account in their name: only the address is missing."""
    user = make_seller(email, **fields)
    give_identity(user)
    profile.update_financial(
        user,
        profile.Financial("maybank", None, user.full_name, "123456789012"),
        actor=user,
    )
    db.session.commit()
    return user.id
