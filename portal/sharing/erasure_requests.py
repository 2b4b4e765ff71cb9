"""Erasure requests: the door's side of asking a third party to erase what it received.

They leave like every other transfer, through the party's connector, and name only our
references for what the party received and the party's own references of what is still
open (no name, email or other personal data). The erasure routine (:mod:`portal.erasure`)
keeps the requests and their outcomes; the door knows who received what, how to reach them
(through the API, or the privacy contact the registry records), and where a development
set-up wrote its copies.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from portal.clock import utcnow
from portal.extensions import db
from portal.sharing import connectors, parties
from portal.sharing.connectors import DeliveryFailed
from portal.sharing.models import Disclosure, DisclosureKind, ThirdParty

log = logging.getLogger(__name__)


def received(user_ids: Iterable[int]) -> dict[tuple[int, int], list[str]]:
    """Our references of what each party received from each account, by (account id,
    party id): what an erasure request to that party names."""
    found: dict[tuple[int, int], list[str]] = defaultdict(list)
    for user_id, party_id, reference in db.session.execute(
        select(Disclosure.user_id, Disclosure.third_party_id, Disclosure.reference).where(
            Disclosure.user_id.in_(list(user_ids)), Disclosure.kind == DisclosureKind.TRANSFER
        )
    ):
        found[(user_id, party_id)].append(reference)
    return dict(found)


@dataclass(frozen=True)
class Contact:
    """How the erasure names a party and reaches it outside its API."""

    name: str
    privacy_email: str | None


def contacts(party_ids: Iterable[int]) -> dict[int, Contact]:
    """Each party's name and the privacy contact the registry records now, by party id."""
    ids = sorted(set(party_ids))
    if not ids:
        return {}
    rows = db.session.execute(
        select(ThirdParty.id, ThirdParty.name, ThirdParty.privacy_email).where(
            ThirdParty.id.in_(ids)
        )
    )
    return {party_id: Contact(name, email or None) for party_id, name, email in rows}


def development_copies(rows: Sequence) -> list[str]:
    """The keys (``<slug>/<reference>.json``) of the copies a development set-up wrote
    instead of sending (:class:`connectors.FolderConnector`), for disclosure rows with
    ``kind``, ``third_party_id`` and ``reference``."""
    transfers = [row for row in rows if row.kind == DisclosureKind.TRANSFER]
    parties = {row.third_party_id for row in transfers}
    query = select(ThirdParty.id, ThirdParty.slug).where(ThirdParty.id.in_(parties))
    slugs = dict(db.session.execute(query).all()) if parties else {}
    return [f"{slugs[row.third_party_id]}/{row.reference}.json" for row in transfers]


def delete_development_copy(key: str) -> None:
    """Delete one copy named by :func:`development_copies`; a missing one is fine. Raises
    ``OSError`` when the folder cannot be written."""
    slug, name = key.split("/")  # both ours: a registry slug and a reference
    (connectors.sharing_folder() / Path(slug).name / Path(name).name).unlink(missing_ok=True)


def ask_to_erase(
    third_party_id: int,
    *,
    reference: str,
    references: list[str],
    partner_references: list[str] | None = None,
    credentials: connectors.Credentials | None = None,
) -> connectors.Receipt:
    """Ask the party to erase what it received under ``references`` (and, where its API can,
    to cancel or delete what is still open under its own ``partner_references``, with the
    seller's own ``credentials`` where it takes them); ``reference`` (ours, for this request)
    is also the idempotency key, so a repeat is recognised. Returns the party's receipt: its
    ``outcome`` line for the record, and ``erased`` False when its privacy contact must still
    be asked by email. Raises :class:`connectors.Unsupported` when the party's API cannot
    take it (it must be emailed), and :class:`DeliveryFailed`: the party did not answer or
    refused, and the request must be sent again."""
    party = db.session.get(ThirdParty, third_party_id)
    message = connectors.Message(
        kind=connectors.ERASURE,
        reference=reference,
        sent_at=utcnow(),
        purpose="erasure",
        references=tuple(references),
        partner_references=tuple(partner_references or ()),
        credentials=credentials,
    )
    try:
        receipt = parties.connector_for(party, credentials).send(message)
    except DeliveryFailed:
        log.warning("erasure request %s to %s not delivered", reference, party.slug)
        raise
    log.info("sharing: %s accepted erasure request %s", party.slug, reference)
    return receipt
