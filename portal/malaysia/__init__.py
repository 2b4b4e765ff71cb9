"""Malaysian identity, business and tax numbers, and names: validators that know the published
rules, each citing its source. Pure functions: no database, no request; the rooms that keep
these values (documents, profile) call them and turn :class:`Invalid` into a form error.

Every validator raises :class:`Invalid` whose ``code`` names what is wrong; ``message(code)``
is what the person reads, in their language.
"""

from portal.malaysia.errors import Invalid, message

__all__ = ["Invalid", "message"]
