"""Reachability lives in the profile's own table: migration 0023 moves it there from the
account and back, and the banner's flag comes with the account, in the same statement."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_migrate import downgrade, upgrade
from sqlalchemy import DateTime, bindparam, text

from portal.auth.models import User
from portal.extensions import db
from portal.profile import reachability
from tests.support import QueryCounter, make_seller

SINCE = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def test_migration_0023_moves_the_counts_to_the_profile_and_back(app):
    with app.app_context():
        flagged, counting, fine = (
            make_seller(f"{name}@example.com").id for name in ("flagged", "counting", "fine")
        )
        consents = "SELECT count(*) FROM consent_records"
        before = db.session.execute(text(consents)).scalar()
        db.session.close()
        downgrade(revision="0022")
        for user_id, failures, since in ((flagged, 3, SINCE), (counting, 1, None)):
            db.session.execute(
                text(
                    "UPDATE users SET email_failures = :f, unreachable_since = :s WHERE id = :id"
                ).bindparams(bindparam("s", type_=DateTime(timezone=True))),
                {"f": failures, "s": since, "id": user_id},
            )
        db.session.commit()
        upgrade()
        assert reachability.state_of(flagged) == reachability.State(3, SINCE)
        assert reachability.state_of(counting) == reachability.State(1, None)
        assert reachability.state_of(fine) == reachability.State(0, None)
        rows = "SELECT count(*) FROM seller_reachability"
        assert db.session.execute(text(rows)).scalar() == 2
        # Rebuilding users with foreign keys on would have deleted these by cascade.
        assert db.session.execute(text(consents)).scalar() == before
        db.session.close()

        downgrade(revision="0022")
        back = dict(
            (row[0], row[1:])
            for row in db.session.execute(
                text("SELECT id, email_failures, unreachable_since FROM users")
            )
        )
        assert back[flagged][0] == 3 and back[flagged][1] is not None
        assert back[counting] == (1, None) and back[fine] == (0, None)
        assert db.session.execute(text(consents)).scalar() == before
        db.session.close()
        upgrade()


def test_the_flag_comes_with_the_account_in_one_statement(app):
    with app.app_context():
        seller_id = make_seller().id
        reachability.record_failure(seller_id, SINCE)
        db.session.commit()
        db.session.expunge_all()
        with QueryCounter(app) as counter:
            user = db.session.get(User, seller_id)
            assert user.reachability.email_failures == 1
            assert user.reachability.unreachable_since is None
        assert counter.count == 1


def test_failures_count_up_flag_once_and_a_delivery_forgets_them(app):
    with app.app_context():
        seller_id = make_seller().id
        limit = app.config["OUTBOX_UNREACHABLE_AFTER"]
        for n in range(limit + 1):
            reachability.record_failure(seller_id, SINCE.replace(hour=n))
        db.session.commit()
        expected_since = SINCE.replace(hour=limit - 1)  # the failure that reached the limit
        assert reachability.state_of(seller_id) == reachability.State(limit + 1, expected_since)
        assert reachability.summary() == reachability.Summary(1, expected_since)
        reachability.record_delivery(seller_id)
        db.session.commit()
        assert reachability.state_of(seller_id) == reachability.State(0, None)
        assert reachability.summary() == reachability.Summary(0, None)
