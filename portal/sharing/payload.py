"""What a third party may receive: seller fields, each tied to one category of the policy.

This module is the only place where the sharing service reads a seller's data. A field is
read only when its category is registered for the party, so a field outside the party's
categories is never even loaded, whatever the caller asked for.

The account's own fields (name, email, phone, date of birth) are known here; a feature that
holds more of the seller's data (the profile: shop name, address, bank account) registers
its fields with :func:`register_fields` when the app starts, so the door imports no feature.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from portal.auth.models import User
from portal.datamap import CATEGORY_NAMES, Category

log = logging.getLogger(__name__)

# The categories a third party can be registered for: the policy's own list (what the portal
# records of a seller's use of it is never shared).
SHAREABLE: dict[Category, object] = {
    category: name for category, name in CATEGORY_NAMES.items() if category != Category.INTERACTION
}


@dataclass(frozen=True)
class Field:
    category: Category
    label: object  # a lazy string
    read: Callable[[User], object]  # the value to send, or None when the seller has none
    show: Callable[[object], str] = str  # the value as the seller reads it before it goes


FIELDS: dict[str, Field] = {
    "name": Field(Category.NAME, _l("Full legal name"), lambda u: u.full_name),
    "email": Field(Category.EMAIL, _l("Email"), lambda u: u.email),
    "phone": Field(Category.PHONE, _l("Phone number"), lambda u: u.phone_e164),
    "date_of_birth": Field(
        Category.IDENTIFICATION,
        _l("Date of birth"),
        lambda u: u.date_of_birth and u.date_of_birth.isoformat(),
    ),
}

# Where the seller fills in each field, as (endpoint, anchor): for the links on a page that
# says what is missing. Registered by the feature whose pages those are.
HOMES: dict[str, tuple[str, str | None]] = {}


def register_fields(
    fields: Mapping[str, Field], homes: Mapping[str, tuple[str, str | None]]
) -> None:
    """Add the fields a feature holds, and the pages where sellers fill fields in.

    Called when the app starts; calling it again with the same fields changes nothing.
    """
    FIELDS.update(fields)
    HOMES.update(homes)


class MissingDetails(Exception):
    """The seller has not given a field the purpose needs."""

    def __init__(self, fields: list[str]):
        super().__init__(", ".join(fields))
        self.fields = fields


@dataclass(frozen=True)
class Payload:
    data: dict[str, object]  # field name -> value, only fields the party is registered for
    categories: tuple[str, ...]  # the categories those fields belong to, sorted
    refused: tuple[str, ...]  # fields asked for outside the party's categories

    @property
    def digest(self) -> str:
        """A fingerprint of exactly what would be sent, to tie a confirmation to a preview."""
        encoded = json.dumps(self.data, sort_keys=True, ensure_ascii=False).encode()
        return hashlib.sha256(encoded).hexdigest()

    def rows(self) -> list[tuple[object, object]]:
        """(label, value) pairs for showing the seller, in the order the fields were asked."""
        return [(FIELDS[name].label, display(name, value)) for name, value in self.data.items()]


def build(user: User, categories: Iterable[str], wanted: Iterable[str]) -> Payload:
    """The seller's data for ``wanted`` fields, limited to ``categories``.

    A field outside the categories is left out and never read; an unknown field name is a
    programming error. Raises :class:`MissingDetails` when an allowed field is empty.
    """
    allowed = set(categories)
    data: dict[str, object] = {}
    refused: list[str] = []
    missing: list[str] = []
    for name in dict.fromkeys(wanted):
        field = FIELDS[name]
        if field.category.value not in allowed:
            refused.append(name)
            continue
        value = field.read(user)
        if value in (None, ""):
            missing.append(name)
        data[name] = value
    if refused:
        log.warning("sharing refused fields outside the registered categories: %s", refused)
    if missing:
        raise MissingDetails(missing)
    sent = sorted({FIELDS[name].category.value for name in data})
    return Payload(data=data, categories=tuple(sent), refused=tuple(refused))


def display(name: str, value: object) -> str:
    """A field's value as the seller reads it on the confirmation page."""
    return FIELDS[name].show(value)
