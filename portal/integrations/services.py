"""The seller's WooCommerce store: its keys checked, the customer record made through the
sharing door, the keys kept encrypted, and the record removed when the store is disconnected.

The keys are the seller's own (a REST API key made in their store), so they come from the
seller, never from configuration, and are used only to speak to that store. They are kept
encrypted (``store_connections.consumer_key``, ``consumer_secret``) with the last four
characters of the key in clear to show which key is in use (``key_hint``), and the store's id
of the customer record the portal made (``customer_id``): what the erasure routine needs to
have that record deleted when the account is erased.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.auth.models import User
from portal.extensions import db
from portal.integrations.models import StoreConnection
from portal.sharing import reach
from portal.sharing import services as sharing
from portal.sharing.connectors import STORE_CONNECTION, STORE_DISCONNECTION, Credentials
from portal.sharing.models import ThirdParty

# What a store needs to list the seller as its owner and contact.
STORE_FIELDS = ("shop_name", "email", "phone")


@dataclass(frozen=True)
class Removal:
    """What became of the customer record in the store a connection left: ``removed`` (the
    store deleted it, or it was already gone), or not (the store could not be reached, or
    refused: the seller may delete it in WooCommerce); ``None``, nothing to remove (a store
    connected before the portal kept keys)."""

    removed: bool | None
    code: str | None = None  # the store's refusal, when it refused


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


def has_keys(user_id: int) -> bool:
    """Whether the seller's store is connected with its keys (changing them then asks for
    the password first). Reads the hint only: no key is decrypted."""
    hint = db.session.scalar(
        select(StoreConnection.key_hint).where(StoreConnection.user_id == user_id)
    )
    return hint is not None


def key_hint(key: str) -> str:
    return key[-4:]


def masked_key(hint: str | None) -> str:
    """How a stored key is shown: "ck_…abcd", never in full."""
    return f"ck_…{hint}" if hint else ""


def check_keys(party: ThirdParty, credentials: Credentials) -> None:
    """Ask the store, read-only, whether the keys open it, before anything is saved or
    shared. Raises ``sharing.DeliveryFailed`` (its ``code`` says why: ``credentials``,
    ``not_found``, ``busy``...; ``None``: the store could not be reached)."""
    sharing.check_credentials(party, credentials)


def same_store(connection: StoreConnection | None, store_url: str) -> bool:
    """Whether ``store_url`` is the store already connected, with its customer record: new
    keys for it replace the old ones without sharing anything again."""
    return (
        connection is not None
        and connection.customer_id is not None
        and connection.store_url.lower() == store_url.lower()
    )


def replace_keys(connection: StoreConnection, credentials: Credentials) -> StoreConnection:
    """New keys for the store already connected (checked by :func:`check_keys`): nothing is
    shared, the old keys are overwritten. Flushes."""
    _keep_keys(connection, credentials)
    db.session.flush()
    return connection


def connect_store(
    seller: User,
    party: ThirdParty,
    credentials: Credentials,
    *,
    confirmed_digest: str | None = None,
) -> tuple[StoreConnection, Removal]:
    """Have the store at ``credentials.url`` make its customer record of the seller (shop
    name, email, phone) through the door, and connect it in place of any store connected
    before, whose own record is then removed (as :func:`disconnect_store` does). Flushes.

    ``confirmed_digest`` is what the seller saw on the check page (see ``sharing.share``).
    Raises what ``sharing.share`` raises; then nothing is connected, recorded or removed.
    """
    disclosure = sharing.share(
        seller,
        party,
        STORE_FIELDS,
        request={"type": STORE_CONNECTION, "store_url": credentials.url},
        confirmed_digest=confirmed_digest,
        credentials=credentials,
    )
    connection = db.session.get(StoreConnection, seller.id)
    removal = Removal(None)
    if connection is None:
        connection = StoreConnection(user_id=seller.id)
    else:
        removal = _remove_record(seller, connection)
    connection.third_party_id = party.id
    connection.store_url = credentials.url
    connection.disclosure = disclosure
    connection.connected_at = disclosure.disclosed_at
    connection.customer_id = disclosure.partner_reference
    _keep_keys(connection, credentials)
    db.session.add(connection)
    db.session.flush()
    return connection, removal


def disconnect_store(seller: User) -> Removal | None:
    """Ask the store to delete the customer record the portal made (recorded as a message
    that calls the connection off), then forget the store and its keys whatever it answered,
    so nothing more is sent to it. Flushes. Returns what became of the record, or None if no
    store was connected."""
    connection = db.session.get(StoreConnection, seller.id)
    if connection is None:
        return None
    removal = _remove_record(seller, connection)
    db.session.delete(connection)
    db.session.flush()
    return removal


def _remove_record(seller: User, connection: StoreConnection) -> Removal:
    credentials = credentials_of(connection)
    if connection.customer_id is None or credentials is None:
        return Removal(None)
    try:
        sharing.cancel(
            seller,
            connection.disclosure,
            request={"type": STORE_DISCONNECTION, "store_url": connection.store_url},
            credentials=credentials,
        )
    except sharing.DeliveryFailed as exc:
        return Removal(False, exc.code)
    return Removal(True)


def store_reach(user_id: int) -> reach.Reach | None:
    """The seller's store keys and the customer record the portal made there, for the door
    to pass a correction on to (PDPA s.35); None without keys or a record."""
    connection = db.session.get(StoreConnection, user_id)
    if connection is None or connection.customer_id is None:
        return None
    credentials = credentials_of(connection)
    return None if credentials is None else reach.Reach(credentials, connection.customer_id)


def credentials_of(connection: StoreConnection) -> Credentials | None:
    """The seller's keys to their store, as the connector takes them; None for a store
    connected without keys (or whose keys were forgotten)."""
    if connection.consumer_key is None:
        return None
    return Credentials(
        connection.store_url, connection.consumer_key, connection.consumer_secret or ""
    )


def lend_reach(_state=None) -> None:
    """Lend :func:`store_reach` to the door (the blueprint calls this when it registers)."""
    reach.lend(sharing.STORES[0], store_reach)


def _keep_keys(connection: StoreConnection, credentials: Credentials) -> None:
    connection.consumer_key = credentials.key
    connection.consumer_secret = credentials.secret
    connection.key_hint = key_hint(credentials.key)
