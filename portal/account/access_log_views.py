"""/account/access-log: every look by staff at the seller's own personal data.

Each entry says when, who (the staff member's role and first name only: never an email or
a surname), what was looked at and why. One query per page, whatever the number of entries:
the staff member's name comes in the same query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.accesslog import services as accesslog
from portal.account import bp
from portal.pagination import page_number

PER_PAGE = 50

# What was looked at, by the subject the features record. Spaces, hyphens and case do not
# matter ("contact details" and "contact_details" are the same subject).
SUBJECT_LABELS = {
    "seller_page": _l("Your account as staff see it (sensitive values masked)"),
    "seller": _l("Your account as staff see it (sensitive values masked)"),
    "document": _l("A document you uploaded"),
    "contact_details": _l("Your contact details (phone number and address)"),
    "revealed_value": _l("A masked value shown in full"),
    "revealed:date_of_birth": _l("Your date of birth, shown in full"),
    "revealed:bank_account_number": _l("Your bank account number, shown in full"),
    "revealed:phone": _l("Your phone number, shown in full"),
    "bank_account": _l("Your full bank account number"),
    "export": _l("An export of your data"),
}
GENERIC_SUBJECT = _l("Your personal data")

# The role on its own, and the role after a first name: "Aisyah (reviewer)".
ROLE_ALONE = {
    "admin": _l("An administrator"),
    "reviewer": _l("A reviewer"),
    "support": _l("A member of the support team"),
}
ROLE_AFTER_NAME = {
    "admin": _l("administrator"),
    "reviewer": _l("reviewer"),
    "support": _l("support"),
}


def subject_label(subject: str | None) -> str:
    key = (subject or "").strip().lower().replace(" ", "_").replace("-", "_")
    return str(SUBJECT_LABELS.get(key, GENERIC_SUBJECT))


def first_name(full_name: str | None) -> str | None:
    words = (full_name or "").split()
    return words[0] if words else None


def staff_label(full_name: str | None, role: str | None) -> str:
    """ "Aisyah (reviewer)", or the role alone when the staff member has no name (or their
    account was deleted)."""
    name = first_name(full_name)
    if name is None:
        return str(ROLE_ALONE.get(role or "", _l("A member of staff")))
    return _("%(name)s (%(role)s)", name=name, role=ROLE_AFTER_NAME.get(role or "", _("staff")))


@dataclass(frozen=True)
class AccessEntry:
    accessed_at: datetime
    who: str
    what: str
    reason: str | None


def entries_page(seller_id: int, page: int) -> tuple[list[AccessEntry], bool]:
    """One page of the seller's entries, newest first, and whether there is a next page.
    The role is the one recorded with the entry: the role the staff member looked in."""
    found = accesslog.looks_at(seller_id, page, PER_PAGE)
    entries = [
        AccessEntry(
            accessed_at=entry.accessed_at,
            who=staff_label(full_name, entry.staff_role),
            what=subject_label(entry.subject),
            reason=entry.reason,
        )
        for entry, full_name in found.items
    ]
    return entries, found.has_next


@bp.get("/account/access-log")
def access_log():
    page = page_number(request.args)
    entries, has_next = entries_page(current_user.id, page)
    return render_template("account/access_log.html", entries=entries, page=page, has_next=has_next)
