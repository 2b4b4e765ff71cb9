"""Erasing an account at once because it belongs to someone under 18, from the evidence that
shows it: a minor report or an identity document.

Both are the same two steps of :mod:`portal.account.age_check` (one person proposes, an admin
who is someone else confirms); what differs is only the evidence, which names the proposal's
source, the report or document it is bound to, and the reference kept in the audit trail and
the erasure record. Callers build it with :func:`from_document` or :func:`from_report`.
"""

from __future__ import annotations

from dataclasses import dataclass

from portal.account import age_check
from portal.account.models import ErasureProposal, ProposalSource
from portal.auth.models import User
from portal.erasure import Erasure


@dataclass(frozen=True)
class Evidence:
    """What shows the account belongs to a minor: a proposal is bound to it."""

    source: ProposalSource
    object_id: int
    reference: str


def from_document(document_id: int) -> Evidence:
    """An identity document showing its seller is under 18."""
    return Evidence(ProposalSource.UNDER_AGE_DOCUMENT, document_id, f"document-{document_id}")


def from_report(report_id: int, reference: str) -> Evidence:
    """A minor report, named by its public ``reference``."""
    return Evidence(ProposalSource.MINOR_REPORT, report_id, reference)


def is_proposed(seller_id: int, evidence: Evidence) -> bool:
    """Whether an erasure of this account waits, proposed from this evidence."""
    return age_check.is_proposed(seller_id, evidence.source, evidence.object_id)


def propose(seller: User, staff: User, evidence: Evidence) -> ErasureProposal:
    """Propose erasing ``seller`` now; they are frozen from now on. Raises as
    :func:`portal.account.age_check.propose`. Flushes only."""
    return age_check.propose(
        seller,
        staff,
        source=evidence.source,
        object_id=evidence.object_id,
        reference=evidence.reference,
    )


def confirm(seller_id: int, staff: User, evidence: Evidence) -> Erasure:
    """Erase the account now, as proposed from this evidence by someone else. Raises as
    :func:`portal.account.age_check.confirm`. Flushes only; the session is cleared."""
    return age_check.confirm(
        seller_id,
        staff,
        source=evidence.source,
        object_id=evidence.object_id,
        reference=evidence.reference,
    )
