"""An incident's timeline is append-only: entries are added, never changed or removed,
whatever the code path; only the retention rule removes a breach, whole."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import delete, select, text, update

from portal.auth.models import User
from portal.breaches import services as breaches
from portal.breaches.guard import TimelineIsAppendOnly
from portal.breaches.models import BreachEvent, BreachNotice
from portal.extensions import db
from tests.breaches.conftest import DISCOVERED, a_breach, bulk_sellers
from tests.support import PASSWORD, client_as


def _entry(app, staff_id):
    breach = a_breach(staff_id)
    breaches.add_note(breach, db.session.get(User, staff_id), "Vendor confirmed the leak")
    db.session.commit()
    return breach, db.session.scalars(select(BreachEvent).where(BreachEvent.kind == "note")).one()


def test_an_entry_cannot_be_changed_through_the_orm(app, staff):
    with app.app_context():
        _breach, entry = _entry(app, staff["dpo"])
        entry.note = "nothing happened"
        with pytest.raises(TimelineIsAppendOnly):
            db.session.flush()
        db.session.rollback()
        assert db.session.get(BreachEvent, entry.id).note == "Vendor confirmed the leak"


def test_an_entry_cannot_be_deleted_through_the_orm(app, staff):
    with app.app_context():
        _breach, entry = _entry(app, staff["dpo"])
        db.session.delete(entry)
        with pytest.raises(TimelineIsAppendOnly):
            db.session.flush()


@pytest.mark.parametrize(
    "statement",
    [
        lambda: update(BreachEvent).values(note="x"),
        lambda: delete(BreachEvent),
        lambda: text("UPDATE breach_events SET note = 'x'"),
        lambda: text("DELETE FROM breach_events"),
    ],
)
def test_bulk_and_textual_writes_are_refused(app, staff, statement):
    with app.app_context():
        _entry(app, staff["dpo"])
        with pytest.raises(TimelineIsAppendOnly):
            db.session.execute(statement())
        db.session.rollback()
        assert db.session.scalar(select(BreachEvent.note).where(BreachEvent.kind == "note"))


def test_the_page_adds_notes_and_offers_no_way_to_change_them(app, staff):
    with app.app_context():
        breach_id = a_breach(staff["dpo"]).id
    client = client_as(app, "dpo@staff.example", PASSWORD)
    assert client.post(f"/admin/breaches/{breach_id}/note", data={"note": ""}).status_code == 400
    response = client.post(f"/admin/breaches/{breach_id}/note", data={"note": "Passwords reset"})
    assert response.status_code == 302
    page = client.get(f"/admin/breaches/{breach_id}").get_data(as_text=True)
    assert "Passwords reset" in page and "Breach recorded" in page
    assert not [r for r in app.url_map.iter_rules() if "breaches" in r.rule and "edit" in r.rule]


def test_the_retention_rule_removes_old_breaches_whole(app, staff):
    with app.app_context():
        old, _entry_row = _entry(app, staff["dpo"])
        seller = bulk_sellers(1)[0]
        db.session.add(BreachNotice(breach_id=old.id, user_id=seller))
        recent = a_breach(staff["dpo"], discovered_at=DISCOVERED + timedelta(days=800))
        db.session.commit()
        old, recent = old.id, recent.id
        cutoff = DISCOVERED + timedelta(days=1)
        assert breaches.delete_discovered_before(cutoff, dry_run=True) == 1
        assert breaches.delete_discovered_before(cutoff) == 1
        db.session.commit()
        assert breaches.get_breach(old) is None and breaches.get_breach(recent)
        left = db.session.scalars(select(BreachEvent.breach_id)).all()
        assert set(left) == {recent}
        assert db.session.scalar(select(BreachNotice.id)) is None
