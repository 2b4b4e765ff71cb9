"""The README.txt of the seller's "download my data" archive (:mod:`portal.account.export`):
what each file and each table is, in plain words and in the seller's language, the columns
explained from the data map (:mod:`portal.datamap`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal import formatting
from portal.datamap import PERSONAL

PORTAL_NAME = "Koopseri Seller Portal"

# What each table of the seller's is, for README.txt. A table missing here is still
# exported and explained column by column (a test keeps this list complete).
TABLE_TITLES = {
    "users": _l("Your account: email address, name, date of birth, phone number and settings."),
    "seller_profiles": _l("Your shop profile: the shop's name and its address."),
    "bank_accounts": _l(
        "The bank account we pay you into, with its full number (it is your own data)."
    ),
    "business_details": _l(
        "How you sell, and your business and tax details: the registered name, the SSM "
        "number, the tax identification number in full (it is your own data) and the SST "
        "registration."
    ),
    "profile_changes": _l(
        "The history of changes to your details: what changed, when and by whom."
    ),
    "login_sessions": _l("The devices where you are, or recently were, logged in."),
    "recovery_codes": _l(
        "When your two-factor recovery codes were made and used (not the codes themselves)."
    ),
    "consent_records": _l(
        "Each time you accepted our privacy policy: which version, when, and from where."
    ),
    "outbox_messages": _l("Every notice we emailed you, in its plain-text form."),
    "documents": _l(
        "Your photographs and documents: what each one is, when you sent it, and our review."
    ),
    "identity_numbers": _l(
        "The number of your identity document (MyKad or passport), in full, with the "
        "passport's issuing country and expiry date."
    ),
    "document_files": _l(
        "The stored files of each document: page, type and size. The files are in files/."
    ),
    "staff_access_log": _l(
        "Every time our staff, or the Koopseri marketplace, looked at your data, and why."
    ),
    "contact_attempts": _l("Times our staff tried to reach you by another way than email."),
    "seller_reachability": _l(
        "Our emails to you that could not be delivered: how many in a row, and since when."
    ),
    "disclosures": _l(
        "Where your data went: what was sent to a partner, or disclosed because the law required it."
    ),
    "corrections": _l(
        "Details you corrected that we owed to partners who had received them in the 12 "
        "months before, and whether each was passed on."
    ),
    "pickups": _l("Pickups you arranged with a courier."),
    "breach_notices": _l(
        "Personal data breaches that affected your data: the breach's number, and when we "
        "sent you its notice (the notice itself is among your emails)."
    ),
    "store_connections": _l("The online store you connected to Koopseri."),
    "verification_requirements": _l(
        "What verification asks of you: each requirement, where it stands, its deadline, and "
        "the last email we sent you about it."
    ),
    "mailbox_links": _l(
        "Links we emailed you that are waiting to be used (not in the archive: each one is a "
        "secret that proves you can read your mailbox)."
    ),
    "seller_search_terms": _l(
        "The words of your name and shop name, your email and phone number, as our staff "
        "search for your account (not in the archive: the same data is in your account)."
    ),
    "privacy_requests": _l(
        "The privacy requests you made (a copy of your data, a correction, and so on): "
        "what you asked, when it was due, and our answer."
    ),
    "erasure_proposals": _l(
        "A proposal by our staff to erase your account at once, waiting for a second person "
        "to confirm it (not in the archive: while it waits, your account shows as paused)."
    ),
}

KIND_TITLES = {
    "profile_photo": _l("your profile photo"),
    "shop_photo": _l("a photo of your shop"),
    "identity": _l("your identity document"),
    "bank_proof": _l("your proof of bank account"),
    "business_registration": _l("your business registration document"),
}
PURPOSE_TITLES = {
    "display": _l("the copy shown in the portal, without the hidden metadata a file can carry"),
    "thumbnail": _l("the small preview"),
}


def readme(user_id: int, generated_at: datetime, tables: Iterable, files: Iterable) -> str:
    """What the archive holds, in plain words: the files (``export.StoredFile``), and the
    tables (``export.ExportedTable``) explained from the data map."""
    lines = [
        _("Your data from the %(portal)s", portal=PORTAL_NAME),
        "=" * 60,
        "",
        _(
            "This archive holds everything the portal keeps about your account (number %(id)s), as it was on %(when)s.",
            id=user_id,
            when=formatting.moment(generated_at, zone=True),
        ),
        "",
        "README.txt",
        "  " + _("This file."),
        "",
        "data.json",
        "  "
        + _(
            'Your data as it is stored, in JSON (a text format most programs can open). Under "tables", each table below is a list of rows, in the order they were made; dates and times are in ISO 8601, in UTC.'
        ),
        "",
        "files/",
        "  "
        + _(
            'Your photographs and documents, as files/<kind>/<document>-<purpose>-<page>. The number of the document is its "id" in the documents table of data.json.'
        ),
        "  "
        + _(
            "The files exactly as you uploaded your identity document and proof of bank account are not included: we keep them encrypted as evidence of our checks and never show them, because they can carry hidden metadata. The copies here are the ones shown in the portal."
        ),
    ]
    for item in files:
        what = _(
            "%(kind)s, page %(page)s: %(purpose)s.",
            kind=KIND_TITLES.get(item.kind, item.kind),
            page=item.page,
            purpose=PURPOSE_TITLES.get(item.purpose, item.purpose),
        )
        lines.append(f"  {item.name}")
        lines.append(f"    {what[:1].upper()}{what[1:]}")
    if not files:
        lines.append("  " + _("You have no photographs or documents with us."))
    lines += ["", _("The tables in data.json"), "-" * 60]
    for item in tables:
        name = item.table.name
        lines += ["", name, "  " + str(TABLE_TITLES.get(name, _("Records of your account.")))]
        other = []
        for column in item.columns:
            personal = PERSONAL.get(f"{name}.{column}")
            if personal is None:
                other.append(column)
                continue
            lines.append(
                "  - "
                + _(
                    "%(column)s (%(category)s). Why we keep it: %(purpose)s.",
                    column=column,
                    category=personal.category.value,
                    purpose=personal.purpose,
                )
            )
        if other:
            lines.append(
                "  - "
                + _(
                    "Also: %(columns)s (numbers, dates, states and settings of the record).",
                    columns=", ".join(other),
                )
            )
    lines += [
        "",
        _(
            "Secrets are left out on purpose: your password, your two-factor secret and recovery codes, and the codes we use internally. Nothing about any other seller is included."
        ),
        "",
    ]
    return "\n".join(lines)
