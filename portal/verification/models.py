"""What verification remembers of each seller's requirements between runs.

One row per seller and requirement (``portal.verification.services.Code``): its state when
last evaluated, since when, the deadline it was given when it first became due (kept, so a
deadline never moves while the requirement stays unsatisfied), and the last email sent about
it, so each change of state is mailed exactly once however often the job runs.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.clock import utcnow
from portal.extensions import db
from portal.sqltypes import UTCDateTime

CODES = ("identity", "bank", "address", "business", "passport_valid")
STATES = ("currently_due", "eventually_due", "past_due", "pending_verification", "satisfied")
NOTICES = ("due", "reminder", "restricted")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN (" + ", ".join(f"'{value}'" for value in values) + ")"


class TrackedRequirement(db.Model):
    __tablename__ = "verification_requirements"
    __table_args__ = (
        CheckConstraint(_one_of("code", CODES), name="code_known"),
        CheckConstraint(_one_of("state", STATES), name="state_known"),
        CheckConstraint(f"notified IS NULL OR {_one_of('notified', NOTICES)}", name="notice_known"),
    )

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    state: Mapped[str] = mapped_column(String(24), index=True)
    # Currently due or past due: the day it is due by. Kept while it waits for staff, so
    # a rejected document does not win a fresh deadline; cleared once satisfied.
    deadline: Mapped[date | None] = mapped_column(Date, index=True)
    since: Mapped[date] = mapped_column(Date)  # the seller's day it entered ``state``
    notified: Mapped[str | None] = mapped_column(String(16))  # the last email about it
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<TrackedRequirement {self.user_id} {self.code}>"
