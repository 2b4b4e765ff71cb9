"""How long requests are kept: codes go once used or expired; a closed request goes six
years after it closed, an open one never; the seller's own export lists their requests."""

from __future__ import annotations

from datetime import timedelta

from freezegun import freeze_time
from sqlalchemy import func, select

from portal.clock import add_months
from portal.extensions import db
from portal.requests.models import PrivacyRequest, RequestCode
from portal.retention import job
from portal.retention.rules import Run
from tests.requests.conftest import RECEIVED, file_as_seller
from tests.support import client_as


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def _run(app, when):
    with app.test_request_context():
        return job.run(Run(now=when))


def test_closed_requests_go_six_years_after_closing_and_open_ones_stay(app, seller, dpo):
    answered, _ = file_as_seller(app, seller)
    still_open, _ = file_as_seller(app, seller, kind="correction")
    closed_at = RECEIVED + timedelta(days=2)
    with freeze_time(closed_at):
        response = client_as(app, dpo).post(
            f"/admin/requests/{answered}/answer", data={"text": "We hold your account data."}
        )
        assert response.status_code == 302
    six_years = add_months(closed_at, 72)
    _run(app, six_years - timedelta(days=1))
    assert _count(app, PrivacyRequest) == 2
    _run(app, six_years + timedelta(days=1))
    with app.app_context():
        assert db.session.scalars(select(PrivacyRequest.id)).all() == [still_open]


def test_spent_codes_go_with_the_tokens(app, client):
    with freeze_time(RECEIVED):
        client.post(
            "/privacy/request",
            data={"email": "a@example.com", "kind": "deletion", "details": "Delete me"},
        )
    assert _count(app, RequestCode) == 1
    _run(app, RECEIVED + timedelta(minutes=5))
    assert _count(app, RequestCode) == 1
    _run(app, RECEIVED + timedelta(minutes=11))
    assert _count(app, RequestCode) == 0


def test_the_sellers_export_lists_their_own_requests_only(app, seller, other_seller):
    import io
    import json
    import zipfile

    mine, _ = file_as_seller(app, seller, details="Send me my data")
    file_as_seller(app, other_seller, details="Someone else's words")
    client = client_as(app, seller["email"])
    response = client.post("/account/export", data={})
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    data = json.loads(archive.read("data.json"))
    [own] = data["tables"]["privacy_requests"]
    assert (own["id"], own["details"], own["due_on"]) == (mine, "Send me my data", "2027-03-23")
    assert "Someone else's words" not in json.dumps(data)
    assert "privacy_requests" in archive.read("README.txt").decode()
