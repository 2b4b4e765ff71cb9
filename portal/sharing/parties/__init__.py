"""The parties' own connectors, by the name the registry gives (``ThirdParty.connector``).

Each speaks one published API and turns the door's :class:`~portal.sharing.connectors.Message`
into that API's request, and its answers (or error documents) into a
:class:`~portal.sharing.connectors.Receipt` or a
:class:`~portal.sharing.connectors.Refused` code. A party an admin adds keeps ``"json"``.
"""

from __future__ import annotations

from collections.abc import Callable

from portal.sharing.connectors import Connector, Credentials, NotConfigured, json_connector
from portal.sharing.models import ThirdParty
from portal.sharing.parties import mydhl, sendparcel, woocommerce

CONNECTORS: dict[str, Callable[..., Connector]] = {
    "json": json_connector,
    "mydhl": mydhl.make,
    "sendparcel": sendparcel.make,
    "woocommerce": woocommerce.make,
}


def names() -> list[str]:
    """The connectors a party may be given, for the registry's form."""
    return sorted(CONNECTORS)


def connector_for(party: ThirdParty, credentials: Credentials | None = None) -> Connector:
    """The connector the registry names for ``party`` (``ThirdParty.connector``), with the
    seller's own ``credentials`` where the party takes them (a store). Raises
    :class:`~portal.sharing.connectors.NotConfigured`."""
    make = CONNECTORS.get(party.connector)
    if make is None:
        raise NotConfigured(f"no connector named {party.connector!r} for {party.slug}")
    return make(party, credentials)


def reachable(party: ThirdParty) -> bool:
    """Whether :func:`connector_for` gives a connector for ``party`` rather than refuse with
    :class:`NotConfigured`. Making one sends nothing. A store's connector is made here
    without the seller's keys, which come with each message, and counts as reachable."""
    try:
        connector_for(party)
    except NotConfigured:
        return False
    return True


__all__ = ["CONNECTORS", "Credentials", "connector_for", "names", "reachable"]
