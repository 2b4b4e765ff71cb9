"""Checking a seller's age: freezing the account, lifting the freeze, and erasing it at once,
which takes two people.

The policy: "We do not knowingly collect data from children under 18 … if you discover a
minor has shared information, contact us to delete it." While staff check a report (or an
identity document) the account is frozen: the shop is hidden, nothing is shared, and the
seller is asked for proof of age. Only staff lift a freeze, with a reason. The portal
freezes an account by itself in one case: the seller types an identity number that reads as
someone under 18 (:func:`freeze_by_system`, on :data:`portal.events.identity_shows_minor`);
the audit trail records it as the system's act, and staff check it like any other freeze.

Erasing at once skips the three months every other account is kept, so no one does it
alone: a reviewer or an admin proposes it, from the report or the identity document that
shows it, and the account is frozen from that moment; then an admin who is someone else
confirms, and the account is erased the same day through :mod:`portal.erasure`. Both steps
are in the audit trail, and every status change goes through :mod:`portal.auth.states`.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from portal.account.models import ErasureProposal, ProposalSource
from portal.audit.services import record as audit
from portal.auth import states
from portal.auth.models import User
from portal.auth.states import AccountStatus, Transition
from portal.erasure import Erasure, erase_account
from portal.extensions import db
from portal.outbox.services import queue_email

# Where a proposal holds the account without a freeze of its own: closed by staff, only an
# admin reopens it (and reopening withdraws the proposal).
HELD = frozenset({AccountStatus.FROZEN, AccountStatus.CLOSED_BY_STAFF})


class NoProposal(LookupError):
    """No proposal waits for this account from this report or document."""


class OwnProposal(Exception):
    """The proposer may not confirm their own proposal: a second person must."""


class AlreadyProposed(Exception):
    """A proposal from another report or document already waits for this account."""


@dataclass(frozen=True)
class Pending:
    proposal: ErasureProposal
    proposer_email: str | None


# --- the freeze ---------------------------------------------------------------------------


def freeze(seller: User, staff: User, reason: str) -> bool:
    """Freeze ``seller`` and ask them for proof of age; False if it was frozen already.

    Raises :class:`portal.auth.states.TransitionRefused` from a state a freeze cannot start
    from (closed, awaiting verification). Flushes only."""
    if seller.status == AccountStatus.FROZEN:
        return False
    states.apply(seller, Transition.FREEZE, actor=staff, reason=reason)
    _ask_for_proof_of_age(seller)
    return True


def freeze_by_system(seller: User, reason: str) -> bool:
    """The portal itself freezes ``seller`` and asks them for proof of age, with no member
    of staff behind it: what the seller gave shows someone under 18 (an identity number).
    Recorded in the audit trail as the system's act, so staff find it and check it; False
    when the account is not active (frozen already, closed, awaiting verification), which
    leaves it as it is. Flushes only."""
    if not states.allowed(seller.status, Transition.FREEZE, states.Actor.SYSTEM):
        return False
    states.apply(seller, Transition.FREEZE, actor=None, reason=reason)
    audit(None, "account.freeze", "account", seller.id, reason)  # the portal, as staff would
    _ask_for_proof_of_age(seller)
    return True


def on_identity_shows_minor(sender: User, reason: str = "", **extra) -> None:
    """Receives :data:`portal.events.identity_shows_minor` (the sender is the account)."""
    freeze_by_system(sender, reason or "identity shows someone under 18")


def _ask_for_proof_of_age(seller: User) -> None:
    queue_email(
        to=seller.email,
        kind="account_frozen_age",
        subject=_l("Please confirm your age: your shop is paused"),
        user=seller,
    )
    db.session.flush()


def lift(seller: User, staff: User, reason: str) -> None:
    """End the freeze: any erasure proposal waiting is withdrawn, and the seller is told.

    Raises :class:`portal.auth.states.TransitionRefused` (not frozen, a role that may not,
    no reason). Flushes only."""
    states.apply(seller, Transition.LIFT_FREEZE, actor=staff, reason=reason)
    withdraw(seller.id, staff, reason)
    queue_email(
        to=seller.email,
        kind="account_unfrozen",
        subject=_l("Your shop is open again"),
        user=seller,
    )
    db.session.flush()


# --- the two-person erasure ----------------------------------------------------------------


def pending(user_id: int) -> ErasureProposal | None:
    return db.session.scalar(select(ErasureProposal).where(ErasureProposal.user_id == user_id))


def pending_for(user_ids: list[int]) -> dict[int, Pending]:
    """The waiting proposals of these accounts, with who proposed each (one statement)."""
    if not user_ids:
        return {}
    rows = db.session.execute(
        select(ErasureProposal, User.email)
        .outerjoin(User, User.id == ErasureProposal.proposed_by)
        .where(ErasureProposal.user_id.in_(user_ids))
    ).all()
    return {proposal.user_id: Pending(proposal, email) for proposal, email in rows}


def waiting(limit: int = 10) -> tuple[int, list[ErasureProposal]]:
    """How many proposals wait for a second person, and the oldest ``limit`` of them."""
    count = db.session.scalar(select(func.count()).select_from(ErasureProposal))
    oldest = db.session.scalars(
        select(ErasureProposal)
        .order_by(ErasureProposal.proposed_at, ErasureProposal.id)
        .limit(limit)
    ).all()
    return count, list(oldest)


def _bound(proposal: ErasureProposal | None, source: ProposalSource, object_id: int) -> bool:
    if proposal is None or proposal.source != source:
        return False
    bound_to = proposal.report_id if source == ProposalSource.MINOR_REPORT else proposal.document_id
    return bound_to == object_id


def is_proposed(user_id: int, source: ProposalSource, object_id: int) -> bool:
    """Whether an erasure of this account waits, proposed from this report or document."""
    return _bound(pending(user_id), source, object_id)


def propose(
    seller: User, staff: User, *, source: ProposalSource, object_id: int, reference: str
) -> ErasureProposal:
    """Propose erasing ``seller`` now, from the report or document ``object_id``; the
    account is frozen from now on. Proposing twice from the same object changes nothing.

    Raises :class:`AlreadyProposed`, or :class:`portal.auth.states.TransitionRefused` when
    the account cannot be held (closed by its seller, awaiting verification). Flushes only.
    """
    existing = pending(seller.id)
    if existing is not None:
        if _bound(existing, source, object_id):
            return existing
        raise AlreadyProposed(seller.id)
    who = states.actor_of(seller, staff)
    if seller.status not in HELD and not states.allowed(seller.status, Transition.FREEZE, who):
        raise states.NotFromThisState(Transition.FREEZE, seller.status, who)
    proposal = ErasureProposal(
        user_id=seller.id,
        source=source,
        report_id=object_id if source == ProposalSource.MINOR_REPORT else None,
        document_id=object_id if source == ProposalSource.UNDER_AGE_DOCUMENT else None,
        proposed_by=staff.id,
    )
    audit(staff, "erasure.propose", "account", seller.id, reference)
    if seller.status not in HELD:
        freeze(seller, staff, f"erasure proposed: {reference}")
    db.session.add(proposal)
    db.session.flush()
    return proposal


def confirm(
    seller_id: int, staff: User, *, source: ProposalSource, object_id: int, reference: str
) -> Erasure:
    """Erase the account now, as proposed from this report or document by someone else.

    Raises :class:`NoProposal` (none waits from this object), :class:`OwnProposal`, or
    :class:`portal.auth.states.TransitionRefused` (not an admin). Flushes only: the files
    go after the commit, and the session is cleared (``portal.erasure``).
    """
    proposal = pending(seller_id)
    if not _bound(proposal, source, object_id):
        raise NoProposal(seller_id)
    if proposal.proposed_by == staff.id:
        raise OwnProposal(seller_id)
    seller = db.session.get(User, seller_id)
    states.apply(
        seller,
        Transition.ERASE,
        actor=staff,
        reason=f"{reference}; proposed by staff #{proposal.proposed_by}",
    )
    return erase_account(seller_id, reason=source, reference=reference)


def withdraw(seller_id: int, staff: User, reason: str) -> bool:
    """Drop the proposal waiting for this account, if any (the freeze stays as it is)."""
    gone = db.session.execute(
        delete(ErasureProposal).where(ErasureProposal.user_id == seller_id)
    ).rowcount
    if gone:
        audit(staff, "erasure.withdraw", "account", seller_id, reason)
    return bool(gone)
