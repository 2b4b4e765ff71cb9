"""A factory for outbox rows: the notification centre reads what the outbox wrote."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from portal.extensions import db
from portal.outbox.models import OutboxMessage

START = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def add_messages(app):
    """Add ``count`` messages for a seller, a minute apart, the last one the newest; returns
    their ids. With several, subjects are numbered from 1: ``"Notice 1"``, ``"Notice 2"``…"""

    def add(
        user_id,
        count=1,
        *,
        subject="Notice",
        kind="review_reminder",
        body="Hello.",
        body_html="<p>Hello.</p>",
        recipient="seller@example.com",
        status="sent",
        read_at=None,
    ):
        rows = [
            OutboxMessage(
                user_id=user_id,
                recipient=recipient,
                kind=kind,
                subject=subject if count == 1 else f"{subject} {i + 1}",
                body_text=body,
                body_html=body_html,
                message_id=f"<{uuid.uuid4().hex}@test>",
                created_at=START + timedelta(minutes=i),
                status=status,
                read_at=read_at,
            )
            for i in range(count)
        ]
        with app.app_context():
            db.session.add_all(rows)
            db.session.commit()
            return [row.id for row in rows]

    return add
