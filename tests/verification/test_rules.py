"""The rules of verification, judged on facts built by hand: every requirement's states,
the deadlines (given once, kept, a passport's own), and the account's status."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from portal.verification.facts import Facts
from portal.verification.rules import Tracked, evaluate
from portal.verification.states import Code, State, Status

TODAY = date(2026, 12, 7)
DAYS = 30

# A seller with nothing asked of them: an approved MyKad with its number, a bank account in
# their name, an address, selling as an individual.
DONE = Facts(
    identity_status="approved",
    identity_type="mykad",
    identity_number_on_file=True,
    bank_present=True,
    address_present=True,
    selling_as="individual",
)


def _judge(facts: Facts, tracked=None, today: date = TODAY):
    return evaluate(facts, tracked or {}, today, deadline_days=DAYS)


def _state(facts: Facts, code: Code, tracked=None, today: date = TODAY):
    found = {r.code: r for r in _judge(facts, tracked, today).requirements}
    return found.get(code)


def test_a_seller_with_everything_is_verified():
    result = _judge(DONE)
    assert result.status == Status.VERIFIED
    assert [r.code for r in result.requirements] == [Code.IDENTITY, Code.BANK, Code.ADDRESS]
    assert all(r.state == State.SATISFIED for r in result.requirements)
    assert result.deadline is None and result.reason is None


@pytest.mark.parametrize(
    ("changes", "state", "reason"),
    [
        ({"identity_status": None}, State.CURRENTLY_DUE, "missing"),
        ({"identity_status": "rejected"}, State.CURRENTLY_DUE, "rejected"),
        ({"identity_number_on_file": False}, State.CURRENTLY_DUE, "number_missing"),
        (
            {"identity_status": "pending", "identity_number_on_file": False},
            State.CURRENTLY_DUE,
            "number_missing",
        ),
        ({"identity_status": "pending"}, State.PENDING_VERIFICATION, None),
        ({}, State.SATISFIED, None),
    ],
)
def test_identity(changes, state, reason):
    found = _state(replace(DONE, **changes), Code.IDENTITY)
    assert (found.state, found.reason) == (state, reason)


@pytest.mark.parametrize(
    ("changes", "state", "reason"),
    [
        ({"bank_present": False}, State.CURRENTLY_DUE, "missing"),
        ({"holder_name_differs": True}, State.CURRENTLY_DUE, "holder_name_differs"),
        (
            {"holder_name_differs": True, "bank_proof_status": "rejected"},
            State.CURRENTLY_DUE,
            "holder_name_differs",
        ),
        (
            {"holder_name_differs": True, "bank_proof_status": "pending"},
            State.PENDING_VERIFICATION,
            "holder_name_differs",
        ),
        ({"holder_name_differs": True, "bank_proof_status": "approved"}, State.SATISFIED, None),
        ({"bank_proof_status": None}, State.SATISFIED, None),  # same name: no proof asked
    ],
)
def test_bank(changes, state, reason):
    found = _state(replace(DONE, **changes), Code.BANK)
    assert (found.state, found.reason) == (state, reason)


def test_address():
    assert _state(DONE, Code.ADDRESS).state == State.SATISFIED
    found = _state(replace(DONE, address_present=False), Code.ADDRESS)
    assert (found.state, found.reason) == (State.CURRENTLY_DUE, "missing")


COMPANY = replace(
    DONE,
    selling_as="company",
    business_complete=True,
    needs_registration_document=True,
    registration_document_status="approved",
)


@pytest.mark.parametrize(
    ("changes", "state", "reason"),
    [
        ({}, State.SATISFIED, None),
        ({"business_complete": False}, State.CURRENTLY_DUE, "incomplete"),
        (
            {"registration_document_status": None},
            State.CURRENTLY_DUE,
            "registration_document_missing",
        ),
        (
            {"registration_document_status": "rejected"},
            State.CURRENTLY_DUE,
            "registration_document_rejected",
        ),
        ({"registration_document_status": "pending"}, State.PENDING_VERIFICATION, None),
        (
            {"needs_registration_document": False, "registration_document_status": None},
            State.SATISFIED,
            None,
        ),
        ({"selling_as": "business"}, State.SATISFIED, None),
        ({"selling_as": "llp", "business_complete": False}, State.CURRENTLY_DUE, "incomplete"),
        ({"selling_as": None}, State.EVENTUALLY_DUE, "selling_as_missing"),
    ],
)
def test_business(changes, state, reason):
    found = _state(replace(COMPANY, **changes), Code.BUSINESS)
    assert (found.state, found.reason) == (state, reason)
    assert found.deadline is None if state != State.CURRENTLY_DUE else found.deadline


def test_business_details_do_not_apply_to_an_individual():
    assert _state(DONE, Code.BUSINESS) is None


def test_business_details_eventually_due_ask_nothing_yet():
    result = _judge(replace(DONE, selling_as=None))
    assert result.status == Status.VERIFIED
    assert _state(replace(DONE, selling_as=None), Code.BUSINESS).deadline is None


EXPIRES = date(2027, 3, 1)
PASSPORT = replace(DONE, identity_type="passport", passport_expires_on=EXPIRES)


def test_passport_valid_does_not_apply_to_a_mykad():
    assert _state(replace(DONE, passport_expires_on=EXPIRES), Code.PASSPORT_VALID) is None


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (EXPIRES - timedelta(days=61), State.SATISFIED),
        (EXPIRES - timedelta(days=60), State.CURRENTLY_DUE),  # asked again 60 days before
        (EXPIRES - timedelta(days=1), State.CURRENTLY_DUE),
        (EXPIRES, State.PAST_DUE),  # past due on the day it expires
        (EXPIRES + timedelta(days=40), State.PAST_DUE),
    ],
)
def test_passport_through_time(today, state):
    found = _state(PASSPORT, Code.PASSPORT_VALID, today=today)
    assert found.state == state
    if state != State.SATISFIED:
        assert found.deadline == EXPIRES  # the expiry date itself, not 30 days on


def test_a_new_passport_waiting_for_staff_is_pending_verification():
    facts = replace(PASSPORT, identity_status="pending")
    found = _state(facts, Code.PASSPORT_VALID, today=EXPIRES + timedelta(days=3))
    assert found.state == State.PENDING_VERIFICATION
    assert _judge(facts, today=EXPIRES + timedelta(days=3)).status == Status.PENDING


def test_an_expired_passport_restricts_the_account():
    result = _judge(PASSPORT, today=EXPIRES)
    assert result.status == Status.RESTRICTED
    assert result.reason == Code.PASSPORT_VALID


# --- deadlines ---------------------------------------------------------------------------------


def test_a_requirement_falling_due_gets_today_plus_the_days_allowed():
    found = _state(replace(DONE, address_present=False), Code.ADDRESS)
    assert found.deadline == TODAY + timedelta(days=DAYS)


def test_a_stored_deadline_does_not_move():
    facts = replace(DONE, address_present=False)
    kept = date(2026, 12, 20)
    tracked = {Code.ADDRESS: Tracked(State.CURRENTLY_DUE, kept)}
    assert _state(facts, Code.ADDRESS, tracked).deadline == kept
    # ...through a wait for staff, too: a rejection does not win a fresh deadline
    tracked = {Code.IDENTITY: Tracked(State.PENDING_VERIFICATION, kept)}
    found = _state(replace(DONE, identity_status="rejected"), Code.IDENTITY, tracked)
    assert found.deadline == kept


def test_a_satisfied_requirement_falling_due_again_gets_a_new_deadline():
    tracked = {Code.ADDRESS: Tracked(State.SATISFIED, None)}
    found = _state(replace(DONE, address_present=False), Code.ADDRESS, tracked)
    assert found.deadline == TODAY + timedelta(days=DAYS)


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (date(2026, 12, 20), State.CURRENTLY_DUE),  # the deadline day itself: still due
        (date(2026, 12, 21), State.PAST_DUE),  # the day after
    ],
)
def test_past_due_the_day_after_the_deadline(today, state):
    tracked = {Code.ADDRESS: Tracked(State.CURRENTLY_DUE, date(2026, 12, 20))}
    found = _state(replace(DONE, address_present=False), Code.ADDRESS, tracked, today)
    assert found.state == state


# --- the account's status ----------------------------------------------------------------------


def test_action_needed_by_the_earliest_deadline():
    facts = replace(DONE, address_present=False, bank_present=False)
    tracked = {
        Code.ADDRESS: Tracked(State.CURRENTLY_DUE, date(2027, 1, 6)),
        Code.BANK: Tracked(State.CURRENTLY_DUE, date(2026, 12, 30)),
    }
    result = _judge(facts, tracked)
    assert result.status == Status.ACTION_NEEDED
    assert result.deadline == date(2026, 12, 30)


def test_restricted_names_the_first_requirement_past_due():
    facts = replace(DONE, identity_status=None, address_present=False, holder_name_differs=True)
    past = Tracked(State.CURRENTLY_DUE, date(2026, 12, 1))
    tracked = {Code.BANK: past, Code.ADDRESS: past}
    result = _judge(facts, tracked)
    assert result.status == Status.RESTRICTED
    assert result.reason == Code.BANK  # before the address, in the order of Code
    assert result.deadline == TODAY + timedelta(days=DAYS)  # the identity is only due


def test_pending_when_only_staff_have_something_to_do():
    facts = replace(DONE, identity_status="pending", holder_name_differs=True)
    result = _judge(replace(facts, bank_proof_status="pending"))
    assert result.status == Status.PENDING
    assert result.deadline is None


def test_something_due_outweighs_something_pending():
    facts = replace(DONE, identity_status="pending", address_present=False)
    assert _judge(facts).status == Status.ACTION_NEEDED
