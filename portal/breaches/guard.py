"""An incident's timeline is append-only, like the audit trail (:mod:`portal.appendonly`):
every change or removal of a timeline entry made through SQLAlchemy is refused.

The one way entries go is with their breach, when the retention rule deletes the breach
row and the database cascades (``ON DELETE CASCADE``): the record is then gone whole, never
rewritten. Loaded with the package.
"""

from __future__ import annotations

from portal import appendonly
from portal.breaches.models import BreachEvent


class TimelineIsAppendOnly(RuntimeError):
    """Something tried to change or remove an entry of a breach's timeline."""


appendonly.guard(BreachEvent, TimelineIsAppendOnly, "timeline entry")
