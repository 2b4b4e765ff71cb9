"""The number on the seller's identity document: checked against the person, kept encrypted,
and found when another account gives the same one.

A MyKad number must be well formed, its place-of-birth code one that is issued, and its
first six digits the date of birth in the seller's profile (:mod:`portal.malaysia.mykad`); a
passport's number must read as printed, its issuing country be known, and it must not have
expired (:mod:`portal.malaysia.passport`). Whatever is wrong is said per field
(:class:`NumberRefused`) before anything is stored: the caller saves nothing. A MyKad number
that reads as someone under 18 is not saved either; the account room is told
(:data:`portal.events.identity_shows_minor`) and acts as the under-age rule says.

The number is stored encrypted, with its last four characters for showing it masked and a
keyed hash of its type, country and digits, so one number given by two accounts comes up
for the reviewer. Nothing else is read from it (a MyKad's last digit says the holder's sex).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from portal import events
from portal.auth.models import User
from portal.clock import today_in
from portal.crypto import keyed_hash
from portal.documents.models import Document, DocumentKind, IdentityNumber, IdentityType
from portal.extensions import db
from portal.malaysia import Invalid, mykad, passport

# The form fields each identity type is typed into, in the order they are shown.
FIELDS = {
    IdentityType.MYKAD: ("mykad_number",),
    IdentityType.PASSPORT: ("passport_number", "passport_country", "passport_expires_on"),
}
_MISSING = {
    "mykad_number": _l("Enter your MyKad number."),
    "passport_number": _l("Enter your passport number."),
    "passport_country": _l("Choose the country that issued the passport."),
    "passport_expires_on": _l("Enter the passport's expiry date."),
}
MINOR_EXPLAINED = _l(
    "We cannot keep the details of anyone under 18, so nothing was saved. Your shop is paused "
    "while our staff check your age, and we have emailed you what happens next."
)


class NumberRefused(Exception):
    """What is wrong with the number typed, by form field; nothing was stored.
    ``shows_minor``: the MyKad number reads as someone under 18."""

    def __init__(self, errors: dict[str, list], *, shows_minor: bool = False):
        super().__init__(", ".join(errors))
        self.errors = errors
        self.shows_minor = shows_minor


class NoIdentityDocument(Exception):
    """A number is given with an identity document, and the seller has none."""


@dataclass(frozen=True)
class TypedNumber:
    """The number as the seller typed it, with the type of document it is printed on."""

    identity_type: IdentityType
    mykad_number: str = ""
    passport_number: str = ""
    passport_country: str = ""
    passport_expires_on: date | None = None


@dataclass(frozen=True)
class CheckedNumber:
    """A number that agrees with the person: normalised (a MyKad's 12 digits, a passport's
    number in capitals), with a passport's country and expiry."""

    identity_type: IdentityType
    number: str
    passport_country: str | None = None
    passport_expires_on: date | None = None

    @property
    def digest(self) -> str:
        return digest_of(self.identity_type, self.number, self.passport_country)


def digest_of(identity_type: str, number: str, country: str | None) -> str:
    """The keyed hash one number has on every account: its type, country and digits."""
    return keyed_hash(f"{identity_type}:{country or ''}:{number}", "identity_numbers.number")


def check(user: User, typed: TypedNumber) -> CheckedNumber:
    """The number, checked against ``user`` on their own calendar's today.

    Raises :class:`NumberRefused` with every field's problem. A MyKad number that reads as
    someone under 18 also sends :data:`portal.events.identity_shows_minor` first (the
    account room freezes the account, in the caller's transaction, which should commit)."""
    today = today_in(user.timezone)
    if typed.identity_type == IdentityType.MYKAD:
        return _check_mykad(user, typed.mykad_number, today)
    return _check_passport(typed, today)


def _check_mykad(user: User, text: str, today: date) -> CheckedNumber:
    if not (text or "").strip():
        raise NumberRefused({"mykad_number": [_MISSING["mykad_number"]]})
    try:
        parsed = mykad.parse(text)
        if user.date_of_birth is not None:
            mykad.check_against(parsed, user.date_of_birth, today)
    except Invalid as invalid:
        if invalid.code == "mykad_minor":
            events.identity_shows_minor.send(user, reason="identity number reads as under 18")
            errors = {"mykad_number": [invalid.message, MINOR_EXPLAINED]}
            raise NumberRefused(errors, shows_minor=True) from None
        raise NumberRefused({"mykad_number": [invalid.message]}) from None
    return CheckedNumber(IdentityType.MYKAD, parsed.digits)


def _check_passport(typed: TypedNumber, today: date) -> CheckedNumber:
    errors: dict[str, list] = {}
    found: dict[str, object] = {}
    checks = {
        "passport_number": lambda: passport.number(typed.passport_number),
        "passport_country": lambda: passport.country(typed.passport_country),
        "passport_expires_on": lambda: passport.check_expiry(typed.passport_expires_on, today),
    }
    typed_values = {
        "passport_number": (typed.passport_number or "").strip(),
        "passport_country": (typed.passport_country or "").strip(),
        "passport_expires_on": typed.passport_expires_on,
    }
    for name, run in checks.items():
        if not typed_values[name]:
            errors[name] = [_MISSING[name]]
            continue
        try:
            found[name] = run()
        except Invalid as invalid:
            errors[name] = [invalid.message]
    if errors:
        raise NumberRefused(errors)
    return CheckedNumber(
        IdentityType.PASSPORT,
        found["passport_number"],
        found["passport_country"],
        typed.passport_expires_on,
    )


# --- keeping it ------------------------------------------------------------------------------


def on_file(user_id: int) -> IdentityNumber | None:
    return db.session.get(IdentityNumber, user_id)


def keep(user_id: int, checked: CheckedNumber) -> bool:
    """Store ``checked`` as the seller's number; whether it differs from the one on file
    (a new number, type, country or expiry). Flushes only."""
    row = on_file(user_id)
    if row is None:
        row = IdentityNumber(user_id=user_id)
        db.session.add(row)
    elif (row.number_digest, row.passport_expires_on) == (
        checked.digest,
        checked.passport_expires_on,
    ):
        return False
    row.identity_type = checked.identity_type
    row.number = checked.number
    row.number_digest = checked.digest
    row.number_last4 = checked.number[-4:]
    row.passport_country = checked.passport_country
    row.passport_expires_on = checked.passport_expires_on
    db.session.flush()
    return True


def forget(user_id: int) -> None:
    """Drop the seller's number: it goes with the identity document it was given with."""
    db.session.execute(delete(IdentityNumber).where(IdentityNumber.user_id == user_id))


def identity_document(user_id: int) -> Document | None:
    return db.session.scalar(
        select(Document).where(Document.user_id == user_id, Document.kind == DocumentKind.IDENTITY)
    )


def sharing(user_id: int) -> list[int]:
    """The other accounts whose identity number has the same keyed hash as this seller's,
    by id; none when the seller has no number."""
    mine = select(IdentityNumber.number_digest).where(IdentityNumber.user_id == user_id)
    return list(
        db.session.scalars(
            select(IdentityNumber.user_id)
            .where(
                IdentityNumber.number_digest == mine.scalar_subquery(),
                IdentityNumber.user_id != user_id,
            )
            .order_by(IdentityNumber.user_id)
        )
    )


# --- for the reviewer ------------------------------------------------------------------------


@dataclass(frozen=True)
class NumberForReview:
    """The number in full, as the reviewer checks it against the document's picture, and the
    other accounts that give the same number."""

    identity_type: str
    number: str  # a MyKad's as printed: YYMMDD-PB-####
    passport_country: str | None
    passport_expires_on: date | None
    shared_with: list[int]


def for_review(user_id: int) -> NumberForReview | None:
    """The seller's number in full, for a reviewer (whose look the caller records); None
    when the seller has given none."""
    row = on_file(user_id)
    if row is None:
        return None
    shown = mykad.formatted(row.number) if row.identity_type == IdentityType.MYKAD else row.number
    return NumberForReview(
        identity_type=row.identity_type,
        number=shown,
        passport_country=row.passport_country,
        passport_expires_on=row.passport_expires_on,
        shared_with=sharing(user_id),
    )
