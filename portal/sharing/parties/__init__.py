"""The parties' own connectors, by the name the registry gives (``ThirdParty.connector``).

Each speaks one published API and turns the door's :class:`~portal.sharing.connectors.Message`
into that API's request, and its answers (or error documents) into a
:class:`~portal.sharing.connectors.Receipt` or a
:class:`~portal.sharing.connectors.Refused` code. A party an admin adds keeps ``"json"``.
"""

from __future__ import annotations

from collections.abc import Callable

from portal.sharing.connectors import Connector, Credentials, json_connector

CONNECTORS: dict[str, Callable[..., Connector]] = {
    "json": json_connector,
    # STAND-IN until each party's connector lands (issue 24): the portal's own JSON.
    "mydhl": json_connector,
    "sendparcel": json_connector,
    "woocommerce": json_connector,
}


def names() -> list[str]:
    """The connectors a party may be given, for the registry's form."""
    return sorted(CONNECTORS)


__all__ = ["CONNECTORS", "Credentials", "names"]
