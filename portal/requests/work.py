"""Staff working a request: extending its clock, refusing it on a statutory ground, and
answering it with what the portal already has (the export for a copy, termination for a
deletion). Every step goes into the audit trail and is emailed to the requester; services
flush, the caller commits."""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask_babel import lazy_gettext as _l

from portal.account import termination
from portal.audit.services import record as audit
from portal.auth.models import User
from portal.clock import local_date, utcnow
from portal.extensions import db
from portal.profile import services as profile
from portal.requests.models import OPEN_STATES, Kind, PrivacyRequest, Status
from portal.requests.services import EXTENSION_DAYS, end_of, tell_requester
from portal.requests.wording import GROUNDS
from portal.security import TokenInvalid, make_token, read_token, secret_digest
from portal.sharing import services as sharing

COPY_LINK_DAYS = 3  # how long the emailed link to a copy of the data works
_COPY_PURPOSE = "privacy-request-copy"


class Closed(Exception):
    """The request was answered or refused meanwhile."""


class ReasonRequired(Exception):
    """The requester must be told why (s.31(2)); the reason goes to them."""


class TooLate(Exception):
    """The 21 days are over: an extension had to be told before they ended (s.31(2))."""


class AlreadyExtended(Exception):
    """The law gives one extension of 14 days."""


class WrongGround(Exception):
    """The ground does not refuse this kind of request."""


class NotThisKind(Exception):
    """This way of answering does not fit the kind of request."""


class NoAccount(Exception):
    """The request names no account (or the account is gone): nothing to copy or close."""


class NoParty(Exception):
    """No registered, active third party goes by that name."""


class NothingToMove(Exception):
    """The party is registered for none of the data the seller has given."""


def _open(request_id: int) -> PrivacyRequest:
    request = db.session.get(PrivacyRequest, request_id)
    if request is None:
        raise LookupError(request_id)
    if request.status not in OPEN_STATES:
        raise Closed()
    return request


def _close(request: PrivacyRequest, staff: User, status: Status, outcome: str) -> None:
    request.status = status
    request.outcome = outcome
    request.closed_at = utcnow()
    request.closed_by = staff.id
    db.session.flush()


def extend(request_id: int, staff: User, reason: str) -> PrivacyRequest:
    """Give the request 14 more days, telling the requester why and the new date, before
    the 21st day ends (s.31(2)-(3)). Raises :class:`ReasonRequired`, :class:`TooLate`,
    :class:`AlreadyExtended`, :class:`Closed` or LookupError."""
    if not (reason or "").strip():
        raise ReasonRequired()
    request = _open(request_id)
    if request.status == Status.EXTENDED:
        raise AlreadyExtended()
    now = utcnow()
    if now >= end_of(request.due_on):
        raise TooLate()
    request.status = Status.EXTENDED
    request.extended_at = now
    request.extension_reason = reason.strip()
    request.due_on = request.due_on + timedelta(days=EXTENSION_DAYS)
    db.session.flush()
    audit(staff, "privacy_request.extend", "privacy_request", request.id)
    tell_requester(
        request,
        "privacy_request_extended",
        _l("Your request %(reference)s: we need more time", reference=request.reference),
        reason=request.extension_reason,
    )
    return request


def refuse(request_id: int, staff: User, ground: str, explanation: str = "") -> PrivacyRequest:
    """Refuse the request on a statutory ground for its kind (s.32 for access, s.36 for
    correction), and tell the requester the ground. Raises :class:`WrongGround`,
    :class:`Closed` or LookupError."""
    request = _open(request_id)
    entry = GROUNDS.get(ground)
    if entry is None or entry[0] != request.kind:
        raise WrongGround(ground)
    request.refusal_ground = ground
    _close(request, staff, Status.REFUSED, (explanation or "").strip())
    audit(staff, "privacy_request.refuse", "privacy_request", request.id, ground)
    tell_requester(
        request,
        "privacy_request_refused",
        _l("Your request %(reference)s: our answer", reference=request.reference),
        ground=entry[1],
    )
    return request


def answer(request_id: int, staff: User, text: str) -> PrivacyRequest:
    """Record what was done (a correction made, the purpose stopped, a transfer arranged)
    and send it to the requester. Raises :class:`ReasonRequired` (nothing written),
    :class:`Closed` or LookupError."""
    if not (text or "").strip():
        raise ReasonRequired()
    request = _open(request_id)
    _close(request, staff, Status.ANSWERED, text.strip())
    audit(staff, "privacy_request.answer", "privacy_request", request.id)
    tell_requester(
        request,
        "privacy_request_answered",
        _l("Your request %(reference)s: our answer", reference=request.reference),
    )
    return request


def _account(request: PrivacyRequest) -> User:
    user = db.session.get(User, request.user_id) if request.user_id else None
    if user is None or not user.is_seller:
        raise NoAccount()
    return user


def send_copy(request_id: int, staff: User, text: str = "") -> PrivacyRequest:
    """Answer an access (s.30) or portability (s.43A) request with the seller's export:
    a link, emailed, that downloads it for ``COPY_LINK_DAYS`` days. The archive is the one
    "download my data" gives (:mod:`portal.account.export`): JSON and the files, which
    another service can read. Raises :class:`NotThisKind`, :class:`NoAccount`,
    :class:`Closed` or LookupError."""
    request = _open(request_id)
    if request.kind not in (Kind.ACCESS, Kind.PORTABILITY):
        raise NotThisKind()
    _account(request)
    secret = secrets.token_urlsafe(32)
    request.copy_token_hash = secret_digest(secret)
    request.copy_expires_at = utcnow() + timedelta(days=COPY_LINK_DAYS)
    _close(request, staff, Status.ANSWERED, (text or "").strip())
    audit(staff, "privacy_request.send_copy", "privacy_request", request.id)
    tell_requester(
        request,
        "privacy_request_copy",
        _l("Your request %(reference)s: a copy of your data", reference=request.reference),
        token=make_token(_COPY_PURPOSE, {"k": secret}),
        expires_on=local_date(request.copy_expires_at),
    )
    return request


def copy_request(token: str) -> PrivacyRequest:
    """The answered request whose emailed copy link ``token`` is, while it works and its
    account exists. Raises :class:`portal.security.TokenInvalid`."""
    max_age = int(timedelta(days=COPY_LINK_DAYS).total_seconds())
    payload = read_token(_COPY_PURPOSE, token, max_age)
    secret = payload.get("k")
    if not isinstance(secret, str):
        raise TokenInvalid()
    request = db.session.scalar(
        db.select(PrivacyRequest).where(PrivacyRequest.copy_token_hash == secret_digest(secret))
    )
    if request is None or request.copy_expires_at is None or request.copy_expires_at <= utcnow():
        raise TokenInvalid(expired=True)
    try:
        _account(request)
    except NoAccount as exc:
        raise TokenInvalid() from exc
    return request


def transfer_parties() -> list:
    """The registered, active third parties a portability request can move data to."""
    return sharing.active_parties()


def transfer_preview(request_id: int, slug: str):
    """(party, payload): what moving the seller's data to the party ``slug`` would send now
    (only the categories the party is registered for). Raises :class:`NoParty`,
    :class:`NothingToMove`, :class:`NotThisKind`, :class:`NoAccount`, :class:`Closed` or
    LookupError."""
    request = _open(request_id)
    if request.kind != Kind.PORTABILITY:
        raise NotThisKind()
    user = _account(request)
    party = sharing.party_by_slug(slug or "")
    if party is None or not party.active:
        raise NoParty()
    preview = sharing.portability_preview(user, party)
    if not preview.data:
        raise NothingToMove()
    return party, preview


def transfer(
    request_id: int, staff: User, slug: str, confirmed_digest: str, text: str = ""
) -> PrivacyRequest:
    """Answer a portability request (PDPA s.43A) by sending the seller's data to the third
    party they named, through the sharing door: only the categories the party is registered
    for, recorded as a disclosure with the purpose "portability" that the seller sees under
    "Where my data went". If the party cannot be reached (or the data changed since staff
    saw what would go), the door raises a :class:`portal.sharing.services.SharingError`:
    nothing is recorded and the request stays open. Raises also what
    :func:`transfer_preview` raises."""
    party, _preview = transfer_preview(request_id, slug)
    request = _open(request_id)
    user = _account(request)
    disclosure = sharing.share_for_portability(
        user, party, request_reference=request.reference, confirmed_digest=confirmed_digest
    )
    _close(request, staff, Status.ANSWERED, (text or "").strip())
    audit(staff, "privacy_request.transfer", "privacy_request", request.id, party.slug)
    tell_requester(
        request,
        "privacy_request_answered",
        _l("Your request %(reference)s: our answer", reference=request.reference),
        transfer={
            "name": disclosure.recipient,
            "categories": list(disclosure.categories),
            "reference": disclosure.reference,
        },
    )
    return request


# What staff may correct for a seller: each section by its own profile service. Bank details
# are not here: changing them asks for the seller's own password (the profile's re-check).
CORRECTABLE = ("personal", "contact", "address")


def correction_subject(request_id: int) -> User:
    """The seller whose details an open "correct my data" request (s.34-35) asks staff to
    correct. Raises :class:`NotThisKind`, :class:`NoAccount`, :class:`Closed` or
    LookupError."""
    request = _open(request_id)
    if request.kind != Kind.CORRECTION:
        raise NotThisKind()
    return _account(request)


def correct(request_id: int, staff: User, section: str, value, *, today) -> list[str]:
    """Correct one section of the seller's details as their correction request (s.35(1))
    asks, through the profile's own service with ``staff`` as the actor: the profile's
    history records the change as staff's, and the corrected value is owed to every third
    party that received its category in the 12 months before (s.35(2), inside the service).
    ``value`` is what the section's service takes (:class:`profile.Personal`, the phone in
    E.164, :class:`profile.Address`). The request stays open for staff to answer. Returns
    the fields that changed; audited only when one did. Raises what
    :func:`correction_subject` and the profile service raise (``registration.UnderAge``,
    :class:`profile.DateOfBirthLocked`), or ValueError for another section."""
    user = correction_subject(request_id)
    if section == "personal":
        changed = profile.update_personal(user, value, actor=staff, today=today)
    elif section == "contact":
        changed = profile.update_contact(user, value, actor=staff)
    elif section == "address":
        changed = profile.update_address(user, value, actor=staff)
    else:
        raise ValueError(section)
    if changed:
        audit(
            staff,
            "privacy_request.correct",
            "privacy_request",
            request_id,
            f"{section}: {', '.join(changed)}",
        )
    return changed


def close_account(request_id: int, staff: User, text: str = "") -> PrivacyRequest:
    """Answer a deletion request by closing the account (:mod:`portal.account.termination`):
    its data goes after the retention period, as for any closed account. The state machine
    lets only an admin close someone else's account. Raises
    :class:`portal.auth.states.TransitionRefused`, :class:`NotThisKind`,
    :class:`NoAccount`, :class:`Closed` or LookupError."""
    request = _open(request_id)
    if request.kind != Kind.DELETION:
        raise NotThisKind()
    user = _account(request)
    termination.terminate(user, actor=staff, reason=f"privacy request {request.reference}")
    _close(request, staff, Status.ANSWERED, (text or "").strip())
    audit(staff, "privacy_request.close_account", "privacy_request", request.id)
    tell_requester(
        request,
        "privacy_request_answered",
        _l("Your request %(reference)s: our answer", reference=request.reference),
    )
    return request
