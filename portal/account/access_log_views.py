"""/account/access-log: every look by staff at the seller's own personal data.

Each entry says when, who (the staff member's first name and role only: never an email or
a surname), what was looked at (a document by its name and the day it was uploaded) and
why, in words from :mod:`portal.accesslog.wording`. Two queries per page, whatever the
number of entries: the staff member's name comes with the entries, and what names the
seller's documents in one more.
"""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from portal.accesslog import services as accesslog
from portal.accesslog import wording
from portal.accesslog.wording import GENERIC_SUBJECT, subject_label  # noqa: F401
from portal.account import bp
from portal.documents import services as documents
from portal.pagination import page_number

PER_PAGE = 50


def entries_page(seller_id: int, page: int) -> tuple[list[wording.AccessEntry], bool]:
    """One page of the seller's entries, newest first, and whether there is a next page.
    The role is the one recorded with the entry: the role the staff member looked in."""
    found = accesslog.looks_at(seller_id, page, PER_PAGE)
    # Always read, so that the page runs the same statements whatever its entries.
    named = documents.names_of(seller_id)
    entries = [wording.entry(entry, full_name, named) for entry, full_name in found.items]
    return entries, found.has_next


@bp.get("/account/access-log")
def access_log():
    page = page_number(request.args)
    entries, has_next = entries_page(current_user.id, page)
    return render_template("account/access_log.html", entries=entries, page=page, has_next=has_next)
