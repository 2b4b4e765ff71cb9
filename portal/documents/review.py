"""Staff review of identity, bank and business registration documents: the queue, and one
decision per upload; and what sends a document back to review.

A decision is a conditional update: it lands only on a document still pending at the
revision the reviewer looked at. Two reviewers deciding at once, a double-clicked button, or
a seller replacing the file mid-review all end with one decision and one email.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from portal import pagination
from portal.audit.services import record as audit
from portal.auth.models import User
from portal.clock import utcnow
from portal.documents.choices import KIND_LABELS, REJECTION_REASONS, reason_labels
from portal.documents.models import Document, DocumentFile, DocumentKind, FilePurpose, ReviewStatus
from portal.extensions import db
from portal.outbox.services import queue_email
from portal.pagination import Page, QueueSummary, paginate


class AlreadyDecided(Exception):
    """The document was decided, replaced or deleted since the reviewer opened it."""


class ReasonRequired(Exception):
    """A rejection must say why, with at least one reason from the list."""


@dataclass(frozen=True)
class QueueItem:
    document: Document
    seller: User
    waiting: timedelta


def queue(page: int = 1, per_page: int = 50) -> Page:
    """A page of pending documents, oldest upload first (past the end: the last page), and
    how many are pending in all."""
    pending = Document.status == ReviewStatus.PENDING
    total = db.session.scalar(select(func.count()).select_from(Document).where(pending))
    found = paginate(
        select(Document, User)
        .join(User, User.id == Document.user_id)
        .where(pending)
        .order_by(Document.uploaded_at, Document.id),
        page,
        per_page,
        total=total,
    )
    now = utcnow()
    return found.with_items(
        QueueItem(document, seller, now - document.uploaded_at) for document, seller in found.items
    )


def queue_summary() -> QueueSummary:
    """How many documents wait for review, and since when the longest-waiting one."""
    return pagination.queue_summary(Document.uploaded_at, Document.status == ReviewStatus.PENDING)


def evidence_document(document_id: int) -> Document | None:
    """An identity or bank document, whatever its status; None for photographs."""
    document = db.session.get(Document, document_id)
    return document if document is not None and document.status is not None else None


def seller_of(document: Document) -> User:
    return db.session.get(User, document.user_id)


def decide(
    document_id: int,
    revision: int,
    reviewer: User,
    *,
    approve: bool,
    reasons: list[str] = (),
    note: str = "",
) -> Document:
    """Approve or reject the upload the reviewer saw, and email the seller the decision.

    Approving an identity document marks the seller's identity as verified from now, which
    fixes their date of birth; rejecting it ends that. Raises :class:`ReasonRequired` or
    :class:`AlreadyDecided`.
    """
    reasons = [code for code in reasons if code in REJECTION_REASONS]
    if not approve and not reasons:
        raise ReasonRequired()
    now = utcnow()
    decided = db.session.execute(
        update(Document)
        .where(
            Document.id == document_id,
            Document.status == ReviewStatus.PENDING,
            Document.revision == revision,
        )
        .values(
            status=ReviewStatus.APPROVED if approve else ReviewStatus.REJECTED,
            reviewed_at=now,
            reviewer_id=reviewer.id,
            rejection_reasons=None if approve else ",".join(reasons),
            rejection_note=None if approve else (note.strip() or None),
        )
        .execution_options(synchronize_session=False)
    )
    if decided.rowcount != 1:
        raise AlreadyDecided()
    audit(reviewer, "document.approve" if approve else "document.reject", "document", document_id)
    document = db.session.get(Document, document_id)
    db.session.refresh(document)
    seller = db.session.get(User, document.user_id)
    if document.kind == DocumentKind.IDENTITY:
        # The current approval is what counts: every approval dates it, a rejection ends it.
        seller.identity_verified_at = now if approve else None
    _tell_seller(seller, document)
    db.session.flush()
    return document


def reopen(document: Document) -> None:
    """Put a document back in the review queue as if just sent: a decision made on what a
    reviewer saw before cannot land (the revision moves on). Flushes only."""
    document.revision = Document.revision + 1
    document.status = ReviewStatus.PENDING
    document.reviewed_at = None
    document.reviewer_id = None
    document.rejection_reasons = None
    document.rejection_note = None
    db.session.flush()


def end_verification(user_id: int) -> None:
    """The seller's identity is no longer verified: the identity document they had approved
    was replaced, deleted, rejected or no longer agrees with their details."""
    seller = db.session.get(User, user_id)
    if seller is not None:
        seller.identity_verified_at = None


def identity_changed(user_id: int) -> bool:
    """A value the identity check vouched for changed (a name, a date of birth): an approved
    identity document goes back to review, and the identity is no longer verified. Whether a
    document went back. Flushes only."""
    end_verification(user_id)
    document = db.session.scalar(
        select(Document).where(
            Document.user_id == user_id,
            Document.kind == DocumentKind.IDENTITY,
            Document.status == ReviewStatus.APPROVED,
        )
    )
    if document is not None:
        reopen(document)
    db.session.flush()
    return document is not None


def on_verified_identity_changed(sender, **extra) -> None:
    """Receives :data:`portal.events.verified_identity_changed`; the sender is the account
    (a ``User``, or its id), unless a ``user_id`` is given with it."""
    identity_changed(extra.get("user_id") or getattr(sender, "id", sender))


def _tell_seller(seller: User, document: Document) -> None:
    approved = document.status == ReviewStatus.APPROVED
    queue_email(
        to=seller.email,
        kind="document_approved" if approved else "document_rejected",
        subject=_l("Your document was approved")
        if approved
        else _l("Please send your document again"),
        user=seller,
        document=document,
        kind_label=KIND_LABELS[document.kind],
        reasons=reason_labels(document.reason_codes),
    )


# --- what the review page shows and acts on -------------------------------------------------


def awaiting_decision(document_id: int) -> Document | None:
    """An identity or bank document still waiting for a decision; None once decided, and
    for photographs."""
    document = evidence_document(document_id)
    return document if document is not None and document.status == ReviewStatus.PENDING else None


def identity_document(document_id: int) -> Document | None:
    """An identity document, whatever its status: the one that may show a minor."""
    document = evidence_document(document_id)
    return document if document is not None and document.kind == DocumentKind.IDENTITY else None


def pages_of(document: Document) -> list[DocumentFile]:
    """The document's pages as the reviewer sees them, in order."""
    return document.files_for(FilePurpose.DISPLAY)
