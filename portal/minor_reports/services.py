"""Filing a report about a minor. Nothing here looks the named seller up: the answer to the
reporter is the same whether the shop or email exists or not; staff match it later."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.documents import services as documents
from portal.extensions import db
from portal.minor_reports.models import MinorReport
from portal.outbox.services import queue_email
from portal.security import secret_digest, within_limit

# No 0/O or 1/I, so a reference read out on the phone is not misheard.
_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


@dataclass(frozen=True)
class Report:
    reporter_name: str
    reporter_email: str
    relationship: str
    seller_hint: str
    description: str


class AlreadyFiled(Exception):
    """The form shown once has already filed a report: a replay, answered like a robot."""


def new_form_nonce() -> str:
    """A random value for one showing of the form; it may file one report."""
    return secrets.token_urlsafe(16)


def new_reference() -> str:
    return "MR-" + "".join(secrets.choice(_ALPHABET) for _ in range(8))


def file_report(
    data: Report, locale: str | None = None, attachment=None, *, form_nonce: str | None = None
) -> MinorReport:
    """Keep the report (and a clean copy of its supporting file, if any) and acknowledge
    it to the reporter by email. Flushes only. Raises :class:`documents.Refused` for a
    file the portal does not accept, and :class:`AlreadyFiled` when the showing of the form
    (``form_nonce``, given by the public form) already filed one; then nothing is kept."""
    nonce_hash = secret_digest(form_nonce) if form_nonce is not None else None
    filed = select(MinorReport.id).where(MinorReport.form_nonce_hash == nonce_hash)
    if nonce_hash is not None and db.session.scalar(filed) is not None:
        raise AlreadyFiled()
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
        form_nonce_hash=nonce_hash,
    )
    try:
        with db.session.begin_nested():
            db.session.add(report)
    except IntegrityError as exc:  # the same form sent twice at the same moment
        raise AlreadyFiled() from exc
    # The receipt goes to whatever address was typed: capped per address, so the form cannot
    # fill a stranger's mailbox from many IPs. The report itself is always kept.
    receipt_address = data.reporter_email.strip().lower()
    if not within_limit(
        "RATELIMIT_MINOR_REPORT_RECEIPTS_PER_EMAIL", "report-receipt", receipt_address
    ):
        return report
    queue_email(
        to=data.reporter_email,
        kind="minor_report_received",
        subject=_l("We received your report (%(reference)s)", reference=report.reference),
        locale=locale,
        report=report,
    )
    return report
