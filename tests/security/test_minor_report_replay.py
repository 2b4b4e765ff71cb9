"""Finding 10: the minor-report form's "started" token could be reused for 24 hours, so a
robot that fetched the form once could post report after report with it, each passing the
minimum-time check. A token now files at most one report; a replay gets the same thank-you
page as a robot (nothing is stored or mailed), so the robot learns nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.minor_reports.models import MinorReport
from tests.security.attack import report_form


@pytest.fixture
def patient(app):
    app.config["MINOR_REPORT_MIN_SECONDS"] = 0


def _reports(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(MinorReport))


def test_one_form_token_files_one_report(app, client, mailbox, patient):
    form = report_form(client, reporter_email="siti@example.com")
    first = client.post("/report-minor", data=form)
    replayed = [client.post("/report-minor", data=form) for _ in range(3)]

    assert first.status_code == 200 and _reports(app) == 1
    for answer in replayed:
        assert answer.status_code == 200
        assert "Thank you. We received your report." in answer.get_data(as_text=True)
    assert _reports(app) == 1
    assert len(mailbox.messages("siti@example.com")) == 1
