"""Erasure requests to the third parties that received an erased seller's data.

Before the rows go, the erasure asks the features what each party still holds open
(:data:`portal.events.erasing_accounts`: a courier's pickups still booked, a store's customer
record with the seller's own keys), so that it needs none of them later. The requests are
queued in the erasure's transaction, one per party and account: our references of what the
party received, the party's own references, and the keys sealed (``Encrypted``).

The next retention run makes each through the sharing door
(:func:`portal.sharing.erasure_requests.ask_to_erase`): the party's connector does what its
API can (cancels the open pickups, deletes the store's customer). What the API cannot erase
(a courier keeps its records) is asked of the party's privacy contact, recorded in the
registry, by an email through the outbox that names only references; staff record the
answer (:mod:`.answers`). Statuses move in :func:`.request_states.move` only; the keys are
emptied as the request leaves ``pending``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal import events
from portal.clock import utcnow
from portal.erasure.models import Erasure, ErasureRequest
from portal.erasure.request_states import ANSWERED, EMAILED, PENDING, STAFF, move
from portal.events import StillOpen
from portal.extensions import db
from portal.outbox.services import queue_email
from portal.sharing import connectors
from portal.sharing import erasure_requests as door

log = logging.getLogger(__name__)

KIND = "erasure_request"  # templates/email/erasure_request.txt and .html
NO_CONTACT = "; no privacy contact in the registry"


def reference_of(request: ErasureRequest) -> str:
    """Ours, for the request: in the email, in the API call as the idempotency key."""
    return f"ER-{request.id}"


def gather(user_ids: Iterable[int]) -> dict[tuple[int, int], StillOpen]:
    """What the parties still hold open for these accounts, by (account id, party id), as
    the features answer :data:`portal.events.erasing_accounts`; call before the rows go."""
    merged: dict[tuple[int, int], StillOpen] = {}
    for _receiver, answer in events.erasing_accounts.send(None, ids=list(user_ids)):
        for key, found in (answer or {}).items():
            before = merged.get(key)
            merged[key] = (
                found
                if before is None
                else StillOpen(
                    references=before.references + found.references,
                    credentials=found.credentials or before.credentials,
                )
            )
    return merged


def queue(
    records: dict[int, Erasure],
    received: dict[tuple[int, int], list[str]],
    still_open: dict[tuple[int, int], StillOpen] | None = None,
) -> None:
    """One request per party that received data of an erased account (``records`` by account
    id, flushed); ``received`` is :func:`door.received` and ``still_open`` :func:`gather`,
    both from before the rows went."""
    still_open = still_open or {}
    for user_id, party_id in sorted(set(received) | set(still_open)):
        found = still_open.get((user_id, party_id), StillOpen())
        db.session.add(
            ErasureRequest(
                erasure_id=records[user_id].id,
                third_party_id=party_id,
                disclosure_refs=sorted(received.get((user_id, party_id), [])),
                partner_refs=list(found.references) or None,
                credentials=_seal(found.credentials),
            )
        )


def _seal(credentials: connectors.Credentials | None) -> str | None:
    """The keys as the column keeps them (JSON, which ``Encrypted`` seals)."""
    if credentials is None:
        return None
    return json.dumps(
        {"url": credentials.url, "key": credentials.key, "secret": credentials.secret}
    )


def _unseal(stored: str | None) -> connectors.Credentials | None:
    if not stored:
        return None
    keys = json.loads(stored)
    return connectors.Credentials(url=keys["url"], key=keys["key"], secret=keys["secret"])


def _oldest(status: str, limit: int) -> list[ErasureRequest]:
    return list(
        db.session.scalars(
            select(ErasureRequest)
            .where(ErasureRequest.status == status)
            .order_by(ErasureRequest.id)
            .limit(limit)
        )
    )


def send_erasure_requests(limit: int = 500) -> int:
    """Make each pending request through the party's API, email the party's privacy contact
    what the API could not do, and email those staff held for want of a contact once the
    registry has one. Returns how many requests were made; one the party did not receive
    stays pending for the next run. Commits after each request."""
    made = 0
    for request in _oldest(PENDING, limit):
        made += _make(request)
        db.session.commit()
    waiting = _oldest(STAFF, limit)
    reachable = door.contacts(request.third_party_id for request in waiting)
    for request in waiting:
        contact = reachable.get(request.third_party_id)
        if contact is not None and contact.privacy_email:
            _email(request, contact, (request.outcome or "").removesuffix(NO_CONTACT))
            db.session.commit()
            made += 1
    return made


def _make(request: ErasureRequest) -> int:
    """Make one request through the door; 1 if the party was asked (through its API, or
    by email), 0 if it stays pending or waits for staff."""
    request.attempts += 1
    try:
        receipt = door.ask_to_erase(
            request.third_party_id,
            reference=reference_of(request),
            references=request.disclosure_refs,
            partner_references=request.partner_refs or [],
            credentials=_unseal(request.credentials),
        )
    except (connectors.Unsupported, connectors.NotConfigured):
        api_did = "the API takes no erasure requests"
    except connectors.Refused as exc:
        if exc.code == "busy":  # it asked us to wait: the next run asks again
            request.outcome = "not delivered: the party asked us to wait"
            return 0
        # A retry will not change a refusal (revoked keys, say): what the API cannot do,
        # the privacy contact is asked by email.
        api_did = f"the API refused the request ({exc.code})"
    except connectors.DeliveryFailed as exc:
        request.outcome = f"not delivered: {exc}"[:200]
        return 0
    else:
        if receipt.erased:
            move(request, ANSWERED)
            request.channel = "api"
            request.sent_at = request.answered_at = utcnow()
            request.outcome = receipt.outcome[:200]
            request.answer = receipt.outcome[:500]
            return 1
        api_did = receipt.outcome
    contact = door.contacts([request.third_party_id]).get(request.third_party_id)
    if contact is None or not contact.privacy_email:
        move(request, STAFF)
        request.channel = "email"
        request.outcome = api_did[: 200 - len(NO_CONTACT)] + NO_CONTACT
        log.warning("erasure request %s held for staff: no privacy contact", request.id)
        return 0
    _email(request, contact, api_did)
    return 1


def _email(request: ErasureRequest, contact: door.Contact, api_did: str) -> None:
    """Email the party's privacy contact what to erase, naming references only (ours and
    the party's, never the seller), in the outbox in this transaction."""
    move(request, EMAILED)
    reference = reference_of(request)
    queue_email(
        to=contact.privacy_email,
        kind=KIND,
        subject=_l("Erasure request %(reference)s from Koopseri", reference=reference),
        user=None,
        locale="en",
        reference=reference,
        party=contact.name,
        references=request.disclosure_refs,
        partner_references=request.partner_refs or [],
        api_did=api_did,
        reply_to=current_app.config["DPO_EMAIL"],
    )
    request.channel = "email"
    request.contact = contact.privacy_email
    request.sent_at = utcnow()
    request.outcome = api_did[:200]
    log.info("erasure request %s emailed to the party's privacy contact", request.id)
