"""How the door reaches a party that holds the seller's own account: a store the seller
connected with their own keys.

The feature that keeps those keys (integrations) lends the door a function, when the app
starts, that gives the seller's keys and the party's record of them: so a correction the door
owes the store (PDPA s.35) goes to that record, while the door imports no feature.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from portal.sharing.connectors import Credentials


@dataclass(frozen=True)
class Reach:
    credentials: Credentials
    partner_reference: str | None  # the party's own record of the seller (a customer id)


_LENDERS: dict[str, Callable[[int], Reach | None]] = {}


def lend(party_slug: str, reach_of: Callable[[int], Reach | None]) -> None:
    """Register how to reach the seller's own record at ``party_slug`` (at start-up; again
    with the same function changes nothing)."""
    _LENDERS[party_slug] = reach_of


def of(party_slug: str, user_id: int) -> Reach | None:
    """The seller's keys and record at the party, or None (none kept, or not that kind of
    party)."""
    reach_of = _LENDERS.get(party_slug)
    return reach_of(user_id) if reach_of is not None else None
