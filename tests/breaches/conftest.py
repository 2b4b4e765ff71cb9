"""Fixtures of the breach register's tests: staff of every role, sellers made in bulk."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import insert, select

from portal.auth.models import User
from portal.breaches import services as breaches
from portal.extensions import db
from tests.support import make_staff

DISCOVERED = datetime(2026, 12, 1, 6, 30, tzinfo=UTC)  # 1 Dec 2026, 2:30 pm in Malaysia


@pytest.fixture
def staff(app):
    """One member of staff per role; their ids by role."""
    with app.app_context():
        return {
            role: make_staff(f"{role}@staff.example", role).id
            for role in ("admin", "reviewer", "support", "dpo")
        }


def bulk_sellers(count: int, *, start: int = 1, locale: str = "en") -> list[int]:
    """``count`` active sellers straight into the table (no password work); their ids."""
    rows = [
        {
            "email": f"bulk{n}@example.com",
            "password_hash": "x",
            "role": "seller",
            "status": "active",
            "full_name": f"Seller {n}",
            "locale": "ms" if n % 10 == 0 else locale,
        }
        for n in range(start, start + count)
    ]
    db.session.execute(insert(User), rows)
    db.session.commit()
    emails = [row["email"] for row in rows]
    found = []
    for at in range(0, len(emails), 500):
        found += db.session.scalars(select(User.id).where(User.email.in_(emails[at : at + 500])))
    return sorted(found)


def a_breach(staff_id: int, *, discovered_at=DISCOVERED, now=None, **harm):
    member = db.session.get(User, staff_id)
    breach = breaches.record_breach(
        member,
        discovered_at=discovered_at,
        description="A courier's pickup list was exposed on a public link.",
        categories=["name", "address", "phone"],
        systems="Pickup exports",
        containment="Link revoked; courier asked to delete copies.",
        harm=harm or {"over_1000": True},
        now=now or discovered_at,
    )
    db.session.commit()
    return breach
