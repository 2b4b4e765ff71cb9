"""Shared set-up for the requests tests: a DPO, and a seller's request filed at a known time."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from freezegun import freeze_time

from tests.support import client_as, make_staff

# 00:30 on 2 March in Malaysia (16:30 UTC the day before): the day of receipt is 2 March,
# so the 21 days end with 23 March, Malaysia time.
RECEIVED = datetime(2027, 3, 1, 16, 30, tzinfo=UTC)


@pytest.fixture
def dpo(app):
    with app.app_context():
        make_staff("dpo@staff.example", "dpo")
    return "dpo@staff.example"


def reference_in(page: str) -> str:
    return re.search(r"DSR-[2-9A-Z]{8}", page).group(0)


def file_as_seller(app, seller, kind="access", details="Please send me everything you hold."):
    """The seller makes a request at RECEIVED through the form; returns (id, page)."""
    with freeze_time(RECEIVED):
        client = client_as(app, seller["email"])
        response = client.post("/account/requests", data={"kind": kind, "details": details})
        assert response.status_code == 302, response.get_data(as_text=True)
        request_id = int(response.headers["Location"].rsplit("/", 1)[1])
        page = client.get(response.headers["Location"]).get_data(as_text=True)
    return request_id, page
