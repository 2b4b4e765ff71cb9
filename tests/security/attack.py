"""What the attacks share: the public report form as anyone fills it, and a multipart
upload as a browser (or a script) sends it."""

from __future__ import annotations

import io
import re

from sqlalchemy import select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import stream_encode_multipart

from portal.extensions import db
from portal.minor_reports.models import MinorReport


def report_form(client, **fields) -> dict:
    """The minor-report form as shown to ``client``, filled in: its "started" token taken
    from the page, the other fields a plausible report unless given."""
    page = client.get("/report-minor").get_data(as_text=True)
    started = re.search(r'name="started" type="hidden" value="([^"]+)"', page).group(1)
    return {
        "reporter_email": "someone@example.net",
        "relationship": "other",
        "seller_hint": "Kedai Comel",
        "description": "This shop is run by a child.",
        "website": "",
        "started": started,
        **fields,
    }


def file_report(app, naming: str, *, reporter: str = "someone@example.net") -> int:
    """File a report about ``naming`` at /report-minor, anonymously; returns its id.

    The form's minimum fill time must be off (``MINOR_REPORT_MIN_SECONDS = 0``): the
    attacker is a script."""
    anonymous = app.test_client()
    form = report_form(anonymous, seller_hint=naming, reporter_email=reporter)
    answer = anonymous.post("/report-minor", data=form)
    reference = re.search(r"MR-[2-9A-Z]{8}", answer.get_data(as_text=True)).group(0)
    with app.app_context():
        return db.session.scalar(select(MinorReport.id).where(MinorReport.reference == reference))


def upload(client, url: str, field: str, *files: tuple[bytes, str], **extra):
    """POST ``files`` (content, file name) under ``field`` and ``extra`` form fields to
    ``url`` as one multipart body, the way a browser sends a form with files."""
    fields = MultiDict([(field, FileStorage(io.BytesIO(c), name)) for c, name in files])
    for name, value in extra.items():
        fields.add(name, value)
    body, length, boundary = stream_encode_multipart(fields, use_tempfile=False)
    return client.post(
        url,
        input_stream=body,
        content_length=length,
        content_type=f'multipart/form-data; boundary="{boundary}"',
    )
