"""Erasure requests to the third parties that received an erased seller's data.

Queued in the erasure's transaction, one per party and account, naming only our references;
sent afterwards through the sharing door (:mod:`portal.sharing.erasure_requests`), which
reaches the party the way the data went. One not answered stays pending for the next
retention run.
"""

from __future__ import annotations

from sqlalchemy import select

from portal.clock import utcnow
from portal.erasure.models import Erasure, ErasureRequest
from portal.extensions import db
from portal.sharing import erasure_requests as door


def queue(records: dict[int, Erasure], received: dict[tuple[int, int], list[str]]) -> None:
    """One request per party that received data of an erased account (``records`` by account
    id, flushed); ``received`` is :func:`door.received` from before the rows went."""
    db.session.add_all(
        ErasureRequest(
            erasure_id=records[user_id].id, third_party_id=party_id, disclosure_refs=sorted(refs)
        )
        for (user_id, party_id), refs in received.items()
    )


def send_erasure_requests(limit: int = 500) -> int:
    """Send each pending erasure request through the door; returns how many were answered.
    A failure stays pending for the next run. Commits after each request."""
    answered = 0
    pending = db.session.scalars(
        select(ErasureRequest)
        .where(ErasureRequest.status == "pending")
        .order_by(ErasureRequest.id)
        .limit(limit)
    ).all()
    for request in pending:
        request.attempts += 1
        try:
            outcome = door.request_erasure(
                request.third_party_id,
                reference=f"ER-{request.id}",
                references=request.disclosure_refs,
            )
        except door.DeliveryFailed as exc:
            request.outcome = f"not delivered: {exc}"[:200]
        else:
            request.status = "sent"
            request.sent_at = utcnow()
            request.outcome = outcome[:200]
            answered += 1
        db.session.commit()
    return answered
