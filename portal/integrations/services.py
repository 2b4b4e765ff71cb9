"""The seller's online store: connecting it through the sharing door, and disconnecting it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.auth.models import User
from portal.extensions import db
from portal.integrations.models import StoreConnection
from portal.sharing import services as sharing
from portal.sharing.models import ThirdParty

# What a store needs to list the seller as its owner and contact.
STORE_FIELDS = ("shop_name", "email", "phone")


def store_party() -> ThirdParty | None:
    """The store platform in the registry (retired or not), or None if it was never added."""
    return sharing.party_by_slug(sharing.STORES[0])


def connection_of(user_id: int) -> StoreConnection | None:
    """The seller's connected store, with the disclosure made when it was connected."""
    return db.session.scalar(
        select(StoreConnection)
        .options(joinedload(StoreConnection.disclosure))
        .where(StoreConnection.user_id == user_id)
    )


def connect_store(
    seller: User,
    party: ThirdParty,
    store_url: str,
    *,
    confirmed_digest: str | None = None,
) -> StoreConnection:
    """Send ``party`` the seller's shop name, email and phone for the store at
    ``store_url``, and connect it in place of any store connected before (flushed).

    ``confirmed_digest`` is what the seller saw on the check page (see ``sharing.share``).
    Raises what ``sharing.share`` raises; then nothing is connected or recorded.
    """
    disclosure = sharing.share(
        seller,
        party,
        STORE_FIELDS,
        request={"type": "store_connection", "store_url": store_url},
        confirmed_digest=confirmed_digest,
    )
    connection = db.session.get(StoreConnection, seller.id) or StoreConnection(user_id=seller.id)
    connection.third_party_id = party.id
    connection.store_url = store_url
    connection.disclosure = disclosure
    connection.connected_at = disclosure.disclosed_at
    db.session.add(connection)
    db.session.flush()
    return connection


def disconnect_store(seller: User) -> bool:
    """Forget the seller's store, so nothing more is sent to it; False if none was connected."""
    connection = db.session.get(StoreConnection, seller.id)
    if connection is None:
        return False
    db.session.delete(connection)
    db.session.flush()
    return True
