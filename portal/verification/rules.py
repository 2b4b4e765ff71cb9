"""The rules of verification: from a seller's facts to each requirement's state, and the
account's status that follows. Pure: no database, no clock, no configuration.

Each requirement is judged by its own function, which says the state and why (a reason
code). :func:`evaluate` gives what is currently due its deadline (kept from the last run
when it had one, otherwise ``today`` plus the days allowed), turns what has passed its
deadline into past due, and sums up the account:

* restricted when anything is past due (the reason: the first one, in ``Code`` order);
* action needed, by the earliest deadline, when something is currently due;
* pending while staff check what was sent and nothing is asked of the seller;
* verified otherwise. What is only eventually due (business details, before the seller
  says how they sell) is shown but asks nothing yet.

A requirement that does not apply (business details for an individual, a valid passport
for a MyKad holder) is left out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from portal.malaysia.passport import RENEW_BEFORE_DAYS
from portal.verification.facts import Facts
from portal.verification.states import Code, Requirement, State, Status, Summary

DEFAULT_DEADLINE_DAYS = 30  # VERIFICATION_DEADLINE_DAYS

PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"
UNSETTLED = frozenset({State.CURRENTLY_DUE, State.PAST_DUE, State.PENDING_VERIFICATION})


@dataclass(frozen=True)
class Tracked:
    """What the last run stored of a requirement: its state and the deadline it was given."""

    state: State
    deadline: date | None = None


@dataclass(frozen=True)
class Judged:
    state: State
    reason: str | None = None
    deadline: date | None = None  # a deadline set by the facts themselves (a passport's expiry)


DUE = State.CURRENTLY_DUE


def identity(facts: Facts, today: date) -> Judged:
    if facts.identity_status is None:
        return Judged(DUE, "missing")
    if facts.identity_status == REJECTED:
        return Judged(DUE, "rejected")
    if not facts.identity_number_on_file:
        return Judged(DUE, "number_missing")
    if facts.identity_status == PENDING:
        return Judged(State.PENDING_VERIFICATION)
    return Judged(State.SATISFIED)


def bank(facts: Facts, today: date) -> Judged:
    if not facts.bank_present:
        return Judged(DUE, "missing")
    if facts.holder_name_differs and facts.bank_proof_status != APPROVED:
        if facts.bank_proof_status == PENDING:
            return Judged(State.PENDING_VERIFICATION, "holder_name_differs")
        return Judged(DUE, "holder_name_differs")
    return Judged(State.SATISFIED)


def address(facts: Facts, today: date) -> Judged:
    return Judged(State.SATISFIED) if facts.address_present else Judged(DUE, "missing")


def business(facts: Facts, today: date) -> Judged | None:
    if facts.selling_as is None:
        return Judged(State.EVENTUALLY_DUE, "selling_as_missing")
    if not facts.sells_as_business:
        return None
    if not facts.business_complete:
        return Judged(DUE, "incomplete")
    if facts.needs_registration_document:
        status = facts.registration_document_status
        if status is None:
            return Judged(DUE, "registration_document_missing")
        if status == REJECTED:
            return Judged(DUE, "registration_document_rejected")
        if status == PENDING:
            return Judged(State.PENDING_VERIFICATION)
    return Judged(State.SATISFIED)


def passport_valid(facts: Facts, today: date) -> Judged | None:
    """Asked again 60 days before the passport expires; past due on the day it expires."""
    expires = facts.passport_expires_on
    if facts.identity_type != "passport" or expires is None:
        return None
    if facts.identity_status == PENDING:  # a new passport, waiting for staff
        return Judged(State.PENDING_VERIFICATION)
    if facts.identity_status != APPROVED:
        return None  # the identity requirement asks for a document already
    if today >= expires:
        return Judged(State.PAST_DUE, "expired", deadline=expires)
    if today >= expires - timedelta(days=RENEW_BEFORE_DAYS):
        return Judged(DUE, "expiring", deadline=expires)
    return Judged(State.SATISFIED)


RULES = {
    Code.IDENTITY: identity,
    Code.BANK: bank,
    Code.ADDRESS: address,
    Code.BUSINESS: business,
    Code.PASSPORT_VALID: passport_valid,
}


def kept_deadline(previous: Tracked | None) -> date | None:
    """The deadline a requirement keeps from the last run: until it is satisfied, once
    given, a deadline does not move."""
    if previous is None or previous.state not in UNSETTLED:
        return None
    return previous.deadline


def _requirement(
    code: Code, judged: Judged, previous: Tracked | None, today: date, days: int
) -> Requirement:
    if judged.state not in (DUE, State.PAST_DUE):
        return Requirement(code, judged.state, reason=judged.reason)
    if judged.deadline is not None:  # set by the facts: past due on that very day
        return Requirement(code, judged.state, judged.deadline, judged.reason)
    deadline = kept_deadline(previous) or today + timedelta(days=days)
    state = State.PAST_DUE if today > deadline else DUE
    return Requirement(code, state, deadline, judged.reason)


def evaluate(
    facts: Facts,
    tracked: Mapping[Code, Tracked],
    today: date,
    *,
    deadline_days: int = DEFAULT_DEADLINE_DAYS,
) -> Summary:
    """Each requirement that applies to the seller, and the account's status, on ``today``
    (the seller's calendar day). ``tracked``: what the last run stored, by code, so that
    deadlines stay where they were first set."""
    requirements = []
    for code, rule in RULES.items():
        judged = rule(facts, today)
        if judged is not None:
            requirements.append(_requirement(code, judged, tracked.get(code), today, deadline_days))
    return summed_up(requirements)


def summed_up(requirements: list[Requirement]) -> Summary:
    """The account's status from its requirements' states."""
    due = [r.deadline for r in requirements if r.state == DUE and r.deadline]
    earliest = min(due) if due else None
    past = [r.code for r in requirements if r.state == State.PAST_DUE]
    if past:
        return Summary(Status.RESTRICTED, requirements, earliest, past[0])
    if any(r.state == DUE for r in requirements):
        return Summary(Status.ACTION_NEEDED, requirements, earliest)
    if any(r.state == State.PENDING_VERIFICATION for r in requirements):
        return Summary(Status.PENDING, requirements)
    return Summary(Status.VERIFIED, requirements)
