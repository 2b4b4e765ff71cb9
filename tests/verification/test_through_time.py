"""One seller through time, with the daily run (``flask verification run``) twice a day:
due → 7 days before → past due → restricted → satisfied, exactly one email per change,
delivered over real SMTP, and days counted on the seller's (Malaysian) calendar."""

from __future__ import annotations

from datetime import date

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from portal.auth.models import User
from portal.config import ConfigError
from portal.documents.models import Document
from portal.extensions import db
from portal.profile import services as profile
from portal.verification import services as verification
from portal.verification.models import TrackedRequirement
from portal.verification.states import Code, State, Status
from tests.support import body_text, make_seller, make_staff
from tests.verification.conftest import ADDRESS, a_seller_without_an_address

DUE, REMINDER, RESTRICTED = (
    "Koopseri needs something from you",
    "7 days left to complete your Koopseri details",
    "Your Koopseri seller account is restricted",
)


def _run(app, at: str) -> str:
    with freeze_time(at):
        result = app.test_cli_runner().invoke(args=["verification", "run"])
    assert result.exit_code == 0, result.output
    return result.output


def _subjects(received, to) -> list[str]:
    subjects = [message["Subject"] for _, rcpt, message in received if to in rcpt]
    return [s for s in subjects if "bank details" not in s]


def _row(app, user_id) -> TrackedRequirement:
    with app.app_context():
        return db.session.get(TrackedRequirement, (user_id, "address"))


def test_one_seller_through_time_one_email_per_change(mailed):
    app, received = mailed
    with app.app_context():
        user_id = a_seller_without_an_address()
    to = "aisyah@example.com"

    # 7 December 2026, 10 am and 10 pm in Kuala Lumpur: due, 30 days to do it
    for at in ("2026-12-07 02:00", "2026-12-07 14:00"):
        assert "1 action needed" in _run(app, at)
    assert _subjects(received, to) == [DUE]
    row = _row(app, user_id)
    assert (row.state, row.deadline, row.since) == (
        "currently_due",
        date(2027, 1, 6),
        date(2026, 12, 7),
    )
    [(_, _, first)] = [m for m in received if m[2]["Subject"] == DUE]
    text = body_text(first)
    assert "Postal address (due by 6 Jan 2027)" in text and "/dashboard" in text

    # 8 days before: nothing; 7 days before (twice): the reminder, once
    _run(app, "2026-12-29 02:00")
    assert _subjects(received, to) == [DUE]
    for at in ("2026-12-30 02:00", "2026-12-30 14:00"):
        _run(app, at)
    assert _subjects(received, to) == [DUE, REMINDER]

    # the deadline day itself: still due, the deadline has not moved
    _run(app, "2027-01-06 02:00")
    assert _subjects(received, to) == [DUE, REMINDER]
    assert _row(app, user_id).deadline == date(2027, 1, 6)

    # 7 January in Malaysia begins at 16:00 UTC on the 6th: past due, restricted, told once
    for at in ("2027-01-06 16:30", "2027-01-07 02:00", "2027-01-07 14:00"):
        assert "1 restricted" in _run(app, at)
    assert _subjects(received, to) == [DUE, REMINDER, RESTRICTED]
    restricted = [m for m in received if m[2]["Subject"] == RESTRICTED][0][2]
    assert "restricted because your postal address is past due" in body_text(restricted)
    with app.app_context(), freeze_time("2027-01-07 02:00"):
        checked = verification.summary(user_id)
        assert (checked.status, checked.reason) == (Status.RESTRICTED, Code.ADDRESS)

    # the seller gives the address: satisfied, verified, and no more email
    with app.app_context():
        user = db.session.get(User, user_id)
        profile.update_address(user, ADDRESS, actor=user)
        db.session.commit()
        assert verification.summary(user_id, date(2027, 1, 8)).status == Status.VERIFIED
    for at in ("2027-01-08 02:00", "2027-01-08 14:00"):
        assert "1 verified" in _run(app, at)
    assert _subjects(received, to) == [DUE, REMINDER, RESTRICTED]
    row = _row(app, user_id)
    assert (row.state, row.deadline, row.notified) == ("satisfied", None, None)


def test_falling_due_again_is_a_new_change_with_a_new_deadline(mailed):
    app, received = mailed
    with app.app_context():
        user = db.session.get(User, a_seller_without_an_address())
        profile.update_address(user, ADDRESS, actor=user)
        db.session.commit()
        user_id = user.id
    _run(app, "2026-12-07 02:00")
    assert _subjects(received, "aisyah@example.com") == []  # verified: nothing to say
    with app.app_context():
        db.session.execute(
            select(Document).where(Document.user_id == user_id)
        ).scalar_one().status = "rejected"
        db.session.commit()
    _run(app, "2026-12-10 02:00")
    assert _subjects(received, "aisyah@example.com") == [DUE]
    with app.app_context():
        row = db.session.get(TrackedRequirement, (user_id, "identity"))
        assert (row.state, row.deadline) == (State.CURRENTLY_DUE, date(2027, 1, 9))


def test_the_run_goes_through_every_active_seller_in_batches(mailed):
    app, received = mailed
    with app.app_context():
        ids = [a_seller_without_an_address(f"s{n}@example.com") for n in range(5)]
        make_seller("unconfirmed@example.com", verified=False)
    with freeze_time("2026-12-07 02:00"):
        result = app.test_cli_runner().invoke(args=["verification", "run", "--batch-size", "2"])
    assert "Checked 5 sellers" in result.output
    assert sorted(rcpt[0] for _, rcpt, m in received if m["Subject"] == DUE) == sorted(
        f"s{n}@example.com" for n in range(5)
    )
    with app.app_context():
        stored = db.session.scalars(select(TrackedRequirement.user_id).distinct()).all()
        assert sorted(stored) == ids


def test_a_seller_in_another_zone_is_judged_on_their_own_day(mailed):
    app, _ = mailed
    with app.app_context():
        user_id = a_seller_without_an_address(timezone="America/New_York")
    _run(app, "2026-12-07 02:00")  # still 6 December in New York
    assert _row(app, user_id).deadline == date(2027, 1, 5)


def test_the_email_is_in_the_sellers_language(mailed):
    app, received = mailed
    with app.app_context():
        a_seller_without_an_address("kedai@example.com", locale="ms")
    _run(app, "2026-12-07 02:00")
    [message] = [m for _, _, m in received if m["Subject"].startswith("Koopseri memerlukan")]
    assert message["Subject"] == "Koopseri memerlukan sesuatu daripada anda"
    assert "Alamat pos (perlu selesai selewat-lewatnya 6 Jan 2027)" in body_text(message)


def test_only_sellers_have_a_verification(app):
    with app.app_context():
        staff_id = make_staff("admin@example.com", "admin").id
        for user_id in (staff_id, 999):
            with pytest.raises(verification.UnknownSeller):
                verification.summary(user_id)


@pytest.mark.parametrize("days", [0, -3, "30", 1.5, True])
def test_the_deadline_setting_must_be_whole_days(make_app, days):
    with pytest.raises(ConfigError, match="VERIFICATION_DEADLINE_DAYS"):
        make_app(VERIFICATION_DEADLINE_DAYS=days)


def test_the_deadline_setting_gives_the_days(make_app, smtp_server):
    app = make_app(
        VERIFICATION_DEADLINE_DAYS=14, MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port
    )
    with app.app_context():
        user_id = a_seller_without_an_address()
    _run(app, "2026-12-07 02:00")
    assert _row(app, user_id).deadline == date(2026, 12, 21)
