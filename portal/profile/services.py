"""Keeping a seller's details correct, true and up to date, as the policy asks.

Each section of the profile is saved by its own function, which writes one history row per
field that changed (sensitive values masked) and flushes; the caller commits. Changing the
email goes through a link sent to the new address (``portal.profile.email_change``).
``actor`` is whoever made the change: the seller, or a member of staff acting for them.

The business details and the bank holder's check (:mod:`portal.profile.business`) are
reached through here too: ``update_business`` and ``standing`` (its ``bank`` and ``business``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, func, insert, or_, select
from sqlalchemy.orm import aliased

from portal import datamap, events
from portal.auth import registration
from portal.auth.models import AccountStatus, Role, User
from portal.clock import utcnow
from portal.crypto import keyed_hash
from portal.documents import services as documents
from portal.extensions import db
from portal.formatting import masked
from portal.i18n import gettext
from portal.links import public_url
from portal.outbox.services import queue_email
from portal.pagination import paginate
from portal.profile import choices
from portal.profile.business import BankFacts as BankFacts
from portal.profile.business import Business as Business
from portal.profile.business import BusinessFacts as BusinessFacts
from portal.profile.business import business_of as business_of
from portal.profile.business import holder_check as holder_check
from portal.profile.business import standing as standing
from portal.profile.business import update_business as update_business
from portal.profile.changes import apply, record_change
from portal.profile.models import (
    BankAccount,
    BusinessDetails,
    ProfileChange,
    SellerProfile,
)
from portal.profile.search.services import reindex
from portal.sharing import services as sharing


class DateOfBirthLocked(Exception):
    """The date of birth was checked against an approved ID document and cannot change."""


# The tables whose columns the sections save, to find each changed field's category.
_TABLES = ("users", "seller_profiles", "bank_accounts")


def pass_on_corrections(user: User, changed: list[str]) -> None:
    """PDPA s.35: owe the corrected value of each category among the ``changed`` fields to
    every third party that received it in the 12 months before (the door sends it after the
    response, or lists the party for staff). Whoever corrected it, seller or staff."""
    categories: dict[str, None] = {}
    for field in changed:
        for table in _TABLES:
            personal = datamap.PERSONAL.get(f"{table}.{field}")
            if personal is not None:
                categories[personal.category.value] = None
    for category in categories:
        sharing.pass_on_correction(user, category)


def profile_of(user_id: int) -> SellerProfile | None:
    return db.session.get(SellerProfile, user_id)


def bank_account_of(user_id: int) -> BankAccount | None:
    return db.session.get(BankAccount, user_id)


def profile_bank_and_business(
    user_id: int,
) -> tuple[SellerProfile | None, BankAccount | None, BusinessDetails | None]:
    """The seller's profile, bank account and business details (each None until first
    saved), in one statement."""
    return db.session.execute(
        select(SellerProfile, BankAccount, BusinessDetails)
        .select_from(User)
        .outerjoin(SellerProfile, SellerProfile.user_id == User.id)
        .outerjoin(BankAccount, BankAccount.user_id == User.id)
        .outerjoin(BusinessDetails, BusinessDetails.user_id == User.id)
        .where(User.id == user_id)
    ).one()


def profile_and_bank_account(user_id: int) -> tuple[SellerProfile | None, BankAccount | None]:
    """The seller's profile and bank account (each None until first saved), in one statement."""
    profile, bank, _business = profile_bank_and_business(user_id)
    return profile, bank


def _profile_for_update(user: User) -> SellerProfile:
    profile = profile_of(user.id)
    if profile is None:
        profile = SellerProfile(user_id=user.id)
        db.session.add(profile)
    return profile


# --- the sections ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Personal:
    full_name: str
    display_name: str | None
    date_of_birth: date


# The values an approved identity document vouches for: a change to one is announced
# (``portal.events.verified_identity_changed``) so that the identity is checked again.
VERIFIED_FIELDS = ("full_name", "date_of_birth")


def update_personal(user: User, data: Personal, *, actor: User, today: date) -> list[str]:
    """Save the personal section; returns the fields that changed.

    Raises :class:`DateOfBirthLocked` for a new date of birth while an ID document's
    approval stands (``user.identity_verified_at``: the current approval, cleared when the
    identity goes back to pending), and ``registration.UnderAge`` for one under the minimum
    age. Nothing is changed then. A changed name or date of birth is announced once per
    field (``verified_identity_changed``), by seller or staff alike, verified or not yet:
    the documents room decides what it undoes.
    """
    if data.date_of_birth != user.date_of_birth:
        if user.identity_verified_at is not None:
            raise DateOfBirthLocked()
        registration.require_minimum_age(data.date_of_birth, today)
    changed = apply(
        user,
        actor,
        user,
        {"full_name": data.full_name, "date_of_birth": data.date_of_birth},
    )
    profile = _profile_for_update(user)
    changed += apply(user, actor, profile, {"display_name": data.display_name or None})
    db.session.flush()
    pass_on_corrections(user, changed)
    for field in VERIFIED_FIELDS:
        if field in changed:
            events.verified_identity_changed.send(user, field=field)
    return changed


def update_contact(user: User, phone_e164: str, *, actor: User) -> list[str]:
    """Save the phone number (already parsed to E.164); returns the fields that changed."""
    changed = apply(user, actor, user, {"phone_e164": phone_e164})
    db.session.flush()
    pass_on_corrections(user, changed)
    return changed


@dataclass(frozen=True)
class Address:
    address_line1: str
    address_line2: str | None
    city: str
    postcode: str | None
    state: str | None
    country: str


def update_address(user: User, data: Address, *, actor: User) -> list[str]:
    """Save the postal address (validated by the form); returns the fields that changed."""
    profile = _profile_for_update(user)
    values = {name: getattr(data, name) or None for name in Address.__dataclass_fields__}
    changed = apply(user, actor, profile, values)
    db.session.flush()
    pass_on_corrections(user, changed)
    return changed


@dataclass(frozen=True)
class Financial:
    bank_code: str
    bank_other_name: str | None
    holder_name: str
    account_number: str  # digits only


@dataclass(frozen=True)
class NewProfile:
    """A seller's shop name, address and bank account, added in bulk (seeding a database)."""

    user_id: int
    display_name: str
    address_line1: str
    city: str
    postcode: str
    state: str
    bank_code: str
    holder_name: str
    account_number: str


def add_profiles(profiles: list[NewProfile]) -> None:
    """The profiles, their first history rows and bank accounts (the number encrypted, as
    :func:`update_financial` keeps it), and the search terms, a few statements for them all.
    Flushes only."""
    if not profiles:
        return
    now = utcnow()
    db.session.execute(
        insert(SellerProfile),
        [
            {
                "user_id": p.user_id,
                "display_name": p.display_name,
                "address_line1": p.address_line1,
                "city": p.city,
                "postcode": p.postcode,
                "state": p.state,
                "country": choices.MALAYSIA,
                "last_reviewed_at": now,
            }
            for p in profiles
        ],
    )
    db.session.execute(
        insert(BankAccount),
        [
            {
                "user_id": p.user_id,
                "bank_code": p.bank_code,
                "holder_name": p.holder_name,
                "account_number": p.account_number,
                "account_number_last4": p.account_number[-4:],
                "account_number_digest": account_number_digest(p.account_number),
            }
            for p in profiles
        ],
    )
    db.session.execute(
        insert(ProfileChange),
        [
            {
                "user_id": p.user_id,
                "field": field,
                "old_value": None,
                "new_value": value,
                "actor": "seller",
                "changed_at": now,
            }
            for p in profiles
            for field, value in (("display_name", p.display_name), ("city", p.city))
        ],
    )
    reindex(db.session.connection(), [p.user_id for p in profiles])


def account_number_digest(number: str) -> str:
    return keyed_hash(number, "bank_accounts.account_number")


def update_financial(user: User, data: Financial, *, actor: User) -> list[str]:
    """Save the bank details; the number is encrypted, the owner alerted by email once.

    Returns the fields that changed. The history shows the number masked.
    """
    account = bank_account_of(user.id)
    if account is None:
        account = BankAccount(user_id=user.id)
        db.session.add(account)
    digest = account_number_digest(data.account_number)
    changed = apply(
        user,
        actor,
        account,
        {
            "bank_code": data.bank_code,
            "bank_other_name": data.bank_other_name or None,
            "holder_name": data.holder_name,
        },
    )
    if account.account_number_digest != digest:
        old = masked(account.account_number_last4) if account.account_number_last4 else None
        new = masked(data.account_number[-4:])
        record_change(user, actor, "account_number", old, new)
        account.account_number = data.account_number
        account.account_number_last4 = data.account_number[-4:]
        account.account_number_digest = digest
        changed.append("account_number")
    db.session.flush()
    pass_on_corrections(user, changed)
    if changed:
        queue_email(
            to=user.email,
            kind="bank_details_changed",
            subject=_l("The bank details of your Koopseri account were changed"),
            user=user,
            last4=account.account_number_last4,
        )
    return changed


def sellers_with_account_number(number: str) -> list[int]:
    """Ids of sellers paid into this account number, found by its keyed hash alone."""
    return list(
        db.session.scalars(
            select(BankAccount.user_id)
            .where(BankAccount.account_number_digest == account_number_digest(number))
            .order_by(BankAccount.user_id)
        )
    )


# --- history -----------------------------------------------------------------------------------


def history(user_id: int, *, page: int = 1, per_page: int = 50) -> tuple[list[ProfileChange], bool]:
    """One page of the seller's change history, newest first, and whether more follow."""
    found = paginate(
        select(ProfileChange)
        .where(ProfileChange.user_id == user_id)
        .order_by(ProfileChange.changed_at.desc(), ProfileChange.id.desc()),
        page,
        per_page,
    )
    return found.items, found.has_next


# --- completeness and review -------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    category: str  # one of the policy's categories (portal.datamap.Category)
    label: str
    done: bool
    endpoint: str | None  # where to complete it


def profile_and_given_statement(user_id, *also: ColumnElement) -> Select:
    """The seller's profile (None before they first save it), and whether they have a bank
    account and a profile photo, as one statement over ``user_id`` (a value or a bound
    parameter): what the dashboard shows of the profile. The account number is not read, so
    not decrypted. ``also``: more columns over the same account that the caller asks in the
    same round trip (the dashboard adds the latest acceptance of the policy)."""
    has_bank = select(BankAccount.user_id).where(BankAccount.user_id == user_id).exists()
    return (
        select(SellerProfile, has_bank, documents.has_profile_photo(user_id), *also)
        .select_from(User)
        .outerjoin(SellerProfile, SellerProfile.user_id == User.id)
        .where(User.id == user_id)
    )


def completeness(
    user: User, profile: SellerProfile | None, *, bank: bool, photographs: bool
) -> list[Item]:
    """The policy's categories of data and whether the seller has given each one yet.

    Photographs and identification documents are uploaded on the documents page
    (``photographs``: a profile photo is there); until staff approve an identity document,
    identification counts as missing.
    """
    verified = user.identity_verified_at is not None
    return [
        Item("name", gettext("Name"), bool(user.full_name), "profile.personal"),
        Item("photographs", gettext("Photographs"), photographs, "documents.index"),
        Item("identification", gettext("Identification"), verified, "documents.index"),
        Item(
            "address", gettext("Address"), bool(profile and profile.has_address), "profile.address"
        ),
        Item("email", gettext("Email"), user.is_verified, "profile.index"),
        Item("phone", gettext("Phone"), bool(user.phone_e164), "profile.contact"),
        Item("financial", gettext("Financial"), bank, "profile.financial"),
    ]


@dataclass(frozen=True)
class Review:
    """When the seller last confirmed their details (``at``), and whether that was only
    when they registered (``at_registration``): registration counts as the first review."""

    at: datetime
    at_registration: bool


def review_of(user: User, profile: SellerProfile | None) -> Review:
    """The one definition of "last reviewed", for /profile, /profile/review, the dashboard
    and the yearly reminder alike."""
    reviewed_at = profile.last_reviewed_at if profile else None
    return Review(reviewed_at or user.created_at, at_registration=reviewed_at is None)


def last_reviewed(user: User, profile: SellerProfile | None) -> datetime:
    """When the seller last confirmed their details; registration counts as the first time."""
    return review_of(user, profile).at


def mark_reviewed(user: User) -> None:
    _profile_for_update(user).last_reviewed_at = utcnow()
    db.session.flush()


def reminder_batch(now: datetime, limit: int) -> list[User]:
    """Up to ``limit`` sellers whose last review is older than ``REVIEW_INTERVAL`` and who have
    not been reminded within it: each is reminded once a year until they review."""
    cutoff = now - current_app.config["REVIEW_INTERVAL"]
    profile = aliased(SellerProfile)
    basis = func.coalesce(profile.last_reviewed_at, User.created_at)
    return list(
        db.session.scalars(
            select(User)
            .outerjoin(profile, profile.user_id == User.id)
            .where(
                User.role == Role.SELLER,
                User.status == AccountStatus.ACTIVE,
                User.email_verified_at.is_not(None),
                basis <= cutoff,
                or_(profile.review_reminded_at.is_(None), profile.review_reminded_at <= cutoff),
            )
            .order_by(User.id)
            .limit(limit)
        )
    )


def send_review_reminder(user: User, now: datetime) -> None:
    """Email the yearly "please check your details" reminder and note when it went."""
    profile = _profile_for_update(user)
    profile.review_reminded_at = now
    queue_email(
        to=user.email,
        kind="review_reminder",
        subject=_l("Please check that your Koopseri details are still correct"),
        user=user,
        review_url=public_url("profile.review"),
        last_reviewed=last_reviewed(user, profile),
    )
    db.session.flush()


def sellers_named(hint: str) -> Select | None:
    """The seller accounts someone outside may mean by ``hint``: the account's email, or
    words of the shop's name (case ignored), as a statement of ``(User, SellerProfile or
    None)`` rows for the caller to order and limit; None when the hint names nothing."""
    hint = hint.strip().lower()
    if not hint:
        return None
    escaped = hint.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return (
        select(User, SellerProfile)
        .outerjoin(SellerProfile, SellerProfile.user_id == User.id)
        .where(
            User.role == Role.SELLER,
            or_(
                func.lower(User.email) == hint,
                func.lower(SellerProfile.display_name).like(f"%{escaped}%", escape="\\"),
            ),
        )
    )
