"""The one door through which seller data leaves for a third party.

``share`` builds the payload from the party's registered categories only, hands it to the
party's connector, and adds the disclosure to the caller's transaction only once the party
has accepted it. A failure raises and records nothing.
"""

from __future__ import annotations

import logging
import secrets
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from flask import has_request_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal.audit.services import record as audit
from portal.auth.models import AccountStatus, User
from portal.clock import add_months, utcnow
from portal.deferred import after_response
from portal.extensions import db
from portal.pagination import paginate
from portal.sharing import connectors, parties, payload, reach
from portal.sharing.models import (
    CORRECTION,
    PORTABILITY,
    Correction,
    CorrectionReason,
    CorrectionStatus,
    Disclosure,
    DisclosureKind,
    ThirdParty,
)

log = logging.getLogger(__name__)

# Which registered parties each feature offers, by slug.
COURIERS = ("sendparcel", "dhl")
STORES = ("woocommerce",)


class SharingError(Exception):
    """Nothing was shared; ``message`` says why, in words for the seller."""

    message = _l("Nothing was shared.")


class SharingPaused(SharingError):
    message = _l("Sharing with our partners is paused on your account, so nothing was shared.")


class PartyUnavailable(SharingError):
    message = _l("That partner is no longer available. Nothing was shared.")


class DetailsChanged(SharingError):
    message = _l(
        "Your details changed since you checked them. Please check what will be shared again."
    )


class DeliveryFailed(SharingError):
    """The party did not take the message; ``message`` says why as the seller can act on it,
    from the party's refusal (:data:`connectors.REFUSALS`) or its silence."""

    def __init__(self, party: ThirdParty, code: str | None = None):
        super().__init__(party.slug)
        self.code = code
        self.message = REFUSAL_MESSAGES.get(code, _unreachable)(party.name)


# What the seller reads when a party refused: nothing was shared, and what to do about it.
def _unreachable(name: str):
    return _l(
        "We could not reach %(name)s, so nothing was shared and nothing was booked. "
        "Please try again in a few minutes.",
        name=name,
    )


REFUSAL_MESSAGES = {
    "date": lambda name: _l(
        "%(name)s cannot collect on that date. Nothing was shared. Please choose another day.",
        name=name,
    ),
    "address": lambda name: _l(
        "%(name)s did not accept your address. Nothing was shared. Please check the address "
        "on your profile: the postcode and the town must match.",
        name=name,
    ),
    "phone": lambda name: _l(
        "%(name)s did not accept your phone number. Nothing was shared. Please check it on "
        "your profile.",
        name=name,
    ),
    "email": lambda name: _l(
        "%(name)s did not accept your email address. Nothing was shared. Please check it on "
        "your profile.",
        name=name,
    ),
    "credentials": lambda name: _l(
        "%(name)s did not accept the keys it was given, so nothing was shared. If these are "
        "your store's keys, please check them; otherwise please try again later.",
        name=name,
    ),
    "not_found": lambda name: _l(
        "%(name)s no longer knows this booking. It may already be cancelled or collected.",
        name=name,
    ),
    "busy": lambda name: _l(
        "%(name)s is busy and asked us to wait, so nothing was shared. Please try again in "
        "a minute.",
        name=name,
    ),
    "private_address": lambda name: _l(
        "%(name)s was not contacted: its address is not a public one on the internet. "
        "Nothing was shared.",
        name=name,
    ),
    "rejected": lambda name: _l(
        "%(name)s did not accept the request, so nothing was shared. Please check your "
        "details and try again, or contact us.",
        name=name,
    ),
}


def active_parties(slugs: Iterable[str] | None = None) -> list[ThirdParty]:
    query = select(ThirdParty).where(ThirdParty.retired_at.is_(None)).order_by(ThirdParty.name)
    if slugs is not None:
        query = query.where(ThirdParty.slug.in_(tuple(slugs)))
    return list(db.session.scalars(query))


def party_by_slug(slug: str) -> ThirdParty | None:
    return db.session.scalar(select(ThirdParty).where(ThirdParty.slug == slug))


def preview(user: User, party: ThirdParty, fields: Iterable[str]) -> payload.Payload:
    """Exactly what ``share`` would send now. Raises :class:`payload.MissingDetails`."""
    return payload.build(user, party.categories, fields)


def missing_details(user: User, fields: Iterable[str]) -> list[str]:
    """The ``fields`` the seller has not given yet, so a feature can say so before its form
    rather than after (``share`` would raise :class:`payload.MissingDetails` for them)."""
    return [name for name in dict.fromkeys(fields) if payload.FIELDS[name].read(user) in (None, "")]


def share(
    user: User,
    party: ThirdParty,
    fields: Iterable[str],
    *,
    request: dict,
    confirmed_digest: str | None = None,
    purpose: str | None = None,
    credentials: connectors.Credentials | None = None,
) -> Disclosure:
    """Send the seller's ``fields`` (as far as the party's categories allow) with the
    feature's ``request`` details (its ``type`` says what is asked), and add the disclosure
    to the session (flushed). ``purpose`` is recorded and sent instead of the party's
    registered one when given (a transfer the seller asked for, :data:`PORTABILITY`);
    ``credentials`` are the seller's own keys where the party takes them (a store), used for
    this message and never recorded.

    ``confirmed_digest`` is the digest of the preview the seller agreed to: if their data
    changed since, nothing is sent. Raises a :class:`SharingError` or
    :class:`payload.MissingDetails`; either way nothing is recorded.
    """
    if user.status != AccountStatus.ACTIVE:
        raise SharingPaused()
    if not party.active:
        raise PartyUnavailable()
    built = payload.build(user, party.categories, fields)
    if confirmed_digest is not None and confirmed_digest != built.digest:
        raise DetailsChanged()
    return _send(
        user,
        party,
        categories=built.categories,
        data=built.data,
        request=request,
        purpose=purpose,
        credentials=credentials,
    )


# --- moving the seller's data to another service at their request (PDPA s.43A) ----------------


def portability_fields(party: ThirdParty, user: User) -> list[str]:
    """The seller's fields that ``party`` is registered for and the seller has given: what a
    transfer at the seller's request sends. A field outside the party's categories is not
    even read; an empty one is left out rather than refusing the whole transfer."""
    allowed = set(party.categories)
    return [
        name
        for name, field in payload.FIELDS.items()
        if field.category.value in allowed and field.read(user) not in (None, "")
    ]


def portability_preview(user: User, party: ThirdParty) -> payload.Payload:
    """Exactly what :func:`share_for_portability` would send to ``party`` now: its
    ``categories`` are shown to staff before they confirm, its ``digest`` ties the
    confirmation to them."""
    return payload.build(user, party.categories, portability_fields(party, user))


def share_for_portability(
    user: User, party: ThirdParty, *, request_reference: str, confirmed_digest: str
) -> Disclosure:
    """Send the seller's data to ``party`` because the seller asked for it to be moved
    there (PDPA s.43A): every field the party is registered for and the seller has given,
    recorded as a disclosure with the purpose :data:`PORTABILITY`. Same door, same rules as
    :func:`share`; raises a :class:`SharingError` and then records nothing."""
    return share(
        user,
        party,
        portability_fields(party, user),
        request={"type": PORTABILITY, "request_reference": request_reference},
        confirmed_digest=confirmed_digest,
        purpose=PORTABILITY,
    )


def cancel(
    user: User,
    earlier: Disclosure,
    *,
    request: dict,
    credentials: connectors.Credentials | None = None,
) -> Disclosure:
    """Tell the party of the ``earlier`` transfer that what it was for is called off (a
    cancelled pickup), through the same connector, and add the record of that message to the
    session (flushed): it carries ``earlier``'s reference and no seller data.

    Sent whatever the account's or the party's state, since nothing personal goes with it and
    the party would otherwise act on the earlier request. Raises :class:`DeliveryFailed`;
    then nothing is recorded.
    """
    if earlier.user_id != user.id:
        raise ValueError("a transfer is called off only for the seller it was made for")
    party = earlier.third_party
    if party is None:
        raise PartyUnavailable()
    return _send(
        user,
        party,
        categories=(),
        data={},
        request=request,
        cancels=earlier,
        credentials=credentials,
    )


def _send(
    user: User,
    party: ThirdParty,
    *,
    categories: Iterable[str],
    data: dict,
    request: dict,
    cancels: Disclosure | None = None,
    reference: str | None = None,
    purpose: str | None = None,
    credentials: connectors.Credentials | None = None,
    partner_reference: str | None = None,
) -> Disclosure:
    """Hand the message to the party's connector; once accepted, record the disclosure.

    ``reference`` (ours, also the idempotency key) is new unless a retry gives the first
    try's; ``purpose`` is the party's registered one unless given (a correction's);
    ``partner_reference`` names the party's own record the message is about (the earlier
    transfer's, when it ``cancels`` one)."""
    reference = reference or new_reference()
    purpose = purpose or party.purpose
    sent_at = utcnow()
    details = {key: value for key, value in request.items() if key != "type"}
    message = connectors.Message(
        kind=request.get("type", ""),
        reference=reference,
        sent_at=sent_at,
        purpose=purpose,
        categories=tuple(categories),
        seller=data,
        details=details,
        cancels=cancels.reference if cancels is not None else None,
        partner_reference=cancels.partner_reference if cancels is not None else partner_reference,
        credentials=credentials,
    )
    try:
        receipt = parties.connector_for(party, credentials).send(message)
    except connectors.DeliveryFailed as exc:
        log.warning("sharing: %s not delivered (%s), reference %s", party.slug, exc, reference)
        code = exc.code if isinstance(exc, connectors.Refused) else None
        raise DeliveryFailed(party, code) from exc
    disclosure = Disclosure(
        user_id=user.id,
        kind=DisclosureKind.TRANSFER,
        third_party_id=party.id,
        recipient=party.name,
        categories=list(categories),
        purpose=purpose,
        reference=reference,
        partner_reference=receipt.reference,
        outcome=receipt.outcome,
        disclosed_at=sent_at,
        cancels_reference=message.cancels,
    )
    db.session.add(disclosure)
    db.session.flush()
    log.info("sharing: %s accepted reference %s", party.slug, reference)
    return disclosure


def check_credentials(party: ThirdParty, credentials: connectors.Credentials) -> None:
    """Ask the party, read-only, whether the seller's own ``credentials`` work (a store's
    keys, before they are saved). Nothing of the seller is sent and nothing is recorded.
    Raises :class:`DeliveryFailed` with the party's refusal (``credentials``: the keys were
    refused)."""
    connector = parties.connector_for(party, credentials)
    check = getattr(connector, "check", None)
    if check is None:
        raise PartyUnavailable()
    try:
        check()
    except connectors.DeliveryFailed as exc:
        code = exc.code if isinstance(exc, connectors.Refused) else None
        raise DeliveryFailed(party, code) from exc


def new_reference() -> str:
    """Ours, sent as the idempotency key and shown to the seller: ``KS-`` and 10 characters."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "KS-" + "".join(secrets.choice(alphabet) for _ in range(10))


def disclosures_for(
    user_id: int, *, party_slug: str | None = None, page: int = 1, per_page: int = 20
) -> tuple[list[Disclosure], bool]:
    """The seller's own disclosures, newest first, without any withheld from them.

    ``party_slug`` filters by third party; ``"legal"`` keeps the legal disclosures only.
    Returns the page and whether there is a next one.
    """
    query = (
        select(Disclosure)
        .where(Disclosure.user_id == user_id, Disclosure.withheld.is_(False))
        .order_by(Disclosure.disclosed_at.desc(), Disclosure.id.desc())
    )
    if party_slug == "legal":
        query = query.where(Disclosure.kind == DisclosureKind.LEGAL)
    elif party_slug:
        query = query.join(ThirdParty, Disclosure.third_party_id == ThirdParty.id).where(
            ThirdParty.slug == party_slug
        )
    found = paginate(query, page, per_page)
    return found.items, found.has_next


def parties_in_disclosures(user_id: int) -> list[ThirdParty]:
    """The third parties that appear in the seller's visible disclosures, for the filter."""
    # By id, not DISTINCT over the rows: PostgreSQL cannot compare JSON columns.
    used = select(Disclosure.third_party_id).where(
        Disclosure.user_id == user_id, Disclosure.withheld.is_(False)
    )
    query = select(ThirdParty).where(ThirdParty.id.in_(used)).order_by(ThirdParty.name)
    return list(db.session.scalars(query))


def every_disclosure_of(user_id: int, *, withheld_too: bool) -> list[Disclosure]:
    """All the seller's disclosures, newest first, for staff; those withheld from the seller
    by law only with ``withheld_too`` (for whoever records them)."""
    query = select(Disclosure).where(Disclosure.user_id == user_id)
    if not withheld_too:
        query = query.where(Disclosure.withheld.is_(False))
    return list(
        db.session.scalars(query.order_by(Disclosure.disclosed_at.desc(), Disclosure.id.desc()))
    )


# --- corrections passed on (PDPA s.35) ---------------------------------------------------------

# PDPA s.35: a corrected value goes to every third party that received the data in the 12
# months before the correction.
CORRECTION_LOOKBACK_MONTHS = 12


def recipients_of(user_id: int, category: str, *, now: datetime) -> dict[int, list[str]]:
    """Our references of the transfers that carried ``category`` of the seller's data to each
    party (by party id) in the 12 months before ``now``, oldest first. A message that only
    called a transfer off carried no data, so it has no categories and never counts."""
    since = add_months(now, -CORRECTION_LOOKBACK_MONTHS)
    rows = db.session.execute(
        select(Disclosure.third_party_id, Disclosure.reference, Disclosure.categories)
        .where(
            Disclosure.user_id == user_id,
            Disclosure.kind == DisclosureKind.TRANSFER,
            Disclosure.third_party_id.is_not(None),
            Disclosure.disclosed_at >= since,
            Disclosure.disclosed_at <= now,
        )
        .order_by(Disclosure.disclosed_at, Disclosure.id)
    )
    found: dict[int, list[str]] = defaultdict(list)
    for party_id, reference, categories in rows:
        # JSON lists are compared here, not in SQL: SQLite and PostgreSQL differ on them.
        if category in (categories or ()):
            found[party_id].append(reference)
    return dict(found)


def pass_on_correction(user: User, category: str) -> list[Correction]:
    """The seller's ``category`` (a value of ``datamap.Category``) was corrected: owe the new
    value to every third party that received that category in the 12 months before now
    (PDPA s.35), and only that category.

    Adds one :class:`Correction` per such party to the caller's transaction (flushed), so a
    change that rolls back owes nothing. The ones that can be sent go through the door once
    the response has been sent (:mod:`portal.deferred`, as mail does), so the seller never
    waits on a partner; outside a request (the command line) they wait for
    :func:`send_pending_corrections`. Parties that cannot be sent to (retired, no endpoint,
    no longer registered for the category, sharing paused) are listed for staff at once.
    """
    if category not in {shareable.value for shareable in payload.SHAREABLE}:
        return []  # not something the door can send, so no party received it
    now = utcnow()
    queued = []
    for party_id, references in recipients_of(user.id, category, now=now).items():
        party = db.session.get(ThirdParty, party_id)
        correction = Correction(
            user_id=user.id,
            third_party_id=party_id,
            category=category,
            reference=new_reference(),
            corrects=references,
            corrected_at=now,
            status=CorrectionStatus.PENDING,
            attempts=0,
        )
        reason = _not_sendable(user, party, category)
        if reason is not None:
            correction.status, correction.reason = CorrectionStatus.STAFF, reason
        db.session.add(correction)
        queued.append(correction)
    db.session.flush()
    pending = [c.id for c in queued if c.status == CorrectionStatus.PENDING]
    if pending and has_request_context():
        after_response(deliver_corrections, pending)
    return queued


def _not_sendable(user: User, party: ThirdParty, category: str) -> CorrectionReason | None:
    if not party.active:
        return CorrectionReason.RETIRED
    if category not in party.categories:
        return CorrectionReason.NOT_REGISTERED
    if not parties.reachable(party):
        return CorrectionReason.NO_ENDPOINT
    if user.status != AccountStatus.ACTIVE:
        return CorrectionReason.ACCOUNT_PAUSED
    return None


def deliver_correction(correction: Correction) -> bool:
    """Send one pending correction: the seller's current values of its category alone,
    under the correction's own reference (the same on every try, as the idempotency key).

    Accepted: recorded as a disclosure with the purpose ``correction``, shown under "Where
    my data went". Not delivered: it stays pending with the outcome, to be tried again by
    :func:`send_pending_corrections` (the retention run) or by staff, and is listed for
    staff meanwhile. Flushes only; returns whether the party accepted it.
    """
    if correction.status != CorrectionStatus.PENDING:
        return False
    user = db.session.get(User, correction.user_id)
    party = correction.third_party
    reason = _not_sendable(user, party, correction.category)
    if reason is not None:
        correction.status, correction.reason = CorrectionStatus.STAFF, reason
        db.session.flush()
        return False
    data = {
        name: field.read(user)
        for name, field in payload.FIELDS.items()
        if field.category.value == correction.category
    }
    correction.attempts += 1
    own = reach.of(party.slug, user.id)  # the seller's own store: its keys and record
    try:
        disclosure = _send(
            user,
            party,
            categories=[correction.category],
            data=data,
            request={"type": CORRECTION, "corrects": correction.corrects},
            reference=correction.reference,
            purpose=CORRECTION,
            credentials=own.credentials if own is not None else None,
            partner_reference=own.partner_reference if own is not None else None,
        )
    except DeliveryFailed as exc:
        cause = exc.__cause__
        reason = _staff_reason(cause)
        if reason is not None:
            correction.status, correction.reason = CorrectionStatus.STAFF, reason
        correction.outcome = f"not delivered: {cause}"[:200]
        db.session.flush()
        return False
    correction.status = CorrectionStatus.SENT
    correction.sent_at = disclosure.disclosed_at
    correction.disclosure_id = disclosure.id
    correction.outcome = disclosure.outcome[:200]
    db.session.flush()
    return True


def _staff_reason(cause: BaseException | None) -> CorrectionReason | None:
    """Why staff must pass a correction on another way, when trying again would not help;
    None: the party may take it on a later try (it was down, or busy)."""
    if isinstance(cause, connectors.NotConfigured):
        return CorrectionReason.NO_ENDPOINT
    if isinstance(cause, connectors.Unsupported):
        return CorrectionReason.NO_API
    if isinstance(cause, connectors.Refused) and cause.code != "busy":
        return CorrectionReason.REFUSED
    return None


def deliver_corrections(ids: list[int]) -> int:
    """Send the corrections ``ids`` that are still pending, committing after each (a
    deferred step: see :func:`pass_on_correction`). Returns how many were accepted."""
    accepted = 0
    for correction_id in ids:
        correction = db.session.get(Correction, correction_id)
        if correction is not None and deliver_correction(correction):
            accepted += 1
        db.session.commit()
    return accepted


def send_pending_corrections(limit: int = 500) -> int:
    """Try every pending correction again, oldest first (the retention run calls this);
    commits after each. Returns how many were accepted."""
    ids = db.session.scalars(
        select(Correction.id)
        .where(Correction.status == CorrectionStatus.PENDING)
        .order_by(Correction.id)
        .limit(limit)
    ).all()
    return deliver_corrections(list(ids))


# Why staff must pass a correction on another way, in words for them.
CORRECTION_REASONS = {
    CorrectionReason.RETIRED: _l(
        "The party is retired from the registry, so nothing is sent to it."
    ),
    CorrectionReason.NO_ENDPOINT: _l("No way to reach the party is configured."),
    CorrectionReason.NOT_REGISTERED: _l("The party is no longer registered for this data."),
    CorrectionReason.ACCOUNT_PAUSED: _l("Sharing is paused on the seller's account."),
    CorrectionReason.NO_API: _l(
        "The party's API has no way to take a correction: tell its privacy contact."
    ),
    CorrectionReason.REFUSED: _l(
        "The party refused the correction (see the outcome): tell it another way."
    ),
}


def correction_reason(reason: str | None):
    return CORRECTION_REASONS.get(reason, reason) if reason else None


def corrections_for_staff(*, page: int = 1, per_page: int = 50) -> tuple[list[Correction], bool]:
    """Corrections not yet passed on: those staff must pass on another way first, then
    those waiting to be sent (a failed try among them), oldest first within each."""
    query = (
        select(Correction)
        .options(selectinload(Correction.third_party), selectinload(Correction.user))
        .where(Correction.status.in_((CorrectionStatus.STAFF, CorrectionStatus.PENDING)))
        .order_by(
            Correction.status != CorrectionStatus.STAFF, Correction.corrected_at, Correction.id
        )
    )
    found = paginate(query, page, per_page)
    return found.items, found.has_next


def corrections_summary() -> tuple[int, datetime | None]:
    """How many corrections are not yet passed on, and since when the oldest waits: for the
    back-office home."""
    return db.session.execute(
        select(func.count(Correction.id), func.min(Correction.corrected_at)).where(
            Correction.status.in_((CorrectionStatus.STAFF, CorrectionStatus.PENDING))
        )
    ).one()


def corrections_of(user_id: int) -> list[Correction]:
    """Every correction owed for the seller, newest first, for the seller's staff page."""
    return list(
        db.session.scalars(
            select(Correction)
            .options(selectinload(Correction.third_party))
            .where(Correction.user_id == user_id)
            .order_by(Correction.corrected_at.desc(), Correction.id.desc())
        )
    )


def correction_by_id(correction_id: int) -> Correction | None:
    return db.session.get(Correction, correction_id)


def send_correction_now(correction: Correction, staff: User) -> bool:
    """Staff try a pending correction again now (audited); returns whether it was accepted.
    Flushes only."""
    audit(staff, "correction.send", "correction", correction.id, correction.third_party.slug)
    return deliver_correction(correction)


def mark_correction_handled(correction: Correction, staff: User) -> None:
    """Staff passed the correction on another way (or the party needs nothing more): it
    leaves the list. Audited; flushes only."""
    if correction.status not in (CorrectionStatus.STAFF, CorrectionStatus.PENDING):
        return
    correction.status = CorrectionStatus.HANDLED
    correction.handled_at = utcnow()
    correction.handled_by = staff.id
    audit(staff, "correction.handled", "correction", correction.id, correction.third_party.slug)
    db.session.flush()


def sellers_disclosed_to(party_id: int, start: datetime, end: datetime) -> set[int]:
    """The sellers whose data went to third party ``party_id`` at ``start`` or after and
    before ``end``: for a breach at that party (PDPA s.12B). A message that only called an
    earlier transfer off carries no data (no categories), and does not count."""
    query = select(Disclosure.user_id, Disclosure.categories).where(
        Disclosure.third_party_id == party_id,
        Disclosure.kind == DisclosureKind.TRANSFER,
        Disclosure.disclosed_at >= start,
        Disclosure.disclosed_at < end,
        Disclosure.cancels_reference.is_(None),
    )
    return {user_id for user_id, categories in db.session.execute(query) if categories}
