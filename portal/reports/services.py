"""Filing a report about a minor. Nothing here looks the named seller up: the answer to the
reporter is the same whether the shop or email exists or not; staff match it later."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from portal.documents import services as documents
from portal.extensions import db
from portal.outbox.services import queue_email
from portal.reports.models import MinorReport

# No 0/O or 1/I, so a reference read out on the phone is not misheard.
_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


@dataclass(frozen=True)
class Report:
    reporter_name: str
    reporter_email: str
    relationship: str
    seller_hint: str
    description: str


def new_reference() -> str:
    return "MR-" + "".join(secrets.choice(_ALPHABET) for _ in range(8))


def file_report(data: Report, locale: str | None = None, attachment=None) -> MinorReport:
    """Keep the report (and a clean copy of its supporting file, if any) and acknowledge
    it to the reporter by email. Flushes only. Raises :class:`documents.Refused` for a
    file the portal does not accept; then nothing is kept."""
    copy = documents.store_clean_copy(attachment) if attachment is not None else None
    report = MinorReport(
        reference=new_reference(),
        reporter_name=data.reporter_name or None,
        reporter_email=data.reporter_email,
        relationship=data.relationship,
        seller_hint=data.seller_hint,
        description=data.description,
        file_key=copy.storage_key if copy else None,
        file_content_type=copy.content_type if copy else None,
        file_size=copy.size_bytes if copy else None,
    )
    db.session.add(report)
    db.session.flush()
    queue_email(
        to=data.reporter_email,
        kind="minor_report_received",
        subject=_l("We received your report (%(reference)s)", reference=report.reference),
        locale=locale,
        report=report,
    )
    return report
