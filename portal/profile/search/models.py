"""The search terms of each seller: an index of their own, rebuilt when the words change."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db
from portal.profile.search.terms import MAX_TERM

# Compared byte by byte on PostgreSQL too ("C"), as SQLite's default collation (BINARY)
# does: then the range term >= 'tan' AND term < 'tao' holds exactly the terms that start
# with "tan", and the B-tree in that order reads just them. A linguistic collation orders
# words ignoring spaces and punctuation at first, so a prefix would not be one range.
TERM_TYPE = String(MAX_TERM).with_variant(String(MAX_TERM, collation="C"), "postgresql")


class SearchTerm(db.Model):
    """One normalised term a seller can be found by (see :mod:`portal.profile.search.terms`)."""

    __tablename__ = "seller_search_terms"
    __table_args__ = (
        # The search reads only this index: the range on term, and the seller beside it.
        Index("ix_seller_search_terms_term", "term", "seller_id"),
    )

    seller_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    term: Mapped[str] = mapped_column(TERM_TYPE, primary_key=True)

    def __repr__(self) -> str:
        return f"<SearchTerm {self.seller_id} {self.term!r}>"
