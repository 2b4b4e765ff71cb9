"""Numbers from the URL: page numbers of every list, and ids in routes.

Every list reads its page with :func:`page_number`, never ``request.args.get("page",
type=int)``: that gave any integer, and ``?page=99999999999999999999`` reached the query
as an OFFSET no database holds (a 500 on SQLite and on PostgreSQL). A list that counts its
items shows the last page for a page past the end (:func:`clamp`, applied by the service
between its count and its page query, and by the view to show the same number); a list
that only knows whether another page follows shows an empty page that says so, with a link
back to the first. Every ``<int:...>`` in a route stops at :data:`LARGEST_ID`.

Every list fetches its page with :func:`paginate`: one statement for the page (plus the
count the caller made, for a counted list), never a copy of the offset arithmetic. A queue's
size and its longest wait (the back office's home, the metrics) come from
:func:`queue_summary`, one statement.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from werkzeug.routing import IntegerConverter

from portal.extensions import db

# The largest id a URL may name: the tables' id columns are INTEGER, which PostgreSQL keeps
# in 32 bits (SQLite in 64). SQLAlchemy binds such a number as "::INTEGER" on PostgreSQL, so
# a larger one fails there ("integer out of range"), and one past 64 bits fails in SQLite's
# driver (OverflowError): either would be a 500.
LARGEST_ID = 2**31 - 1
# Further than any list here goes. LIMIT and OFFSET are bound as INTEGER too: with pages of
# at most a few hundred items, (page - 1) * page size stays far below LARGEST_ID.
MAX_PAGE = 1_000_000
_DIGITS = re.compile(r"[0-9]+")  # ASCII only: str.isdigit() also says yes to "²" and "٣"


def whole_number(text: str | None) -> int | None:
    """The whole number ``text`` is written as (ASCII digits only, spaces around allowed),
    or None for anything else, or for a number past :data:`LARGEST_ID`."""
    text = (text or "").strip()
    if not _DIGITS.fullmatch(text):
        return None
    text = text.lstrip("0") or "0"
    if len(text) > len(str(LARGEST_ID)):  # before int(): no 4,000-digit conversions
        return None
    number = int(text)
    return number if number <= LARGEST_ID else None


def page_number(args: Mapping[str, str], name: str = "page") -> int:
    """The page a list was asked for, from 1 to :data:`MAX_PAGE`, whatever was written.

    Missing, empty, 0, negative or not a number: page 1. More than MAX_PAGE, however many
    digits: MAX_PAGE, which :func:`clamp` brings to the last page of a counted list.
    """
    text = (args.get(name) or "").strip()
    if not _DIGITS.fullmatch(text):
        return 1
    number = whole_number(text)
    return MAX_PAGE if number is None else min(max(number, 1), MAX_PAGE)


def clamp(page: int, total: int, per_page: int) -> int:
    """``page`` brought within the pages ``total`` items make (page 1 when there are none)."""
    last = max(1, math.ceil(total / per_page))
    return min(max(page, 1), last)


@dataclass(frozen=True)
class Page:
    """One page of a list: its items, its number, whether another follows, and for a
    counted list how many items there are in all (None when the list was not counted)."""

    items: list[Any]
    page: int
    has_next: bool
    total: int | None = None

    @classmethod
    def cut(cls, rows: Sequence[Any], page: int, per_page: int) -> Page:
        """The page from ``rows`` fetched through :func:`page_window` (one row too many, if
        another page follows)."""
        return cls(list(rows[:per_page]), page, len(rows) > per_page)

    def with_items(self, items: Sequence[Any]) -> Page:
        """The same page holding ``items`` (its rows made into what the caller shows)."""
        return Page(list(items), self.page, self.has_next, self.total)


def page_window(statement: Select, page: int, per_page: int) -> Select:
    """``statement`` narrowed to page ``page`` and one row more, which tells whether a next
    page follows without counting. For a statement that pages a subquery; otherwise use
    :func:`paginate`."""
    return statement.offset((page - 1) * per_page).limit(per_page + 1)


def paginate(statement: Select, page: int, per_page: int, *, total: int | None = None) -> Page:
    """Page ``page`` of ``statement`` (which sets the order), in one statement.

    Without ``total``, a page past the end is empty (``has_next`` False). With ``total`` (the
    caller's count of the same rows), the page is brought within the list by :func:`clamp`,
    and nothing is fetched when the list is empty. A statement selecting one entity or column
    gives those as items; one selecting several gives rows.
    """
    if total is None:
        page = max(page, 1)
        return Page.cut(_fetch(page_window(statement, page, per_page)), page, per_page)
    page = clamp(page, total, per_page)
    if not total:
        return Page([], page, False, total)
    items = _fetch(statement.offset((page - 1) * per_page).limit(per_page))
    return Page(items, page, page * per_page < total, total)


def _fetch(statement: Select) -> list[Any]:
    if len(statement.column_descriptions) == 1:
        return list(db.session.scalars(statement))
    return list(db.session.execute(statement).all())


class DatabaseIntConverter(IntegerConverter):
    """``<int:...>`` in every route, limited to what the databases store: a longer number
    matches no route (404) instead of failing in the query (500)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(map, *args, **kwargs)


def init_app(app) -> None:
    """Before any blueprint: a route takes its converters when it is added."""
    app.url_map.converters["int"] = DatabaseIntConverter


@dataclass(frozen=True)
class QueueSummary:
    count: int
    oldest: datetime | None


def queue_summary(waiting_since, *waiting) -> QueueSummary:
    """How many rows meet the ``waiting`` conditions, and the earliest ``waiting_since`` (a
    UTC datetime column) among them, in one statement."""
    from portal.extensions import db
    from portal.sqltypes import as_utc

    count, oldest = db.session.execute(
        select(func.count(), func.min(waiting_since)).where(*waiting)
    ).one()
    return QueueSummary(count, as_utc(oldest))
