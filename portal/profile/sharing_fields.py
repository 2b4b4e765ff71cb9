"""What the profile lends the sharing door: the seller's shop name, address and bank account
as fields a third party may receive, how each reads on the page that shows what will be sent,
and where on the profile pages a seller fills in each field the door may find missing."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.auth.models import User
from portal.datamap import Category
from portal.extensions import db
from portal.profile.choices import bank_name, country_name, state_name
from portal.profile.models import BankAccount, SellerProfile
from portal.sharing.payload import Field, register_fields


def _profile(user: User) -> SellerProfile | None:
    return db.session.get(SellerProfile, user.id)


def _address(user: User) -> dict | None:
    profile = _profile(user)
    if profile is None or not profile.has_address:
        return None
    return {
        "line1": profile.address_line1,
        "line2": profile.address_line2 or "",
        "city": profile.city,
        "postcode": profile.postcode or "",
        "state": profile.state or "",
        "country": profile.country,
    }


def _show_address(value: object) -> str:
    if not isinstance(value, dict):
        return str(value)
    region = state_name(value["state"]) if value["state"] else ""
    parts = [
        value["line1"],
        value["line2"],
        " ".join(p for p in (value["postcode"], value["city"]) if p),
        region,
        country_name(value["country"]),
    ]
    return ", ".join(p for p in parts if p)


def _bank_account(user: User) -> dict | None:
    bank = db.session.get(BankAccount, user.id)
    if bank is None:
        return None
    return {
        "bank": bank_name(bank.bank_code, bank.bank_other_name),
        "holder_name": bank.holder_name,
        "account_number": bank.account_number,
    }


def _show_bank_account(value: object) -> str:
    if not isinstance(value, dict):
        return str(value)
    return f"{value['bank']}, {value['holder_name']}, {value['account_number']}"


FIELDS = {
    "shop_name": Field(
        Category.NAME, _l("Shop name"), lambda u: (p := _profile(u)) and p.display_name
    ),
    "address": Field(Category.ADDRESS, _l("Address"), _address, _show_address),
    "bank_account": Field(
        Category.FINANCIAL, _l("Bank account"), _bank_account, _show_bank_account
    ),
}

# The profile page and its section where each field is filled in.
HOMES = {
    "name": ("profile.index", "personal"),
    "shop_name": ("profile.index", "personal"),
    "phone": ("profile.index", "contact"),
    "address": ("profile.index", "address"),
    "email": ("profile.change_email", None),
    "date_of_birth": ("profile.index", None),
    "bank_account": ("profile.index", None),
}


def register(_state=None) -> None:
    """Lend the fields to the door (the blueprint calls this when the app registers it)."""
    register_fields(FIELDS, HOMES)
