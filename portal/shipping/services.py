"""Courier pickups: what a booking needs, which couriers a seller may book, booking one
through the sharing door, cancelling it before its day (the courier told through the same
door), and the seller's recent pickups. A pickup's status changes in :func:`_move` only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from portal.auth.models import AccountStatus, User
from portal.extensions import db
from portal.links import public_url
from portal.outbox.services import queue_email
from portal.sharing import services as sharing
from portal.sharing.models import ThirdParty
from portal.shipping.models import ParcelSize, Pickup, PickupStatus

# What a courier needs to collect a parcel: who, where, and how to call them.
PICKUP_FIELDS = ("name", "address", "phone")

PARCEL_SIZES = {
    ParcelSize.SMALL: _l("Small: up to 2 kg, fits in a shoebox"),
    ParcelSize.MEDIUM: _l("Medium: up to 10 kg, a moving box"),
    ParcelSize.LARGE: _l("Large: up to 30 kg"),
}

# The only moves a pickup's status makes.
_MOVES = {(PickupStatus.BOOKED, PickupStatus.CANCELLED)}


class CannotCancel(Exception):
    """The pickup stays booked; ``message`` says why, in words for the seller."""

    message = _l("This pickup cannot be cancelled.")


class AlreadyCancelled(CannotCancel):
    message = _l("This pickup is already cancelled.")


class TooLateToCancel(CannotCancel):
    message = _l(
        "A pickup can be cancelled only before its day. This one is today or has passed, "
        "so please contact the courier directly."
    )


@dataclass(frozen=True)
class Prerequisites:
    """What a booking needs, as the seller stands now: the details the courier gets that
    are still missing, and whether sharing is open on the account."""

    missing: tuple[str, ...]
    sharing_open: bool

    @property
    def met(self) -> bool:
        return not self.missing and self.sharing_open


def prerequisites(seller: User) -> Prerequisites:
    """Checked before the form is offered, so a seller never fills in one that can only fail."""
    return Prerequisites(
        missing=tuple(sharing.missing_details(seller, PICKUP_FIELDS)),
        sharing_open=seller.status == AccountStatus.ACTIVE,
    )


def couriers() -> list[ThirdParty]:
    """The couriers a seller may book now, by name."""
    return sharing.active_parties(sharing.COURIERS)


def couriers_and_pickups(user_id: int, limit: int = 20) -> tuple[list[ThirdParty], list[Pickup]]:
    """The couriers a seller may book now, by name, and the seller's latest pickups, newest
    first, with their courier and disclosure: in one statement, for the pickup page."""
    recent = (
        select(Pickup.id)
        .where(Pickup.user_id == user_id)
        .order_by(Pickup.created_at.desc(), Pickup.id.desc())
        .limit(limit)
    )
    rows = db.session.execute(
        select(ThirdParty, Pickup)
        .outerjoin(Pickup, (Pickup.third_party_id == ThirdParty.id) & Pickup.id.in_(recent))
        .options(joinedload(Pickup.disclosure))
        .where(ThirdParty.slug.in_(sharing.COURIERS))
        .order_by(ThirdParty.name, ThirdParty.id)
    ).all()
    parties = list(dict.fromkeys(party for party, _ in rows))
    pickups = []
    for party, pickup in rows:
        if pickup is not None:
            set_committed_value(pickup, "third_party", party)  # loaded already, in this row
            pickups.append(pickup)
    pickups.sort(key=lambda pickup: (pickup.created_at, pickup.id), reverse=True)
    return [party for party in parties if party.active], pickups


def courier_by_slug(slug: str) -> ThirdParty | None:
    """The registered courier ``slug`` (retired or not), or None for any other party."""
    party = sharing.party_by_slug(slug)
    if party is None or party.slug not in sharing.COURIERS:
        return None
    return party


def book_pickup(
    seller: User,
    courier: ThirdParty,
    day: date,
    size: ParcelSize | str,
    *,
    confirmed_digest: str | None = None,
) -> Pickup:
    """Send the courier the seller's name, address and phone with the day and the parcel
    size, and add the pickup and its disclosure to the session (flushed).

    ``confirmed_digest`` is what the seller saw on the check page (see ``sharing.share``).
    Raises what ``sharing.share`` raises; then nothing is booked or recorded.
    """
    disclosure = sharing.share(
        seller,
        courier,
        PICKUP_FIELDS,
        request={"type": "pickup", "pickup_date": day.isoformat(), "parcel_size": size},
        confirmed_digest=confirmed_digest,
    )
    pickup = Pickup(
        user_id=seller.id,
        third_party=courier,
        pickup_date=day,
        parcel_size=size,
        disclosure=disclosure,
    )
    db.session.add(pickup)
    db.session.flush()
    _tell_seller(seller, pickup, "pickup_booked", _l("Your pickup is booked"))
    return pickup


def pickup_of(seller_id: int, pickup_id: int, *, for_update: bool = False) -> Pickup | None:
    """The pickup ``pickup_id`` if it is the seller's own, else None (the view answers 404).

    ``for_update`` locks its row until the commit, so two cancellations sent at once tell
    the courier once (PostgreSQL; SQLite runs one writer at a time anyway).
    """
    query = (
        select(Pickup)
        .options(joinedload(Pickup.third_party), joinedload(Pickup.disclosure))
        .where(Pickup.id == pickup_id, Pickup.user_id == seller_id)
    )
    if for_update:
        query = query.with_for_update(of=Pickup)
    return db.session.scalar(query)


def can_cancel(pickup: Pickup, today: date) -> bool:
    """Booked, and its day not yet come (the courier plans the day's round the day before)."""
    return pickup.status == PickupStatus.BOOKED and today < pickup.pickup_date


def cancel_pickup(seller: User, pickup: Pickup, *, today: date) -> Pickup:
    """Tell the courier the pickup is off, through the sharing door (recorded there as a
    disclosure without seller data), mark the pickup cancelled and email the seller; flushed.

    Raises :class:`AlreadyCancelled` or :class:`TooLateToCancel` before anything is sent, and
    ``sharing.DeliveryFailed`` when the courier cannot be reached: then nothing changes.
    """
    if pickup.status == PickupStatus.CANCELLED:
        raise AlreadyCancelled()
    if not can_cancel(pickup, today):
        raise TooLateToCancel()
    message = sharing.cancel(
        seller,
        pickup.disclosure,
        request={"type": "pickup_cancellation", "pickup_date": pickup.pickup_date.isoformat()},
    )
    _move(pickup, PickupStatus.CANCELLED)
    pickup.cancellation = message
    pickup.cancelled_at = message.disclosed_at
    db.session.flush()
    _tell_seller(seller, pickup, "pickup_cancelled", _l("Your pickup is cancelled"))
    return pickup


def _move(pickup: Pickup, to: PickupStatus) -> None:
    if (pickup.status, to) not in _MOVES:
        raise CannotCancel()
    pickup.status = to


def _tell_seller(seller: User, pickup: Pickup, kind: str, subject) -> None:
    queue_email(
        to=seller.email,
        kind=kind,
        subject=subject,
        user=seller,
        pickup=pickup,
        courier=pickup.third_party.name,
        size=PARCEL_SIZES[pickup.parcel_size],
        reference=pickup.disclosure.reference,
        pickups_url=public_url("shipping.pickup", _anchor="pickups-title"),
    )
