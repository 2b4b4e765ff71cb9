"""Signals one room sends and another acts on, so neither imports the other.

``verified_identity_changed`` (sender: the account, keyword ``field``): a value the identity
check vouched for (full name, date of birth, identity number) has changed; whatever rests on
the approval (the identity document's review) must be done again. The documents room acts
on it: an approved identity document goes back to review.

``identity_shows_minor`` (sender: the account, a ``User``; keyword ``reason``): the identity
number the seller typed reads as someone under 18. Sent by the documents room (which saves
nothing of it); the account room acts on it as the under-age rule says: the account is
frozen, the seller asked for proof of age, and staff check it.

``erasing_accounts`` (sender: None; keyword ``ids``, the account ids): the erasure is about
to delete these accounts' rows, and asks, while they are still there, what the parties that
received their data still hold open. Each receiver returns a dict by (account id, party id)
of :class:`StillOpen`: shipping names the pickups still booked, integrations the store's
customer record and the seller's own keys. The erasure keeps them with the erasure request,
so the party's API can cancel and delete them once the rows are gone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from blinker import Namespace

if TYPE_CHECKING:
    from portal.sharing.connectors import Credentials

_signals = Namespace()

verified_identity_changed = _signals.signal("verified-identity-changed")
identity_shows_minor = _signals.signal("identity-shows-minor")
erasing_accounts = _signals.signal("erasing-accounts")
# A limit counted after the answer (portal.security.within_limit) refused an event: the
# metrics count it, since no 429 shows it (sender: None).
rate_limit_refused = _signals.signal("rate-limit-refused")


@dataclass(frozen=True)
class StillOpen:
    """What a party still holds open for an account being erased (``erasing_accounts``).

    ``references`` are the party's own (a courier's booking id, a store's customer id), never
    personal data; ``credentials`` are the seller's own keys the party's API needs for them
    (a store), which die with the account and are kept sealed only until the request is made.
    """

    references: tuple[str, ...] = ()
    credentials: Credentials | None = None
