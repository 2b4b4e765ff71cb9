"""The one account state machine: the states a seller's account can be in, and who may move
it from one to the next.

Every change of ``User.status`` in the portal goes through :func:`apply`, which checks the
table below: the account's current state, who acts (the seller on their own account, a
reviewer, support, an admin, or the system: the verification link and the retention job),
and, for what staff do, that they gave a reason, which goes into the audit trail with the
act. What staff did, only staff undo: a seller reopens only a closure they made themselves,
and a frozen seller can neither close nor reopen their way out of the freeze.

    state             transition    by                      to
    ----------------  ------------  ----------------------  ----------------
    unverified        verify_email  system (the link)       active
    active            close         seller                  closed_by_seller
    closed_by_seller  reactivate    seller                  active
    active            freeze        reviewer, admin, (why)  frozen
                                    system (an identity
                                    number under 18)
    frozen            lift_freeze   reviewer, admin  (why)  active
    active, frozen,   terminate     admin            (why)  closed_by_staff
      closed_by_seller
    closed_by_staff   reopen        admin            (why)  active
    frozen,           erase         admin            (why)  erased
      closed_by_staff
    unverified,       expire        system (retention)      erased
      closed_by_*

"Erased" is never stored: the row goes (:mod:`portal.erasure`). Staff accounts are not in
this machine: their status stays "active", and an admin disables one instead.

The retention job erases closed and never-verified accounts in batches, selecting them by
:func:`sources` of "expire" for the system rather than one :func:`apply` per account.

A guard (:func:`guard`, installed on the model) refuses any other change of the status made
through SQLAlchemy: setting ``user.status`` on a stored account, or a bulk ``update(User)``
of it, outside :func:`apply` raises :class:`StatusOutsideStateMachine`.

This module is infrastructure: it imports no feature, only the audit trail.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from portal.audit.services import record as audit

if TYPE_CHECKING:
    from portal.auth.models import User


class AccountStatus(StrEnum):
    UNVERIFIED = "unverified"  # awaiting verification: registered, email not yet confirmed
    ACTIVE = "active"
    FROZEN = "frozen"  # by staff, while a report that the seller is a minor is checked
    CLOSED_BY_SELLER = "closed_by_seller"  # erased 3 months on unless the seller reopens it
    CLOSED_BY_STAFF = "closed_by_staff"  # erased 3 months on unless an admin reopens it
    ERASED = "erased"  # never stored: the account's rows are gone


STORED = tuple(status for status in AccountStatus if status != AccountStatus.ERASED)
CLOSED = frozenset({AccountStatus.CLOSED_BY_SELLER, AccountStatus.CLOSED_BY_STAFF})


class Actor(StrEnum):
    SELLER = "seller"  # the account's own seller, never another one
    REVIEWER = "reviewer"
    SUPPORT = "support"
    ADMIN = "admin"
    SYSTEM = "system"  # no person: the verification link, the retention job, the age check


STAFF = frozenset({Actor.REVIEWER, Actor.SUPPORT, Actor.ADMIN})


class Transition(StrEnum):
    VERIFY_EMAIL = "verify_email"
    CLOSE = "close"
    REACTIVATE = "reactivate"
    FREEZE = "freeze"
    LIFT_FREEZE = "lift_freeze"
    TERMINATE = "terminate"
    REOPEN = "reopen"
    ERASE = "erase"
    EXPIRE = "expire"


@dataclass(frozen=True)
class Rule:
    sources: frozenset[AccountStatus]
    target: AccountStatus
    actors: frozenset[Actor]
    reason: bool = False  # the actor must say why (it goes into the audit trail)


_S, _A = AccountStatus, Actor
TABLE: dict[Transition, Rule] = {
    Transition.VERIFY_EMAIL: Rule(frozenset({_S.UNVERIFIED}), _S.ACTIVE, frozenset({_A.SYSTEM})),
    Transition.CLOSE: Rule(frozenset({_S.ACTIVE}), _S.CLOSED_BY_SELLER, frozenset({_A.SELLER})),
    Transition.REACTIVATE: Rule(
        frozenset({_S.CLOSED_BY_SELLER}), _S.ACTIVE, frozenset({_A.SELLER})
    ),
    # The system freezes when the seller types an identity number that reads as someone
    # under 18 (portal.account.age_check.freeze_by_system); staff check it and lift it.
    Transition.FREEZE: Rule(
        frozenset({_S.ACTIVE}),
        _S.FROZEN,
        frozenset({_A.REVIEWER, _A.ADMIN, _A.SYSTEM}),
        reason=True,
    ),
    Transition.LIFT_FREEZE: Rule(
        frozenset({_S.FROZEN}), _S.ACTIVE, frozenset({_A.REVIEWER, _A.ADMIN}), reason=True
    ),
    Transition.TERMINATE: Rule(
        frozenset({_S.ACTIVE, _S.FROZEN, _S.CLOSED_BY_SELLER}),
        _S.CLOSED_BY_STAFF,
        frozenset({_A.ADMIN}),
        reason=True,
    ),
    Transition.REOPEN: Rule(
        frozenset({_S.CLOSED_BY_STAFF}), _S.ACTIVE, frozenset({_A.ADMIN}), reason=True
    ),
    # Only through the two-person erasure (portal.account.age_check): proposing it held the
    # account, frozen or closed by staff, so the seller cannot leave that state meanwhile.
    Transition.ERASE: Rule(
        frozenset({_S.FROZEN, _S.CLOSED_BY_STAFF}), _S.ERASED, frozenset({_A.ADMIN}), reason=True
    ),
    Transition.EXPIRE: Rule(frozenset({_S.UNVERIFIED, *CLOSED}), _S.ERASED, frozenset({_A.SYSTEM})),
}


class StatusOutsideStateMachine(RuntimeError):
    """Code changed an account's status without going through :func:`apply`."""


_applying: ContextVar[bool] = ContextVar("account_transition", default=False)


class TransitionRefused(Exception):
    """The table does not allow this transition: see the subclass for why."""

    def __init__(self, transition: Transition, status: str, actor: Actor | None):
        super().__init__(f"{transition} from {status} by {actor}")
        self.transition, self.status, self.actor = transition, status, actor


class NotFromThisState(TransitionRefused):
    """The account is not in a state the transition starts from."""


class NotThisActor(TransitionRefused):
    """This actor may not make this transition (or acts on an account not theirs)."""


class ReasonRequired(TransitionRefused):
    """Staff must say why; the reason goes into the audit trail."""


def actor_of(user: User, actor: User | None) -> Actor | None:
    """Who ``actor`` is to ``user``'s account (None is the system); None for no one the
    table knows: another seller, or a role it does not name."""
    if actor is None:
        return Actor.SYSTEM
    if actor.role == Actor.SELLER:
        return Actor.SELLER if actor.id == user.id else None
    return Actor(actor.role) if actor.role in STAFF else None


def allowed(status: str, transition: Transition, actor: Actor | None) -> bool:
    """Whether the table lets ``actor`` make ``transition`` from ``status``."""
    rule = TABLE[transition]
    return actor in rule.actors and status in rule.sources


def sources(transition: Transition, actor: Actor) -> frozenset[AccountStatus]:
    """The states ``actor`` may make ``transition`` from (none if it may not at all): what
    the retention job's queries select by."""
    rule = TABLE[transition]
    return rule.sources if actor in rule.actors else frozenset()


def apply(
    user: User, transition: Transition, *, actor: User | None, reason: str | None = None
) -> AccountStatus:
    """Move ``user``'s account through ``transition``, made by ``actor`` (None: the system).

    Returns the new state. Checks the actor, then the current state, then the reason, and
    raises :class:`NotThisActor`, :class:`NotFromThisState` or :class:`ReasonRequired`,
    changing nothing. A staff act is recorded in the audit trail (flushed, in the caller's
    transaction). For ``erase`` and ``expire`` the caller then erases the account's rows.
    """
    rule = TABLE[transition]
    who = actor_of(user, actor)
    if not user.is_seller or who not in rule.actors:
        raise NotThisActor(transition, user.status, who)
    if user.status not in rule.sources:
        raise NotFromThisState(transition, user.status, who)
    if rule.reason and not (reason or "").strip():
        raise ReasonRequired(transition, user.status, who)
    if who in STAFF:
        audit(actor, f"account.{transition}", "account", user.id, (reason or "").strip())
    if rule.target != AccountStatus.ERASED:
        token = _applying.set(True)
        try:
            user.status = rule.target
        finally:
            _applying.reset(token)
    return rule.target


# --- the guard ------------------------------------------------------------------------------


def _refuse_set(target, value, oldvalue, initiator):
    # A new account takes its first state freely (the model's default); a stored one moves
    # only through apply().
    if not _applying.get() and inspect(target).has_identity and value != oldvalue:
        raise StatusOutsideStateMachine(f"status of account {target.id} set outside apply()")
    return value


def _refuse_bulk(state) -> None:
    if not state.is_update:
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) == "users" and "status" in state.statement.compile().params:
        raise StatusOutsideStateMachine("bulk UPDATE of users.status outside apply()")


def guard(status_attribute) -> None:
    """Install the guard on the model's ``status`` attribute (once, by the model's module)."""
    event.listen(status_attribute, "set", _refuse_set, retval=True)
    event.listen(Session, "do_orm_execute", _refuse_bulk)
