"""What the attacks share: a report filed through the public form, as anyone can."""

from __future__ import annotations

import re

from sqlalchemy import select

from portal.extensions import db
from portal.reports.models import MinorReport


def file_report(app, naming: str, *, reporter: str = "someone@example.net") -> int:
    """File a report about ``naming`` at /report-minor, anonymously; returns its id.

    The form's minimum fill time must be off (``MINOR_REPORT_MIN_SECONDS = 0``): the
    attacker is a script."""
    anonymous = app.test_client()
    page = anonymous.get("/report-minor").get_data(as_text=True)
    started = re.search(r'name="started" type="hidden" value="([^"]+)"', page).group(1)
    answer = anonymous.post(
        "/report-minor",
        data={
            "reporter_email": reporter,
            "relationship": "other",
            "seller_hint": naming,
            "description": "This shop is run by a child.",
            "website": "",
            "started": started,
        },
    )
    reference = re.search(r"MR-[2-9A-Z]{8}", answer.get_data(as_text=True)).group(0)
    with app.app_context():
        return db.session.scalar(select(MinorReport.id).where(MinorReport.reference == reference))
