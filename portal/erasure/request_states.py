"""The statuses of an erasure request to a third party, and the one function that moves them.

- ``pending``: queued with the erasure; made through the party's API by the next retention
  run, and again by each run after while the party cannot be reached.
- ``answered``: closed. Either the party's API erased all it holds (channel ``api``), or
  staff recorded the party's answer to the email, or to a request made another way.
- ``emailed``: the API did what it can (or has no way to take the request); the rest was
  asked of the party's privacy contact by email, and staff wait for the answer. Unanswered
  after :data:`OVERDUE_AFTER`, it is overdue.
- ``staff``: it could not be emailed, as the registry records no privacy contact for the
  party. Listed for staff; the next run emails it once the registry has a contact.

Rows from before issue 24 may read ``sent``: the party's generic endpoint accepted them,
which is what ``answered`` through the API now says.

Leaving ``pending`` empties the sealed credentials: they were kept only for the API call.
"""

from __future__ import annotations

from datetime import timedelta

from portal.erasure.models import ErasureRequest

PENDING, ANSWERED, EMAILED, STAFF = "pending", "answered", "emailed", "staff"
OPEN = (PENDING, EMAILED, STAFF)

# How long a party has to answer an emailed request before staff see it as overdue (issue 24).
OVERDUE_AFTER = timedelta(days=30)

_MOVES = {
    (PENDING, ANSWERED),
    (PENDING, EMAILED),
    (PENDING, STAFF),
    (STAFF, EMAILED),
    (EMAILED, ANSWERED),
    (STAFF, ANSWERED),
}


class CannotMove(Exception):
    """The request is not in a state that allows this (already answered, say)."""


def move(request: ErasureRequest, to: str) -> None:
    """Set ``request``'s status to ``to``, if the table allows the move; raises
    :class:`CannotMove` otherwise."""
    if (request.status, to) not in _MOVES:
        raise CannotMove(f"{request.status} -> {to}")
    request.status = to
    request.credentials = None
