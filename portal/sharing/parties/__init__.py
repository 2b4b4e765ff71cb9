"""The parties' own connectors, by the name the registry gives (``ThirdParty.connector``).

Each speaks one published API and turns the door's :class:`~portal.sharing.connectors.Message`
into that API's request, and its answers (or error documents) into a
:class:`~portal.sharing.connectors.Receipt` or a
:class:`~portal.sharing.connectors.Refused` code. A party an admin adds keeps ``"json"``.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app

from portal.config import is_development
from portal.sharing.connectors import Connector, Credentials, NotConfigured, json_connector
from portal.sharing.models import ThirdParty
from portal.sharing.parties import mydhl, sendparcel

CONNECTORS: dict[str, Callable[..., Connector]] = {
    "json": json_connector,
    "mydhl": mydhl.make,
    "sendparcel": sendparcel.make,
    # STAND-IN until WooCommerce's connector lands (issue 24): the portal's own JSON.
    "woocommerce": json_connector,
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
    """Whether :func:`connector_for` would give a connector for ``party`` rather than refuse
    (a store is reached with the seller's own keys, so it counts as reachable here)."""
    if party.connector == "woocommerce":
        return True
    config = current_app.config
    return bool((config["SHARING_ENDPOINTS"] or {}).get(party.slug)) or is_development(current_app)


__all__ = ["CONNECTORS", "Credentials", "connector_for", "names", "reachable"]
