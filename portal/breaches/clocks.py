"""The two statutory clocks of a breach (PDPA 2010 as amended, s.12B).

* The Commissioner is notified as soon as practicable and within **72 hours** of the breach
  becoming known; a notice after that carries written reasons for the delay.
* Further details follow, in phases, within **30 days** of that first notice.

A clock is due at its deadline and overdue from the moment after: a notice given at the
72nd hour exactly is on time. Malaysia keeps no daylight saving time, so 30 days are
30 × 24 hours on the wall clock too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

COMMISSIONER_WITHIN = timedelta(hours=72)
FOLLOW_UP_WITHIN = timedelta(days=30)


class ClockKind(StrEnum):
    COMMISSIONER = "commissioner"  # the first notice to the Commissioner
    FOLLOW_UP = "follow_up"  # further details to the Commissioner


@dataclass(frozen=True)
class Clock:
    """One clock of one breach: what is due, by when, and when it was done (if it was)."""

    breach_id: int
    reference: str
    kind: ClockKind
    due_at: datetime
    done_at: datetime | None = None

    def left(self, now: datetime) -> timedelta:
        """Time left before the deadline (negative once overdue)."""
        return self.due_at - now

    def overdue(self, now: datetime) -> bool:
        return self.done_at is None and now > self.due_at

    def late(self) -> bool:
        """Done, but after the deadline."""
        return self.done_at is not None and self.done_at > self.due_at


def commissioner_due(discovered_at: datetime) -> datetime:
    return discovered_at + COMMISSIONER_WITHIN


def follow_up_due(notified_at: datetime) -> datetime:
    return notified_at + FOLLOW_UP_WITHIN


def clocks_of(breach) -> list[Clock]:
    """The breach's clocks, started ones only: the follow-up starts with the first notice."""
    found = [
        Clock(
            breach.id,
            breach.reference,
            ClockKind.COMMISSIONER,
            commissioner_due(breach.discovered_at),
            breach.commissioner_notified_at,
        )
    ]
    if breach.commissioner_notified_at is not None:
        found.append(
            Clock(
                breach.id,
                breach.reference,
                ClockKind.FOLLOW_UP,
                follow_up_due(breach.commissioner_notified_at),
                breach.follow_up_at,
            )
        )
    return found
