"""Keeping each seller's search terms in step with their data, and searching them.

The terms are rebuilt for a seller whenever a flush writes their name, email, phone number,
role or shop name, by session events: every path that changes those fields through the ORM
(registration, the profile, an email change, staff editing) keeps the index without knowing
of it. A deleted seller's terms go with the row (``ON DELETE CASCADE``), and erasure deletes
them as a seller table. Bulk loads that bypass the ORM call :func:`reindex` themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import chain

from sqlalchemy import Connection, Row, and_, delete, event, func, insert, inspect, or_, select
from sqlalchemy.orm import Session

from portal.auth.models import Role, User
from portal.extensions import db
from portal.pagination import Page, page_window
from portal.profile.models import SellerProfile
from portal.profile.search.models import SearchTerm
from portal.profile.search.terms import prefix_range, prefixes, terms_for

PER_PAGE = 25
BATCH = 500

_FIELDS = {
    User: ("full_name", "email", "phone_e164", "role"),
    SellerProfile: ("display_name",),
}
_CHANGED = "search.changed"  # session.info key: objects whose terms a flush must rebuild


# --- keeping the terms --------------------------------------------------------------------------


def terms_of_row(row) -> set[str]:
    return terms_for(row.full_name, row.email, row.phone_e164, row.display_name)


def reindex(connection: Connection, seller_ids: Iterable[int]) -> None:
    """Rebuild the terms of these accounts from what the database holds now (an account
    that is not a seller's, or no longer exists, is left with none)."""
    users, profiles, terms = User.__table__, SellerProfile.__table__, SearchTerm.__table__
    ids = sorted(set(seller_ids))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        rows = connection.execute(
            select(
                users.c.id,
                users.c.full_name,
                users.c.email,
                users.c.phone_e164,
                profiles.c.display_name,
            )
            .select_from(users.outerjoin(profiles, profiles.c.user_id == users.c.id))
            .where(users.c.id.in_(chunk), users.c.role == Role.SELLER)
        ).all()
        connection.execute(delete(terms).where(terms.c.seller_id.in_(chunk)))
        values = [{"seller_id": row.id, "term": term} for row in rows for term in terms_of_row(row)]
        if values:
            connection.execute(insert(terms), values)


def _changes_terms(obj) -> bool:
    fields = _FIELDS.get(type(obj))
    if fields is None:
        return False
    state = inspect(obj)
    if state.pending:
        return not (isinstance(obj, User) and obj.role not in (None, Role.SELLER))
    return any(state.attrs[name].history.has_changes() for name in fields)


@event.listens_for(Session, "before_flush")
def _note_changes(session: Session, flush_context, instances) -> None:
    changed = [obj for obj in chain(session.new, session.dirty) if _changes_terms(obj)]
    if changed:
        session.info.setdefault(_CHANGED, []).extend(changed)


@event.listens_for(Session, "after_flush_postexec")
def _rebuild_changed(session: Session, flush_context) -> None:
    # After the flush's bookkeeping: new rows are persistent, with their identity, and rows
    # the flush deleted are not.
    changed = session.info.pop(_CHANGED, None)
    if not changed:
        return
    ids = set()
    for obj in changed:
        state = inspect(obj)
        if state.persistent and state.identity is not None:
            ids.add(state.identity[0])  # users.id, or seller_profiles.user_id
    if ids:
        reindex(session.connection(), ids)


@event.listens_for(Session, "after_soft_rollback")
def _forget_changes(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:
        session.info.pop(_CHANGED, None)


# --- searching --------------------------------------------------------------------------------


def search(query: str, *, page: int = 1, per_page: int = PER_PAGE) -> tuple[list[Row], bool]:
    """One page of the sellers ``query`` finds, and whether there is a next page.

    One statement, whatever the number of results: the matching sellers are found in the
    term index alone (one range per prefix), the best-matching term first, then joined to
    their account and shop by primary key. Each row has ``id``, ``full_name``, ``email``,
    ``status`` and ``display_name``.
    """
    ranges = [prefix_range(prefix) for prefix in prefixes(query)]
    if not ranges:
        return [], False
    term = SearchTerm.term
    conditions = [
        and_(term >= low, term < high) if high is not None else term >= low for low, high in ranges
    ]
    best = func.min(term)
    matched = (
        select(SearchTerm.seller_id, best.label("best"))
        .where(or_(*conditions))
        .group_by(SearchTerm.seller_id)
        .order_by(best, SearchTerm.seller_id)
    )
    matched = page_window(matched, page, per_page).subquery("matched")
    rows = db.session.execute(
        select(User.id, User.full_name, User.email, User.status, SellerProfile.display_name)
        .select_from(matched)
        .join(User, User.id == matched.c.seller_id)
        .outerjoin(SellerProfile, SellerProfile.user_id == User.id)
        .order_by(matched.c.best, matched.c.seller_id)
    ).all()
    found = Page.cut(rows, page, per_page)
    return found.items, found.has_next


def newest(*, page: int = 1, per_page: int = PER_PAGE) -> tuple[list[Row], bool]:
    """One page of every seller, newest account first, as :func:`search` returns them: the
    back office's list of sellers before anything is searched for."""
    rows = db.session.execute(
        page_window(
            select(User.id, User.full_name, User.email, User.status, SellerProfile.display_name)
            .outerjoin(SellerProfile, SellerProfile.user_id == User.id)
            .where(User.role == Role.SELLER)
            .order_by(User.created_at.desc(), User.id.desc()),
            page,
            per_page,
        )
    ).all()
    found = Page.cut(rows, page, per_page)
    return found.items, found.has_next
