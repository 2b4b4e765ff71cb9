"""What a store still holds for an account being erased: the customer record the portal
created there, and the seller's own keys to reach it.

Answers :data:`portal.events.erasing_accounts` before the erasure deletes the connection:
the erasure request to the store then names the store's customer id, with the keys sealed
in the request until it is made, so the WooCommerce connector can delete the customer
(``DELETE /wp-json/wc/v3/customers/<id>?force=true``,
https://woocommerce.github.io/woocommerce-rest-api-docs/#delete-a-customer). A store
connected without keys cannot be reached through its API; its request goes by email.
"""

from __future__ import annotations

from sqlalchemy import select

from portal.events import StillOpen
from portal.extensions import db
from portal.integrations.models import StoreConnection
from portal.integrations.services import credentials_of


def still_open(sender, ids=(), **extra) -> dict[tuple[int, int], StillOpen]:
    """The customer id and the keys of each account's store that has keys, by (account id,
    store party id)."""
    connections = db.session.scalars(
        select(StoreConnection).where(
            StoreConnection.user_id.in_(list(ids)),
            StoreConnection.consumer_key.is_not(None),
            StoreConnection.consumer_secret.is_not(None),
        )
    )
    return {
        (connection.user_id, connection.third_party_id): StillOpen(
            references=(connection.customer_id,) if connection.customer_id else (),
            credentials=credentials_of(connection),
        )
        for connection in connections
    }
