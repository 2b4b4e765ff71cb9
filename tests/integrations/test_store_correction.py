"""A corrected value owed to the seller's own store (PDPA s.35) reaches the customer record the
portal made there, with the store's keys, as the seller's own phone change leaves the profile
page; a courier whose API has no way to take a correction is listed for staff at once."""

from __future__ import annotations

import time

from sqlalchemy import select

from portal.extensions import db
from portal.sharing import connectors
from portal.sharing.models import Correction, CorrectionReason, CorrectionStatus
from tests.contracts.server import json_paths
from tests.integrations.conftest import connect

NEW_PHONE = "012-777 8899"


def _corrections(app) -> list[Correction]:
    with app.app_context():
        return list(db.session.scalars(select(Correction).order_by(Correction.id)))


def _wait_for(condition, seconds: float = 5.0) -> None:
    """The correction leaves after the response (portal.deferred): wait for it, briefly."""
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)


def test_a_corrected_phone_updates_the_store_customer_record(app, store, browser, shop):
    page = browser.submit(connect(browser, shop), "/integrations/woocommerce/confirm")
    assert "Your store is connected." in page.shown
    (created,) = store.calls_to("POST", "/customers")

    page = browser.submit(
        browser.get("/profile/contact"),
        "/profile/contact",
        {
            "Phone number": NEW_PHONE,
        },
    )
    assert page.status == 200

    _wait_for(lambda: store.calls_to("PUT"))
    (put,) = store.calls_to("PUT")
    customer_id = list(store.state["customers"])[0]
    assert put.path == f"/customers/{customer_id}"
    assert json_paths(put.body) == {"$.billing.phone": "+60127778899"}  # the phone, alone
    _wait_for(lambda: _corrections(app)[0].status == CorrectionStatus.SENT)
    (correction,) = _corrections(app)
    assert (correction.category, correction.status) == ("phone", CorrectionStatus.SENT)
    assert created.body["billing"]["phone"] != put.body["billing"]["phone"]


def test_without_the_store_keys_the_correction_goes_to_staff(
    app, store, browser, shop, monkeypatch
):
    # As in production, where nothing is parked in a development folder instead.
    monkeypatch.setattr(connectors, "is_development", lambda _app: False)
    page = browser.submit(connect(browser, shop), "/integrations/woocommerce/confirm")
    assert "Your store is connected." in page.shown
    from portal.integrations.models import StoreConnection

    with app.app_context():  # a store connected before the portal kept keys
        connection = db.session.scalar(select(StoreConnection))
        connection.consumer_key = connection.consumer_secret = None
        db.session.commit()

    browser.submit(browser.get("/profile/contact"), "/profile/contact", {"Phone number": NEW_PHONE})
    _wait_for(lambda: _corrections(app) and _corrections(app)[0].status != CorrectionStatus.PENDING)
    (correction,) = _corrections(app)
    assert correction.status == CorrectionStatus.STAFF
    assert correction.reason == CorrectionReason.NO_ENDPOINT
    assert store.calls_to("PUT") == []
