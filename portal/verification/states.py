"""The words of verification: a requirement's code and state, the account's status, and
the summary the dashboard, the back office and the marketplace API show (codes and dates
only, nothing personal). :mod:`portal.verification.services` gives them to the rest of the
portal; they live here so that the rules and the services can both use them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class State(StrEnum):
    CURRENTLY_DUE = "currently_due"  # the seller must act by ``deadline``
    EVENTUALLY_DUE = "eventually_due"  # will be asked for later (no deadline yet)
    PAST_DUE = "past_due"  # the deadline has passed: the account is restricted
    PENDING_VERIFICATION = "pending_verification"  # given; staff are checking it
    SATISFIED = "satisfied"


class Status(StrEnum):
    VERIFIED = "verified"
    PENDING = "pending"  # nothing is due from the seller; staff are checking
    ACTION_NEEDED = "action_needed"  # something is currently due, by ``deadline``
    RESTRICTED = "restricted"  # something is past due (``reason``)


class Code(StrEnum):
    IDENTITY = "identity"  # identity document and its number
    BANK = "bank"  # bank account, and its proof where the holder's name differs
    ADDRESS = "address"
    BUSINESS = "business"  # business details and the SSM certificate, where they apply
    PASSPORT_VALID = "passport_valid"  # a passport that has not expired


@dataclass(frozen=True)
class Requirement:
    code: Code
    state: State
    deadline: date | None = None  # currently due / past due: the day it is (was) due by
    reason: str | None = None  # a code saying why (e.g. "holder_name_differs", "rejected")


@dataclass(frozen=True)
class Summary:
    status: Status
    requirements: list[Requirement] = field(default_factory=list)
    deadline: date | None = None  # the earliest deadline among what is currently due
    reason: Code | None = None  # restricted: the first requirement past due
