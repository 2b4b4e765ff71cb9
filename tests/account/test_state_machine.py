"""The account state machine: every state × every transition × every actor, against a table
written out here by hand (not read from ``portal.auth.states``), on each configured
database. Also: staff must give a reason, which goes into the audit trail; nothing else
changes an account's status; and the migration sorts the accounts it finds into the states.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import DateTime, bindparam, func, select, text, update

from portal.audit.models import AuditEvent
from portal.auth import states
from portal.auth.models import User
from portal.extensions import db
from tests.support import make_seller, make_staff, put_in_state

STATES = ["unverified", "active", "frozen", "closed_by_seller", "closed_by_staff", "erased"]
TRANSITIONS = [
    "verify_email",
    "close",
    "reactivate",
    "freeze",
    "lift_freeze",
    "terminate",
    "reopen",
    "erase",
    "expire",
]
ACTORS = ["seller", "reviewer", "support", "admin", "system"]

# (from, transition) -> (to, who may). Every pair not listed is refused to everyone.
ALLOWED = {
    ("unverified", "verify_email"): ("active", {"system"}),
    ("active", "close"): ("closed_by_seller", {"seller"}),
    ("closed_by_seller", "reactivate"): ("active", {"seller"}),
    ("active", "freeze"): ("frozen", {"reviewer", "admin", "system"}),
    ("frozen", "lift_freeze"): ("active", {"reviewer", "admin"}),
    ("active", "terminate"): ("closed_by_staff", {"admin"}),
    ("frozen", "terminate"): ("closed_by_staff", {"admin"}),
    ("closed_by_seller", "terminate"): ("closed_by_staff", {"admin"}),
    ("closed_by_staff", "reopen"): ("active", {"admin"}),
    ("frozen", "erase"): ("erased", {"admin"}),
    ("closed_by_staff", "erase"): ("erased", {"admin"}),
    ("unverified", "expire"): ("erased", {"system"}),
    ("closed_by_seller", "expire"): ("erased", {"system"}),
    ("closed_by_staff", "expire"): ("erased", {"system"}),
}
STAFF = {"reviewer", "support", "admin"}


def _who_may(transition: str) -> set[str]:
    return set().union(*(who for (_, t), (_, who) in ALLOWED.items() if t == transition))


def _expected(state: str, transition: str, actor: str):
    """The new state, or the exception: the wrong actor is named before the wrong state."""
    if actor not in _who_may(transition):
        return states.NotThisActor
    target, who = ALLOWED.get((state, transition), (None, set()))
    if actor not in who:
        return states.NotFromThisState
    return target


def test_the_hand_written_table_names_every_state_transition_and_actor():
    assert [s.value for s in states.AccountStatus] == STATES
    assert sorted(TRANSITIONS) == sorted(t.value for t in states.Transition)
    assert sorted(ACTORS) == sorted(a.value for a in states.Actor)


@pytest.fixture
def staff(app) -> dict[str, int]:
    with app.app_context():
        return {
            role: make_staff(f"{role}@staff.example", role).id
            for role in ("reviewer", "support", "admin")
        }


def _seller_in(state: str, n: int) -> User:
    """A stored seller in ``state``; an erased account has no row, so it is a stand-in."""
    if state == "erased":
        return User(id=10_000 + n, role="seller", status="erased", email=f"gone{n}@x.example")
    user = make_seller(f"s{n}@example.com", verified=state != "unverified")
    put_in_state(user.id, state)
    return db.session.get(User, user.id)


def _actor(user: User, actor: str, staff: dict[str, int]) -> User | None:
    if actor == "system":
        return None
    if actor == "seller":
        return user
    return db.session.get(User, staff[actor])


def _stored_status(user_id: int) -> str | None:
    db.session.expire_all()
    return db.session.scalar(select(User.status).where(User.id == user_id))


def _events() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEvent))


@pytest.mark.parametrize("state", STATES)
def test_every_transition_by_every_actor_from_this_state(app, staff, state):
    with app.app_context():
        for n, (transition, actor) in enumerate(itertools.product(TRANSITIONS, ACTORS)):
            user = _seller_in(state, n)
            expected = _expected(state, transition, actor)
            events = _events()
            where = (state, transition, actor)
            if isinstance(expected, type):
                with pytest.raises(expected):
                    states.apply(
                        user,
                        states.Transition(transition),
                        actor=_actor(user, actor, staff),
                        reason="checked",
                    )
                db.session.rollback()
                if state != "erased":
                    assert _stored_status(user.id) == state, where
                assert _events() == events, where
                continue
            result = states.apply(
                user,
                states.Transition(transition),
                actor=_actor(user, actor, staff),
                reason="checked",
            )
            db.session.commit()
            assert result == expected, where
            # "Erased" is the caller's work (the erasure routine): the row is as it was.
            stays = state if expected == "erased" else expected
            assert _stored_status(user.id) == stays, where
            assert _events() == events + (actor in STAFF), where


@pytest.mark.parametrize("pair", [pair for pair, (_, who) in ALLOWED.items() if who & STAFF])
def test_staff_must_give_a_reason_and_it_is_in_the_audit_trail(app, staff, pair):
    state, transition = pair
    actor = sorted(ALLOWED[pair][1] & STAFF)[0]
    with app.app_context():
        user = _seller_in(state, 0)
        for reason in (None, "", "   "):
            with pytest.raises(states.ReasonRequired):
                states.apply(
                    user,
                    states.Transition(transition),
                    actor=_actor(user, actor, staff),
                    reason=reason,
                )
        db.session.rollback()
        assert _stored_status(user.id) == state
        states.apply(
            user, states.Transition(transition), actor=_actor(user, actor, staff), reason=" why "
        )
        db.session.commit()
        event = db.session.scalar(select(AuditEvent))
        assert (event.action, event.actor_role, event.subject_id, event.detail) == (
            f"account.{transition}",
            actor,
            user.id,
            "why",
        )


def test_a_seller_acts_on_no_other_account(app):
    with app.app_context():
        victim, other = make_seller("victim@example.com"), make_seller("other@example.com")
        with pytest.raises(states.NotThisActor):
            states.apply(victim, states.Transition.CLOSE, actor=other)
        assert _stored_status(victim.id) == "active"


def test_staff_accounts_are_not_in_the_machine(app, staff):
    with app.app_context():
        reviewer = db.session.get(User, staff["reviewer"])
        admin = db.session.get(User, staff["admin"])
        with pytest.raises(states.NotThisActor):
            states.apply(reviewer, states.Transition.FREEZE, actor=admin, reason="x")


def test_a_new_account_starts_unverified_unless_its_email_is_confirmed(app):
    with app.app_context():
        assert make_seller("new@example.com", verified=False).status == "unverified"
        assert make_seller("old@example.com").status == "active"
        assert make_staff("staff@staff.example", "support").status == "active"


def test_nothing_else_changes_an_account_status(app):
    with app.app_context():
        user = make_seller("seller@example.com")
        with pytest.raises(states.StatusOutsideStateMachine):
            user.status = "closed_by_seller"
        db.session.rollback()
        with pytest.raises(states.StatusOutsideStateMachine):
            db.session.execute(update(User).where(User.id == user.id).values(status="active"))
        db.session.rollback()
        assert _stored_status(user.id) == "active"


def test_the_database_refuses_a_status_outside_the_machine(app):
    from sqlalchemy.exc import IntegrityError

    with app.app_context():
        user = make_seller("seller@example.com")
        with pytest.raises(IntegrityError):
            put_in_state(user.id, "terminated")
        db.session.rollback()


# --- the migration ----------------------------------------------------------------------------


def test_the_migration_sorts_existing_accounts_into_the_states(app):
    """Before 0021 a closed account was "terminated" and an unconfirmed one "active"; the
    audit trail tells a closure by staff from the seller's own. Nothing else is touched."""
    now = datetime.now(UTC)
    with app.app_context():
        admin = make_staff("admin@staff.example", "admin").id
        ids = {
            name: make_seller(f"{name}@example.com", verified=name != "unconfirmed").id
            for name in ("by-seller", "by-staff", "staff-then-seller", "unconfirmed", "frozen")
        }
        db.session.close()
        downgrade(revision="0019")
        rows = {
            "by-seller": ("terminated", now),
            "by-staff": ("terminated", now),
            "staff-then-seller": ("terminated", now),  # staff closed it once, long ago
            "unconfirmed": ("active", None),
            "frozen": ("frozen", None),
        }
        when = DateTime(timezone=True)  # bound as each database stores it
        for name, (status, closed_at) in rows.items():
            db.session.execute(
                text("UPDATE users SET status = :s, terminated_at = :t WHERE id = :id").bindparams(
                    bindparam("t", type_=when)
                ),
                {"s": status, "t": closed_at, "id": ids[name]},
            )
        for name, at in (("by-staff", now + timedelta(seconds=1)),
                         ("staff-then-seller", now - timedelta(days=30))):  # fmt: skip
            db.session.execute(
                text(
                    "INSERT INTO audit_events (at, actor_id, actor_role, action, subject_type,"
                    " subject_id) VALUES (:at, :actor, 'admin', 'account.terminate', 'user', :id)"
                ).bindparams(bindparam("at", type_=when)),
                {"at": at, "actor": admin, "id": ids[name]},
            )
        db.session.commit()
        upgrade()
        found = dict(db.session.execute(select(User.email, User.status)).all())
    assert found == {
        "admin@staff.example": "active",
        "by-seller@example.com": "closed_by_seller",
        "by-staff@example.com": "closed_by_staff",
        "staff-then-seller@example.com": "closed_by_seller",
        "unconfirmed@example.com": "unverified",
        "frozen@example.com": "frozen",
    }


def test_the_migration_keeps_every_row_that_points_at_an_account(app):
    """SQLite rebuilds the users table to add the CHECK: with foreign keys enforced, that
    would delete, by cascade, every consent, profile and document of every seller."""
    with app.app_context():
        make_seller("seller@example.com")
        consents = "SELECT count(*) FROM consent_records"
        before = db.session.execute(text(consents)).scalar()
        assert before == 1
        db.session.close()
        downgrade(revision="0019")
        upgrade()
        assert db.session.execute(text(consents)).scalar() == before
