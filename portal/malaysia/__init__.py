"""Malaysian identity, business and tax numbers, and names: validators that know the published
rules, each citing its source. Pure functions: no database, no request; the rooms that keep
these values (documents, profile) call them and turn :class:`Invalid` into a form error.

* :mod:`portal.malaysia.mykad` — the MyKad number (JPN);
* :mod:`portal.malaysia.passport` — passport number, issuing country, expiry (ICAO 9303);
* :mod:`portal.malaysia.business` — how a seller sells, SSM number, TIN (LHDN), SST number;
* :mod:`portal.malaysia.names` — whether two Malaysian names are the same name.

Every validator raises :class:`Invalid` whose ``code`` names what is wrong; its ``message``
is what the person reads, in their language (``message(code)`` without parameters).
"""

from portal.malaysia.errors import Invalid, message

__all__ = ["Invalid", "message"]
