"""The two clocks of PDPA s.12B: the Commissioner's notice within 72 hours of discovery (late
only with written reasons), the follow-up within 30 days of that notice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time

from portal.auth.models import User
from portal.breaches import services as breaches
from portal.breaches.clocks import ClockKind
from portal.clock import utcnow
from portal.extensions import db
from tests.breaches.conftest import DISCOVERED, a_breach
from tests.support import PASSWORD, client_as

HOUR_72 = DISCOVERED + timedelta(hours=72)


def _clock(kind):
    return next(c for c in breaches.open_clocks() if c.kind == kind)


@pytest.mark.parametrize(
    ("at", "overdue"),
    [
        (HOUR_72 - timedelta(minutes=1), False),
        (HOUR_72, False),
        (HOUR_72 + timedelta(seconds=1), True),
    ],
)
def test_the_commissioner_clock_is_due_at_the_72nd_hour(app, staff, at, overdue):
    with app.app_context():
        a_breach(staff["dpo"])
        clock = _clock(ClockKind.COMMISSIONER)
        assert clock.due_at == HOUR_72
        assert clock.overdue(at) is overdue


def test_a_notice_at_the_72nd_hour_needs_no_reason(app, staff):
    with app.app_context():
        breach = a_breach(staff["dpo"])
        with freeze_time(HOUR_72):
            breaches.record_commissioner_notice(breach, db.session.get(User, staff["dpo"]))
        assert breach.commissioner_notified_at == HOUR_72 and breach.late_reason is None
        assert [c.kind for c in breaches.open_clocks()] == [ClockKind.FOLLOW_UP]


def test_a_notice_after_the_72nd_hour_needs_the_reason(app, staff):
    with app.app_context():
        breach = a_breach(staff["dpo"])
        dpo = db.session.get(User, staff["dpo"])
        with freeze_time(HOUR_72 + timedelta(seconds=1)):
            with pytest.raises(breaches.LateReasonRequired):
                breaches.record_commissioner_notice(breach, dpo, late_reason="  ")
            assert breach.commissioner_notified_at is None
            breaches.record_commissioner_notice(breach, dpo, late_reason="Weekend; no access")
        assert breach.late_reason == "Weekend; no access"


def test_the_late_notice_through_the_page_asks_for_the_reason(app, staff):
    with app.app_context():
        breach_id = a_breach(staff["dpo"]).id
    url = f"/admin/breaches/{breach_id}/commissioner"
    with freeze_time(HOUR_72 + timedelta(hours=1)):
        client = client_as(app, "dpo@staff.example", PASSWORD)
        page = client.get(f"/admin/breaches/{breach_id}")
        assert "overdue by" in page.get_data(as_text=True)
        refused = client.post(url, data={"late_reason": ""})
        assert refused.status_code == 400
        assert "give the reasons for the delay" in refused.get_data(as_text=True)
        done = client.post(url, data={"late_reason": "The server logs took a day to read."})
        assert done.status_code == 302
    with app.app_context():
        breach = breaches.get_breach(breach_id)
        assert breach.late_reason == "The server logs took a day to read."
        kinds = [entry.event.kind for entry in breaches.timeline(breach_id)]
        assert kinds == ["recorded", "commissioner_notified"]


@pytest.mark.parametrize(
    ("days", "overdue"),
    [(timedelta(days=30), False), (timedelta(days=30, seconds=1), True)],
)
def test_the_follow_up_is_due_30_days_after_the_first_notice(app, staff, days, overdue):
    with app.app_context():
        breach = a_breach(staff["dpo"])
        notified = DISCOVERED + timedelta(hours=10)
        with freeze_time(notified):
            breaches.record_commissioner_notice(breach, db.session.get(User, staff["dpo"]))
        db.session.commit()
        clock = _clock(ClockKind.FOLLOW_UP)
        assert clock.due_at == notified + timedelta(days=30)
        assert clock.overdue(notified + days) is overdue
        with freeze_time(notified + days):
            breaches.record_follow_up(breach, db.session.get(User, staff["dpo"]), "Root cause")
        assert breaches.open_clocks() == []


def test_both_clocks_show_on_the_back_office_home_with_the_time_left(app, staff):
    with app.app_context():
        a_breach(staff["dpo"], discovered_at=DISCOVERED)
    with freeze_time(DISCOVERED + timedelta(hours=24)):
        client = client_as(app, "dpo@staff.example", PASSWORD)
        page = client.get("/admin/").get_data(as_text=True)
        reviewer = client_as(app, "reviewer@staff.example", PASSWORD)
        reviewer_page = reviewer.get("/admin/").get_data(as_text=True)
    assert "Breach clocks" in page and "BR-" in page
    assert "2 days left" in page
    assert "Breach clocks" not in reviewer_page


def test_a_breach_cannot_be_discovered_in_the_future(app, staff):
    with app.app_context(), pytest.raises(breaches.BreachError):
        a_breach(staff["dpo"], discovered_at=utcnow() + timedelta(hours=1), now=utcnow())


def test_a_notice_sent_earlier_by_email_is_recorded_at_the_time_it_went(app, staff):
    """Sent within the 72 hours, recorded after them: on time, no reason asked. The time is
    typed as staff read it off their sent mail, Malaysia time."""
    with app.app_context():
        breach_id = a_breach(staff["dpo"]).id  # 1 Dec 2026, 2:30 pm in Malaysia
    url = f"/admin/breaches/{breach_id}/commissioner"
    with freeze_time(HOUR_72 + timedelta(days=2)):
        client = client_as(app, "dpo@staff.example", PASSWORD)
        half = client.post(url, data={"sent_on": "3/12/2026", "sent_time": ""})
        assert half.status_code == 400
        assert "Give both the day and the time it was sent" in half.get_data(as_text=True)
        future = client.post(url, data={"sent_on": "31/12/2026", "sent_time": "09:00"})
        assert future.status_code == 400
        assert "cannot be sent in the future" in future.get_data(as_text=True)
        before = client.post(url, data={"sent_on": "1/12/2026", "sent_time": "14:00"})
        assert before.status_code == 400  # half an hour before the breach was discovered
        done = client.post(url, data={"sent_on": "3/12/2026", "sent_time": "16:45"})
        assert done.status_code == 302
    with app.app_context():
        breach = breaches.get_breach(breach_id)
        assert breach.commissioner_notified_at == datetime(2026, 12, 3, 8, 45, tzinfo=UTC)
        assert breach.late_reason is None
        (clock,) = breaches.open_clocks()  # the 30 days run from when it went
        assert clock.kind == ClockKind.FOLLOW_UP
        assert clock.due_at == datetime(2027, 1, 2, 8, 45, tzinfo=UTC)


def test_a_notice_dated_after_the_72nd_hour_still_needs_the_reason(app, staff):
    with app.app_context():
        breach_id = a_breach(staff["dpo"]).id
    url = f"/admin/breaches/{breach_id}/commissioner"
    with freeze_time(HOUR_72 + timedelta(days=2)):
        client = client_as(app, "dpo@staff.example", PASSWORD)
        late = client.post(url, data={"sent_on": "4/12/2026", "sent_time": "15:00"})
        assert late.status_code == 400
        assert "give the reasons for the delay" in late.get_data(as_text=True)
