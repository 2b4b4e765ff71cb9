"""One erasure routine for every path that deletes a seller's personal data.

A confirmed report about a minor erases at once; the retention job erases terminated
accounts three months on, and registrations never confirmed after a week, through this
same function. The data map (``portal.datamap.SELLER_TABLES``) says which rows are the
seller's: they are deleted, children first, the account row last. Stored files and mail
files are listed in ``pending_file_deletions`` in the same transaction and deleted after
it commits, so a crash in between leaves only a list that the next retention run finishes.
Each third party that received the seller's data gets an erasure request, queued here and
sent by :func:`send_erasure_requests`, naming only our references for what it received.
What stays is a non-personal record: which account id, when, and why.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import JSON, ForeignKey, String, delete, event, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from portal.auth.models import User
from portal.clock import utcnow
from portal.datamap import SELLER_TABLES
from portal.documents.models import Document, DocumentFile
from portal.extensions import db
from portal.outbox.models import OutboxMessage
from portal.sqltypes import UTCDateTime
from portal.storage import storage

log = logging.getLogger(__name__)


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


class PendingFileDeletion(db.Model):
    """A file whose rows are gone (or going) in the same transaction: deleted after the
    commit, and by the next retention run if the process died before it could."""

    __tablename__ = "pending_file_deletions"

    id: Mapped[int] = mapped_column(primary_key=True)
    store: Mapped[str] = mapped_column(String(16))  # "documents", "mail" or "shared"
    key: Mapped[str] = mapped_column(String(200))
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ErasureRequest(db.Model):
    """A request to a third party to erase what it received: our references, no personal
    data. Sent after the erasure commits; retried by the next retention run until answered."""

    __tablename__ = "erasure_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    erasure_id: Mapped[int] = mapped_column(ForeignKey("erasures.id"))
    third_party_id: Mapped[int] = mapped_column(ForeignKey("third_parties.id"))
    disclosure_refs: Mapped[list[str]] = mapped_column(JSON)  # our references, sent as such
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str | None] = mapped_column(String(200))


class NoSuchAccount(LookupError):
    pass


def erase_account(user_id: int, *, reason: str, reference: str | None = None) -> Erasure:
    """Delete one account's rows and files; flushes, the caller commits.

    Files leave storage only after the commit, so a rolled-back erasure loses nothing.
    Raises :class:`NoSuchAccount`.
    """
    if db.session.scalar(select(User.id).where(User.id == user_id)) is None:
        raise NoSuchAccount(user_id)
    return erase_accounts([user_id], reason=reason, reference=reference)[0]


def erase_accounts(
    user_ids: list[int], *, reason: str, reference: str | None = None
) -> list[Erasure]:
    """Delete the rows and files of several accounts with one statement per table: the
    retention job's batches. Flushes; the caller commits (all of them, or none)."""
    from portal.sharing.models import Disclosure, DisclosureKind, ThirdParty

    db.session.flush()
    ids = list(user_ids)
    pending = [
        PendingFileDeletion(store="documents", key=key)
        for key in db.session.scalars(
            select(DocumentFile.storage_key).join(Document).where(Document.user_id.in_(ids))
        )
    ]
    pending += [
        PendingFileDeletion(store="mail", key=_mail_file_name(created_at, message_id))
        for created_at, message_id in db.session.execute(
            select(OutboxMessage.created_at, OutboxMessage.id).where(OutboxMessage.user_id.in_(ids))
        )
    ]
    received: dict[tuple[int, int], list[str]] = defaultdict(list)
    for user_id, party_id, slug, ref in db.session.execute(
        select(Disclosure.user_id, Disclosure.third_party_id, ThirdParty.slug, Disclosure.reference)
        .join(ThirdParty, Disclosure.third_party_id == ThirdParty.id)
        .where(Disclosure.user_id.in_(ids), Disclosure.kind == DisclosureKind.TRANSFER)
    ):
        received[(user_id, party_id)].append(ref)
        # The copy a development set-up wrote instead of sending (portal.sharing.connectors).
        pending.append(PendingFileDeletion(store="shared", key=f"{slug}/{ref}.json"))

    for table in reversed(db.metadata.sorted_tables):  # children before parents
        owned = SELLER_TABLES.get(table.name)
        if owned is None:
            continue
        if owned.via is None:
            condition = table.c[owned.owner].in_(ids)
        else:
            parent_name, parent_owner = owned.via
            parent = db.metadata.tables[parent_name]
            condition = table.c[owned.owner].in_(
                select(parent.c.id).where(parent.c[parent_owner].in_(ids))
            )
        db.session.execute(delete(table).where(condition))
    db.session.expunge_all()  # nothing stale of these accounts stays in this session

    records = {
        user_id: Erasure(account_id=user_id, reason=reason, reference=reference) for user_id in ids
    }
    db.session.add_all(records.values())
    db.session.add_all(pending)
    db.session.flush()
    db.session.add_all(
        ErasureRequest(
            erasure_id=records[user_id].id, third_party_id=party_id, disclosure_refs=sorted(refs)
        )
        for (user_id, party_id), refs in received.items()
    )
    db.session.flush()
    db.session.info.setdefault(_FILES, []).extend((p.store, p.key) for p in pending)
    return [records[user_id] for user_id in ids]


_FILES = "erasure.files"


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    """The files of a committed erasure go now; their pending entries stay until the next
    retention run removes them (deleting a file twice is harmless)."""
    files = session.info.pop(_FILES, None)
    if files:
        _delete_files(files)


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(_FILES, None)


def _delete_files(entries) -> list[int]:
    """Delete each (store, key); returns the positions of those that are gone."""
    from portal.sharing.connectors import sharing_folder

    mail_folder = Path(current_app.instance_path) / "mail"
    gone = []
    for position, (store, key) in enumerate(entries):
        try:
            if store == "documents":
                storage().delete(key)
            elif store == "shared":
                slug, name = key.split("/")  # both ours: a registry slug and a reference
                (sharing_folder() / Path(slug).name / Path(name).name).unlink(missing_ok=True)
            else:
                (mail_folder / Path(key).name).unlink(missing_ok=True)
        except OSError:
            log.exception("could not delete an erased file; the next retention run will")
        else:
            gone.append(position)
    return gone


def _mail_file_name(created_at: datetime, message_id: int) -> str:
    """The name the file transport gave the message (``portal.outbox.transports``)."""
    return f"{created_at:%Y%m%d-%H%M%S}-{message_id:08d}.eml"


def delete_pending_files(batch_size: int = 500) -> int:
    """Delete the files listed as pending, then their entries; returns how many."""
    done = 0
    while True:
        batch = db.session.scalars(
            select(PendingFileDeletion).order_by(PendingFileDeletion.id).limit(batch_size)
        ).all()
        if not batch:
            return done
        gone = _delete_files([(entry.store, entry.key) for entry in batch])
        if not gone:
            return done  # storage is failing: leave the rest for the next run
        db.session.execute(
            delete(PendingFileDeletion).where(
                PendingFileDeletion.id.in_([batch[position].id for position in gone])
            )
        )
        db.session.commit()
        done += len(gone)


def send_erasure_requests(limit: int = 500) -> int:
    """Send each pending erasure request through its party's connector; returns how many
    were answered. A failure stays pending for the next run."""
    from portal.sharing import connectors
    from portal.sharing.models import ThirdParty

    answered = 0
    pending = db.session.scalars(
        select(ErasureRequest)
        .where(ErasureRequest.status == "pending")
        .order_by(ErasureRequest.id)
        .limit(limit)
    ).all()
    for request in pending:
        party = db.session.get(ThirdParty, request.third_party_id)
        envelope = {
            "type": "erasure_request",
            "reference": f"ER-{request.id}",
            "references": request.disclosure_refs,
            "requested_at": utcnow().isoformat(),
        }
        request.attempts += 1
        try:
            receipt = connectors.connector_for(party.slug).send(
                envelope, idempotency_key=f"ER-{request.id}"
            )
        except connectors.DeliveryFailed as exc:
            request.outcome = f"not delivered: {exc}"[:200]
            log.warning("erasure request %s to %s not delivered", request.id, party.slug)
        else:
            request.status = "sent"
            request.sent_at = utcnow()
            request.outcome = receipt.outcome[:200]
            answered += 1
        db.session.commit()
    return answered
