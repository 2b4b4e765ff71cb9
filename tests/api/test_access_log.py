"""Every answer about a seller is in that seller's access log as the marketplace's, and the
seller reads it as "Koopseri marketplace", in English and in Malay; refusals record nothing."""

from __future__ import annotations

import html
import re

from sqlalchemy import select

from portal.accesslog.models import StaffAccess
from portal.extensions import db
from tests.api.conftest import ask

ROW = re.compile(r'<tr class="access-entry">(.*?)</tr>', re.S)
CELL = re.compile(r"<td[^>]*>(.*?)</td>", re.S)
TAG = re.compile(r"<[^>]+>")


def _rows(page: str) -> list[list[str]]:
    return [
        [html.unescape(TAG.sub("", cell)).strip() for cell in CELL.findall(row)]
        for row in ROW.findall(page)
    ]


def _entries(app, seller_id: int) -> list[tuple]:
    with app.app_context():
        return [
            (entry.staff_id, entry.staff_role, entry.subject, entry.object_id, entry.reason)
            for entry in db.session.scalars(
                select(StaffAccess).where(StaffAccess.seller_id == seller_id)
            )
        ]


def test_every_answer_is_recorded_as_the_marketplaces(app, client, seller, other_seller):
    for _ in range(3):
        assert ask(client, seller["id"]).status_code == 200
    assert (
        _entries(app, seller["id"])
        == [(None, "marketplace", "verification_status", None, None)] * 3
    )
    assert _entries(app, other_seller["id"]) == []


def test_refusals_record_nothing(app, client, seller):
    assert ask(client, seller["id"], None).status_code == 401
    assert ask(client, seller["id"], "x" * 40).status_code == 401
    assert client.post(f"/api/v1/sellers/{seller['id']}/status").status_code == 405
    assert _entries(app, seller["id"]) == []


def test_the_seller_reads_the_look_in_english_and_in_malay(app, client, seller, auth):
    ask(app.test_client(), seller["id"])
    auth.login()
    page = client.get("/account/access-log").get_data(as_text=True)
    ((when, who, what, why),) = _rows(page)
    assert when
    assert who == "Koopseri marketplace"
    assert what == "Your verification status (what is due and by when)"
    assert why == "To know whether your shop may sell on the marketplace"
    assert "the Koopseri marketplace" in page  # the page says who may appear

    client.post("/language", data={"language": "ms", "next": "/account/access-log"})
    page = client.get("/account/access-log").get_data(as_text=True)
    ((when, who, what, why),) = _rows(page)
    assert who == "Pasaran Koopseri"
    assert what == "Status pengesahan anda (apa yang perlu dan bila)"
    assert why == "Untuk mengetahui sama ada kedai anda boleh menjual di pasaran"
