"""Every version in English and Malay: both shown with a switch, the diff in either, the
language of each consent recorded, and translations as immutable as the versions."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from portal.auth import services as auth
from portal.extensions import db
from portal.outbox.models import OutboxMessage
from portal.policy import publishing, services
from portal.policy.models import ConsentRecord, PolicyTranslation
from tests.support import PASSWORD, AuthActions, make_seller

CONTENT = Path(__file__).resolve().parents[2] / "portal" / "policy" / "content"
MALAY_V1 = (CONTENT / "v1.ms.md").read_text(encoding="utf-8")
NOTE = "the English text prevails"
V2 = "We collect your name.\n\nWe never sell it.\n"
V2_MS = "Kami mengumpul nama anda.\n\nKami tidak pernah menjualnya.\n"


def _publish_v2(app) -> None:
    with app.test_request_context():
        publishing.publish(V2, body_ms=V2_MS, summary="No selling", summary_ms="Tiada jualan")
        db.session.commit()


def test_version_1_is_published_in_malay_marked_as_a_translation(client):
    assert MALAY_V1.startswith("# Dasar Privasi Penjual Koopseri")
    assert "versi Bahasa Inggeris hendaklah diguna pakai" in MALAY_V1
    english = client.get("/privacy").get_data(as_text=True)
    assert "We value your privacy." in english and "Kami menghargai privasi anda." not in english
    malay = client.get("/privacy?lang=ms").get_data(as_text=True)
    assert "Kami menghargai privasi anda." in malay and "We value your privacy." not in malay
    assert NOTE in malay  # the page's own note, in the page's language (English here)
    assert 'href="/privacy?lang=en"' in malay and 'href="/privacy?lang=ms"' in english


def test_a_malay_reader_gets_the_malay_text_without_asking(client):
    client.post("/language", data={"language": "ms", "next": "/"})
    page = client.get("/privacy/1").get_data(as_text=True)
    assert "Kami menghargai privasi anda." in page
    assert "We value your privacy." in client.get("/privacy/1?lang=en").get_data(as_text=True)


def test_the_diff_works_in_either_language(app, client):
    _publish_v2(app)
    english = client.get("/privacy/changes?from=1&to=2&lang=en").get_data(as_text=True)
    malay = client.get("/privacy/changes?from=1&to=2&lang=ms").get_data(as_text=True)
    assert "<ins>never</ins>" in english or "never" in english
    assert "menjualnya" in malay and "menghargai" in malay  # added and removed Malay words
    assert "menjualnya" not in english
    assert "Tiada jualan" in malay and "Tiada jualan" not in english  # the history's summaries
    # The compare form keeps the language.
    assert 'name="lang" value="ms"' in malay


def test_an_unknown_language_falls_back_to_the_page_s_own(client):
    page = client.get("/privacy?lang=xx").get_data(as_text=True)
    assert "We value your privacy." in page


def test_accepting_in_malay_records_malay(app, client, seller):
    _publish_v2(app)
    AuthActions(client).login(seller["email"], PASSWORD)
    page = client.get("/privacy/accept?lang=ms").get_data(as_text=True)
    assert "Kami tidak pernah menjualnya." in page and "Tiada jualan" in page
    assert 'name="language" type="hidden" value="ms"' in page
    response = client.post(
        "/privacy/accept?lang=ms", data={"version": "2", "language": "ms", "accept": "y"}
    )
    assert response.status_code == 302
    with app.app_context():
        languages = db.session.scalars(
            select(ConsentRecord.language)
            .where(ConsentRecord.user_id == seller["id"])
            .order_by(ConsentRecord.id)
        ).all()
    assert languages == ["en", "ms"]  # registered in English, accepted version 2 in Malay
    consent = client.get("/account/consent").get_data(as_text=True)
    assert "Bahasa Melayu" in consent and "Kami tidak pernah menjualnya." in consent


def test_a_made_up_language_is_refused_and_nothing_recorded(app, client, seller):
    _publish_v2(app)
    AuthActions(client).login(seller["email"], PASSWORD)
    response = client.post(
        "/privacy/accept", data={"version": "2", "language": "xx", "accept": "y"}
    )
    assert response.status_code == 400
    with app.app_context():
        count = db.session.scalar(
            select(db.func.count()).where(ConsentRecord.user_id == seller["id"])
        )
    assert count == 1


def test_the_change_email_to_a_malay_seller_is_in_malay(app):
    with app.app_context():
        make_seller("ms@example.com", locale="ms")
    _publish_v2(app)
    with app.test_request_context():
        publishing.notify_sellers(services.get_version(2), auth.active_sellers)
        body = db.session.scalar(
            select(OutboxMessage.body_text).where(OutboxMessage.recipient == "ms@example.com")
        )
    assert "Tiada jualan" in body and "lang=ms" in body


def test_translations_cannot_be_changed_or_deleted(app):
    with app.app_context():
        for statement in (
            "UPDATE policy_translations SET body_markdown = 'changed'",
            "DELETE FROM policy_translations",
        ):
            with pytest.raises(DBAPIError, match="cannot be changed"):
                db.session.execute(text(statement))
            db.session.rollback()
        assert db.session.scalar(select(PolicyTranslation.body_markdown)) == MALAY_V1


def test_the_registry_of_third_parties_reads_in_malay(client):
    english = client.get("/third-parties").get_data(as_text=True)
    client.post("/language", data={"language": "ms", "next": "/"})
    malay = client.get("/third-parties").get_data(as_text=True)
    assert "Collect a seller&#39;s parcels" in english or "Collect a seller's parcels" in english
    assert "Mengambil bungkusan penjual dari alamat yang diberikan" in malay
    assert "Collect a seller" not in malay
