"""One erasure routine for every path that deletes a seller's personal data.

A confirmed report about a minor erases at once; the retention job (issue 9) will erase
terminated accounts three months on, through this same function. It deletes the stored
files (once the transaction commits), the mail written to the seller, and the account
row, whose foreign keys take every other personal row with it (profile, bank account,
documents, consents, sessions, change history, contact attempts, access log). What stays
is a non-personal record: which account id, when, and why.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, delete, select
from sqlalchemy.orm import Mapped, mapped_column

from portal.auth.models import User
from portal.documents.models import Document, DocumentFile
from portal.extensions import db
from portal.outbox.models import OutboxMessage
from portal.sqltypes import UTCDateTime, utcnow
from portal.storage import delete_after_commit


class Erasure(db.Model):
    """That an account's personal data was erased: no name, no email, nothing personal."""

    __tablename__ = "erasures"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int]  # the id the account had; the row itself is gone
    erased_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reason: Mapped[str] = mapped_column(String(32))  # e.g. "minor_report", "retention"
    reference: Mapped[str | None] = mapped_column(String(32))  # e.g. the report's reference

    def __repr__(self) -> str:
        return f"<Erasure {self.id} account={self.account_id}>"


class NoSuchAccount(LookupError):
    pass


def erase_account(user_id: int, *, reason: str, reference: str | None = None) -> Erasure:
    """Delete the account's personal data and files; flushes, the caller commits.

    Files leave storage only after the commit, so a rolled-back erasure loses nothing.
    Raises :class:`NoSuchAccount`.
    """
    if db.session.get(User, user_id) is None:
        raise NoSuchAccount(user_id)
    keys = db.session.scalars(
        select(DocumentFile.storage_key).join(Document).where(Document.user_id == user_id)
    ).all()
    for key in keys:
        delete_after_commit(key)
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.user_id == user_id))
    db.session.execute(delete(User).where(User.id == user_id))
    db.session.expunge_all()  # nothing stale of the account stays in this session
    record = Erasure(account_id=user_id, reason=reason, reference=reference)
    db.session.add(record)
    db.session.flush()
    return record
