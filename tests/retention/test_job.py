"""`flask retention run`: nothing before the deletion date, everything of that seller after
it (every table, every file, every mail file), other sellers untouched, idempotent, and safe
to kill halfway. Time is moved with freezegun."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from portal import erasure
from portal.account import termination
from portal.auth.models import LoginSession, RecoveryCode, User
from portal.erasure import Erasure, ErasureRequest, PendingFileDeletion
from portal.extensions import db
from portal.outbox.models import OutboxMessage
from portal.retention import job
from portal.retention.rules import Run
from tests.retention.conftest import (
    files_of,
    fill_seller,
    mail_files,
    rows_of,
    stored_keys,
)

TERMINATED_AT = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)  # 18:00 in Kuala Lumpur
DUE = datetime(2027, 2, 28, 10, 0, tzinfo=UTC)  # 30 November + 3 months = 28 February


def _terminate(app, user_id: int) -> None:
    with app.test_request_context():
        user = db.session.get(User, user_id)
        termination.terminate(user, actor=user)
        db.session.commit()


def _run(app, when: datetime, **options) -> job.Summary:
    with app.test_request_context():
        return job.run(Run(now=when, **options))


def _without_sessions(counts: dict[str, int]) -> dict[str, int]:
    # Log-in sessions expire on their own clock (the tokens rule), for every seller alike.
    return {name: n for name, n in counts.items() if name != "login_sessions"}


@pytest.fixture
def two_sellers(app):
    """A (terminated on 30 November 2026) and B (active), each with data everywhere."""
    with freeze_time(TERMINATED_AT):
        a = fill_seller(app, "a@example.com", "Aminah Yusof")
        b = fill_seller(app, "b@example.com", "Bala Krishnan")
        _terminate(app, a)
    with app.app_context():
        assert db.session.get(User, a).deletion_due_at == DUE
        before_b = rows_of(b)
        assert all(before_b[name] for name in ("documents", "disclosures", "outbox_messages"))
        files_b = set(files_of(b))
    return a, b, before_b, files_b


def test_nothing_is_deleted_the_day_before(app, two_sellers):
    a, _b, _, _ = two_sellers
    with app.app_context():
        before = rows_of(a)
        keys = set(files_of(a))
    summary = _run(app, DUE - timedelta(days=1))
    assert summary.counts["account"] == 0
    assert summary.reminders == 1  # a week before: the one thing that changes
    with app.app_context():
        after = _without_sessions(rows_of(a))
        assert after.pop("outbox_messages") == before.pop("outbox_messages") + 1
        assert after == _without_sessions(before)
        assert keys <= stored_keys(app)


def test_everything_of_the_seller_is_gone_the_day_after(app, two_sellers, partner):
    a, b, before_b, files_b = two_sellers
    with app.app_context():
        keys_a = set(files_of(a))
        mail_a = {
            f"{m.created_at:%Y%m%d-%H%M%S}-{m.id:08d}.eml"
            for m in db.session.scalars(select(OutboxMessage).where(OutboxMessage.user_id == a))
        }
        references = sorted(
            db.session.scalars(
                select(func.distinct(OutboxMessage.id)).where(OutboxMessage.user_id == a)
            )
        )
    assert keys_a and mail_a and references
    assert mail_a <= mail_files(app)

    summary = _run(app, DUE + timedelta(days=1))
    assert summary.counts["account"] == 1

    with app.app_context():
        assert set(rows_of(a).values()) == {0}  # every table of the data map
        assert not keys_a & stored_keys(app)  # every stored file
        assert not mail_a & mail_files(app)  # every mail file
        assert db.session.scalar(select(func.count()).select_from(PendingFileDeletion)) == 0
        (record,) = db.session.scalars(select(Erasure)).all()
        assert (record.account_id, record.reason) == (a, "retention")
        # The other seller is untouched.
        assert _without_sessions(rows_of(b)) == _without_sessions(before_b)
        assert files_b <= stored_keys(app)
        # DHL was asked to erase what it received, by our references only.
        (request,) = db.session.scalars(select(ErasureRequest)).all()
        assert request.status == "answered" and request.erasure_id == record.id
    asked = [r.body for r in partner.received if r.body.get("type") == "erasure_request"]
    assert len(asked) == 1
    assert asked[0]["references"] == request.disclosure_refs
    assert "a@example.com" not in str(asked[0]) and "Aminah" not in str(asked[0])


def test_a_second_run_deletes_nothing_more(app, two_sellers):
    a, b, before_b, _ = two_sellers
    _run(app, DUE + timedelta(days=1))
    again = _run(app, DUE + timedelta(days=1, minutes=5))
    assert all(count == 0 for count in again.counts.values())
    assert again.files == 0 and again.erasure_requests == 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Erasure)) == 1
        assert _without_sessions(rows_of(b)) == _without_sessions(before_b)


def test_a_run_killed_between_batches_leaves_no_partial_seller(app, monkeypatch):
    with freeze_time(TERMINATED_AT):
        ids = [fill_seller(app, f"s{n}@example.com", f"Seller {n}") for n in range(3)]
        for user_id in ids:
            _terminate(app, user_id)
    with app.app_context():
        full = {user_id: _without_sessions(rows_of(user_id)) for user_id in ids}

    real_erase = erasure.erase_accounts
    calls = []

    class Killed(BaseException):
        pass

    def erase_then_die(user_ids, **kwargs):
        calls.append(user_ids)
        if len(calls) == 2:  # the second batch, after the first one committed
            real_erase(user_ids, **kwargs)
            raise Killed
        return real_erase(user_ids, **kwargs)

    monkeypatch.setattr(erasure, "erase_accounts", erase_then_die)
    with pytest.raises(Killed):
        _run(app, DUE + timedelta(days=1), batch_size=1)
    with app.app_context():
        db.session.rollback()  # what the database does when the process dies mid-transaction
        gone, whole = ids[0], ids[1:]
        assert set(rows_of(gone).values()) == {0}
        for user_id in whole:  # either whole or gone: never half
            assert _without_sessions(rows_of(user_id)) == full[user_id]

    monkeypatch.setattr(erasure, "erase_accounts", real_erase)
    summary = _run(app, DUE + timedelta(days=1), batch_size=1)
    assert summary.counts["account"] == 2
    with app.app_context():
        for user_id in ids:
            assert set(rows_of(user_id).values()) == {0}


def test_files_left_by_a_crash_after_the_commit_go_on_the_next_run(app, two_sellers, monkeypatch):
    a, _b, _, _ = two_sellers
    with app.app_context():
        keys_a = set(files_of(a))

    from portal.storage import LocalStorage

    def storage_down(self, key):
        raise OSError("disk unavailable")

    monkeypatch.setattr(LocalStorage, "delete", storage_down)
    _run(app, DUE + timedelta(days=1))
    with app.app_context():
        assert set(rows_of(a).values()) == {0}
        assert keys_a <= stored_keys(app)  # still there...
        pending = db.session.scalar(select(func.count()).select_from(PendingFileDeletion))
        assert pending >= len(keys_a)  # ...and listed

    monkeypatch.undo()
    summary = _run(app, DUE + timedelta(days=2))
    assert summary.files >= len(keys_a)
    with app.app_context():
        assert not keys_a & stored_keys(app)
        assert db.session.scalar(select(func.count()).select_from(PendingFileDeletion)) == 0


def test_reactivating_before_the_date_keeps_everything(app, two_sellers):
    a, _b, _, _ = two_sellers
    with freeze_time(DUE - timedelta(days=2)), app.test_request_context():
        termination.reactivate(db.session.get(User, a))
        db.session.commit()
    summary = _run(app, DUE + timedelta(days=1))
    assert summary.counts["account"] == 0
    with app.app_context():
        assert rows_of(a)["documents"] > 0


def test_a_reminder_goes_once_a_week_before(app, two_sellers, mailbox):
    a, _b, _, _ = two_sellers
    assert _run(app, DUE - timedelta(days=8)).reminders == 0
    assert _run(app, DUE - timedelta(days=6)).reminders == 1
    assert _run(app, DUE - timedelta(days=5)).reminders == 0
    with app.app_context():
        kinds = db.session.scalars(
            select(OutboxMessage.kind).where(OutboxMessage.user_id == a)
        ).all()
        assert kinds.count("deletion_reminder") == 1
    body = [m for m in mailbox.messages("a@example.com") if "in a week" in m["Subject"]]
    assert body and "28 Feb 2027" in body[-1].get_body(("plain",)).get_content()


def test_a_dry_run_counts_but_deletes_nothing(app, two_sellers):
    a, _b, _, _ = two_sellers
    summary = _run(app, DUE + timedelta(days=1), dry_run=True)
    assert summary.counts["account"] == 1
    with app.app_context():
        assert rows_of(a)["users"] == 1


def test_unverified_registrations_go_after_seven_days(app):
    from tests.support import make_seller

    now = datetime(2026, 12, 10, tzinfo=UTC)
    with app.app_context():
        old = make_seller("old@example.com", verified=False, created_at=now - timedelta(days=8))
        new = make_seller("new@example.com", verified=False, created_at=now - timedelta(days=6))
        old_id, new_id = old.id, new.id
    summary = _run(app, now)
    assert summary.counts["unverified"] == 1
    with app.app_context():
        assert db.session.get(User, old_id) is None
        assert db.session.get(User, new_id) is not None
        assert db.session.scalar(select(Erasure.reason)) == "unverified"


def test_spent_tokens_go_at_once_and_live_ones_stay(app, seller):
    from portal.clock import utcnow

    now = utcnow()
    with app.app_context():
        db.session.add_all(
            [
                LoginSession(
                    user_id=seller["id"], token_hash="a" * 64, expires_at=now - timedelta(minutes=1)
                ),
                LoginSession(
                    user_id=seller["id"], token_hash="b" * 64, expires_at=now + timedelta(hours=1)
                ),
                RecoveryCode(user_id=seller["id"], code_hash="c" * 64, used_at=now),
                RecoveryCode(user_id=seller["id"], code_hash="d" * 64),
            ]
        )
        db.session.commit()
    assert _run(app, now).counts["tokens"] == 2
    with app.app_context():
        assert db.session.scalars(select(LoginSession.token_hash)).all() == ["b" * 64]
        assert db.session.scalars(select(RecoveryCode.code_hash)).all() == ["d" * 64]


def test_mailbox_links_go_once_expired_or_used_and_live_ones_stay(app, seller):
    from portal.auth.models import MailboxLink
    from portal.clock import utcnow

    now = utcnow()
    hour = timedelta(hours=1)
    with app.app_context():
        db.session.add_all(
            [
                MailboxLink(
                    user_id=seller["id"],
                    purpose="reset",
                    token_hash="e" * 64,
                    expires_at=now - hour,
                ),
                MailboxLink(
                    user_id=seller["id"],
                    purpose="verify",
                    token_hash="f" * 64,
                    expires_at=now + hour,
                    used_at=now,
                ),
                MailboxLink(
                    user_id=seller["id"],
                    purpose="email_change",
                    token_hash="0" * 64,
                    new_email="new@example.net",
                    expires_at=now + hour,
                ),
            ]
        )
        db.session.commit()
    assert _run(app, now).counts["tokens"] == 2
    with app.app_context():
        assert db.session.scalars(select(MailboxLink.token_hash)).all() == ["0" * 64]


def test_mail_copies_go_after_the_configured_months(make_app, seller):
    app = make_app(RETENTION_MAIL_MONTHS=12)
    now = datetime(2027, 6, 1, tzinfo=UTC)
    with app.app_context():
        for age_days, subject in ((400, "old"), (300, "recent")):
            db.session.add(
                OutboxMessage(
                    user_id=seller["id"],
                    recipient=seller["email"],
                    kind="password_changed",
                    subject=subject,
                    body_text="x",
                    body_html="x",
                    message_id=f"<{subject}@t>",
                    status="sent",
                    created_at=now - timedelta(days=age_days),
                )
            )
        db.session.commit()
    assert _run(app, now).counts["mail"] == 1
    with app.app_context():
        assert db.session.scalars(select(OutboxMessage.subject)).all() == ["recent"]
    page = app.test_client().get("/retention").get_data(as_text=True)
    assert "12 months after sending" in page


def test_the_command_sends_reminders_with_links_to_the_portal(make_app, seller, mailbox):
    app = make_app(PUBLIC_URL="https://sellers.koopseri.example")
    with freeze_time(TERMINATED_AT):
        _terminate(app, seller["id"])
    with freeze_time(DUE - timedelta(days=3)):
        result = app.test_cli_runner().invoke(args=["retention", "run"])
    assert result.exit_code == 0, result.output
    assert "reminders          1 were sent" in result.output
    (reminder,) = [m for m in mailbox.messages(seller["email"]) if "in a week" in m["Subject"]]
    assert (
        "https://sellers.koopseri.example/auth/login" in reminder.get_body(("plain",)).get_content()
    )


def test_the_command_prints_a_summary(app, runner):
    result = runner.invoke(args=["retention", "run", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "(dry run)" in result.output
    for key in ("account", "unverified", "tokens", "minor_report", "mail", "access_log"):
        assert key in result.output


def test_development_copies_of_shared_data_go_with_the_account(make_app, seller):
    from portal.sharing import connectors
    from portal.sharing import services as sharing
    from tests.sharing.conftest import give_address

    app = make_app()  # no endpoints: development writes each payload to a folder
    with app.test_request_context():
        give_address(seller["id"])
        user = db.session.get(User, seller["id"])
        disclosure = sharing.share(user, sharing.party_by_slug("dhl"), ("name",), request={})
        db.session.commit()
        copy = connectors.sharing_folder() / "dhl" / f"{disclosure.reference}.json"
        assert copy.exists()
        erasure.erase_account(seller["id"], reason="retention")
        db.session.commit()
        assert not copy.exists()
