"""What a courier still holds open for an account being erased: its pickups still to come.

Answers :data:`portal.events.erasing_accounts` before the erasure deletes the pickups: the
erasure request to each courier then names the courier's own booking ids (the
``partner_reference`` its API gave when the pickup was booked), so its connector can cancel
them through the API (MyDHL ``DELETE /pickups/{dispatchConfirmationNumber}``,
https://developer.dhl.com/api-reference/dhl-express-mydhl-api; SendParcel's cancellation).
A pickup already past, or cancelled, needs nothing cancelled.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from portal.clock import local_today
from portal.events import StillOpen
from portal.extensions import db
from portal.sharing.models import Disclosure
from portal.shipping.models import Pickup, PickupStatus


def still_open(sender, ids=(), **extra) -> dict[tuple[int, int], StillOpen]:
    """The courier's booking ids of the accounts' pickups still booked, today's included
    (the courier may not have come yet), by (account id, courier id)."""
    rows = db.session.execute(
        select(Pickup.user_id, Pickup.third_party_id, Disclosure.partner_reference)
        .join(Disclosure, Disclosure.id == Pickup.disclosure_id)
        .where(
            Pickup.user_id.in_(list(ids)),
            Pickup.status == PickupStatus.BOOKED,
            Pickup.pickup_date >= local_today(),
            Disclosure.partner_reference.is_not(None),
        )
        .order_by(Pickup.pickup_date, Pickup.id)
    )
    found: dict[tuple[int, int], list[str]] = defaultdict(list)
    for user_id, party_id, booking in rows:
        found[(user_id, party_id)].append(booking)
    return {key: StillOpen(references=tuple(bookings)) for key, bookings in found.items()}
