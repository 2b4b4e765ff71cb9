"""Courier pickups: which couriers a seller may book, booking one through the sharing door,
and the seller's recent pickups."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.auth.models import AccountStatus, User
from portal.extensions import db
from portal.sharing import services as sharing
from portal.sharing.models import ThirdParty
from portal.shipping.models import ParcelSize, Pickup

# What a courier needs to collect a parcel: who, where, and how to call them.
PICKUP_FIELDS = ("name", "address", "phone")


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
    return pickup


def recent_pickups(user_id: int, limit: int = 20) -> list[Pickup]:
    """The seller's latest pickups, newest first, with their courier and disclosure."""
    return list(
        db.session.scalars(
            select(Pickup)
            .options(joinedload(Pickup.third_party), joinedload(Pickup.disclosure))
            .where(Pickup.user_id == user_id)
            .order_by(Pickup.created_at.desc(), Pickup.id.desc())
            .limit(limit)
        )
    )
