"""The public minor-report form: anyone can file one, robots are turned away quietly, and
the answer never says whether the named seller exists."""

from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.minor_reports.models import MinorReport
from tests.support import body_text, without_tokens


@pytest.fixture
def patient(app):
    """No minimum fill time, for the tests that are not about it."""
    app.config["MINOR_REPORT_MIN_SECONDS"] = 0


def _form(client) -> dict:
    page = client.get("/report-minor").get_data(as_text=True)
    started = re.search(r'name="started" type="hidden" value="([^"]+)"', page).group(1)
    return {
        "reporter_name": "Siti Rahman",
        "reporter_email": "siti@example.com",
        "relationship": "parent",
        "seller_hint": "Kedai Comel",
        "description": "My daughter is 15 and opened this shop.",
        "website": "",
        "started": started,
    }


def _reports(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(MinorReport))


def _reference(page: str) -> str:
    return re.search(r"MR-[2-9A-Z]{8}", page).group(0)


def test_anyone_can_file_a_report_and_gets_a_reference_by_email(app, client, mailbox):
    app.config["MINOR_REPORT_MIN_SECONDS"] = 1
    form = _form(client)
    time.sleep(1.1)  # a person takes longer than the minimum to fill it in
    response = client.post("/report-minor", data=form)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    reference = _reference(page)
    with app.app_context():
        report = db.session.scalar(select(MinorReport))
        assert (report.reference, report.reporter_email, report.status) == (
            reference,
            "siti@example.com",
            "open",
        )
    message = mailbox.last("siti@example.com")
    assert reference in message["Subject"] and reference in body_text(message)


def test_the_answer_is_the_same_for_a_real_seller_and_an_unknown_one(app, client, seller, patient):
    def answer(hint):
        form = _form(client)
        form["seller_hint"] = hint
        page = without_tokens(client.post("/report-minor", data=form))
        return re.sub(r"MR-[2-9A-Z]{8}", "REF", page)

    assert answer(seller["email"]) == answer("nobody-here@example.com")
    assert _reports(app) == 2


def test_a_filled_honeypot_is_refused_quietly(app, client, mailbox, patient):
    form = _form(client)
    form["website"] = "http://spam.example"
    response = client.post("/report-minor", data=form)
    assert (
        response.status_code == 200
        and "Thank you. We received your report." in response.get_data(as_text=True)
    )
    assert _reports(app) == 0 and mailbox.messages() == []


def test_a_report_sent_too_fast_is_refused_quietly(app, client, mailbox):
    response = client.post("/report-minor", data=_form(client))  # no time has passed
    assert "Thank you. We received your report." in response.get_data(as_text=True)
    assert _reports(app) == 0 and mailbox.messages() == []


def test_a_forged_or_missing_start_time_is_refused_quietly(app, client, patient):
    form = _form(client)
    form["started"] = "forged"
    client.post("/report-minor", data=form)
    assert _reports(app) == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("reporter_email", "", "Enter your email, so we can follow up."),
        ("reporter_email", "not-an-email", "email"),
        ("seller_hint", "", "This field is required."),
        ("description", "   ", "This field is required."),
        ("relationship", "sibling", "Not a valid choice"),
    ],
)
def test_missing_or_wrong_answers_are_explained_and_kept(
    app, client, patient, field, value, message
):
    form = _form(client)
    form[field] = value
    response = client.post("/report-minor", data=form)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert "My daughter is 15" in page or field == "description"
    assert _reports(app) == 0


def test_the_rate_limit_answers_429(make_app):
    app = make_app(RATELIMIT_MINOR_REPORT_PER_IP="2 per hour", MINOR_REPORT_MIN_SECONDS=0)
    client = app.test_client()
    for _ in range(2):
        assert client.post("/report-minor", data=_form(client)).status_code == 200
    assert client.post("/report-minor", data=_form(client)).status_code == 429


def test_the_footer_links_the_form_on_every_page(client):
    for url in ("/", "/privacy", "/auth/login"):
        assert 'href="/report-minor"' in client.get(url).get_data(as_text=True)


def _with_file(client, content: bytes, name: str) -> dict:
    import io

    form = _form(client)
    form["attachment"] = (io.BytesIO(content), name)
    return form


def test_a_supporting_photo_is_kept_as_a_clean_copy_that_reviewers_see(
    app, client, auth, patient, stored
):
    from PIL import Image

    from tests.documents import samples
    from tests.support import PASSWORD, make_staff

    response = client.post(
        "/report-minor", data=_with_file(client, samples.jpeg_with_gps(), "birth.jpg")
    )
    assert response.status_code == 200 and _reports(app) == 1
    assert len(stored()) == 1
    with app.app_context():
        make_staff("reviewer@example.com", "reviewer")
        report_id = db.session.scalar(select(MinorReport.id))
    auth.login("reviewer@example.com", PASSWORD)
    page = client.get(f"/admin/minor-reports/{report_id}").get_data(as_text=True)
    assert f"/admin/minor-reports/{report_id}/file" in page
    served = client.get(f"/admin/minor-reports/{report_id}/file")
    assert served.status_code == 200 and served.headers["Cache-Control"] == "no-store"
    import io

    assert not Image.open(io.BytesIO(served.data)).getexif()
    assert samples.CAMERA_SERIAL.encode() not in served.data
    check = app.test_cli_runner().invoke(args=["documents", "check"])
    assert check.exit_code == 0, check.output  # the report's file is not an orphan
    auth.logout()
    assert client.get(f"/admin/minor-reports/{report_id}/file").status_code == 404


def test_a_refused_supporting_file_keeps_nothing_and_says_why(
    app, client, patient, stored, mailbox
):
    from tests.documents import samples

    response = client.post("/report-minor", data=_with_file(client, samples.HTML, "birth.jpg"))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "not one we accept" in page and "My daughter is 15" in page
    assert _reports(app) == 0 and stored() == [] and mailbox.messages() == []
