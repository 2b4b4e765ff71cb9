"""The one door through which seller data leaves for a third party.

``share`` builds the payload from the party's registered categories only, hands it to the
party's connector, and adds the disclosure to the caller's transaction only once the party
has accepted it. A failure raises and records nothing.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from portal.auth.models import AccountStatus, User
from portal.clock import utcnow
from portal.extensions import db
from portal.pagination import paginate
from portal.sharing import connectors, payload
from portal.sharing.models import Disclosure, DisclosureKind, ThirdParty

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
    def __init__(self, party: ThirdParty):
        super().__init__(party.slug)
        self.message = _l(
            "We could not reach %(name)s, so nothing was shared and nothing was booked. "
            "Please try again in a few minutes.",
            name=party.name,
        )


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
) -> Disclosure:
    """Send the seller's ``fields`` (as far as the party's categories allow) with the
    feature's ``request`` details, and add the disclosure to the session (flushed).

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
    return _send(user, party, categories=built.categories, data=built.data, request=request)


def cancel(user: User, earlier: Disclosure, *, request: dict) -> Disclosure:
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
    return _send(user, party, categories=(), data={}, request=request, cancels=earlier.reference)


def _send(
    user: User,
    party: ThirdParty,
    *,
    categories: Iterable[str],
    data: dict,
    request: dict,
    cancels: str | None = None,
) -> Disclosure:
    """Hand the envelope to the party's connector; once accepted, record the disclosure."""
    reference = new_reference()
    sent_at = utcnow()
    envelope = {
        "reference": reference,
        "sent_at": sent_at.isoformat(),
        "purpose": party.purpose,
        "categories": list(categories),
        "request": request,
        "seller": data,
    }
    if cancels is not None:
        envelope["cancels"] = cancels
    try:
        receipt = connectors.connector_for(party.slug).send(envelope, idempotency_key=reference)
    except connectors.DeliveryFailed as exc:
        log.warning("sharing: %s not delivered (%s), reference %s", party.slug, exc, reference)
        raise DeliveryFailed(party) from exc
    disclosure = Disclosure(
        user_id=user.id,
        kind=DisclosureKind.TRANSFER,
        third_party_id=party.id,
        recipient=party.name,
        categories=list(categories),
        purpose=party.purpose,
        reference=reference,
        partner_reference=receipt.reference,
        outcome=receipt.outcome,
        disclosed_at=sent_at,
        cancels_reference=cancels,
    )
    db.session.add(disclosure)
    db.session.flush()
    log.info("sharing: %s accepted reference %s", party.slug, reference)
    return disclosure


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
