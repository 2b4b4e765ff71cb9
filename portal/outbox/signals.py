"""What the outbox tells the rest of the portal about delivery, without knowing who listens.

The outbox imports no feature. A feature that cares whether mail reaches people (the
seller's profile keeps their reachability) connects to these signals when it loads; each is
sent inside the transaction that records the outcome, so what a receiver writes is
committed with it. Receivers flush only.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: An email to an account reached its server. Sent with ``user_id``.
delivered = _signals.signal("outbox-delivered")

#: An email to an account was refused for good (SMTP 5xx). Sent with ``user_id`` and ``now``.
refused = _signals.signal("outbox-refused")

#: A bounce was reported for an address after delivery (``flask outbox bounce``). Sent with
#: ``address``; a receiver returns True when it knew the address.
bounced = _signals.signal("outbox-bounced")
