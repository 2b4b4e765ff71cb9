"""Staff review of minor reports: the open queue, matching to accounts, asking the reporter,
freezing the account while it is checked, dismissing, and confirming, which erases the
account at once through the one erasure routine (:mod:`portal.erasure`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from portal.audit.services import record as audit
from portal.auth.models import AccountStatus, Role, User
from portal.erasure import erase_account
from portal.extensions import db
from portal.outbox.services import queue_email
from portal.pagination import clamp
from portal.profile.models import SellerProfile
from portal.reports.models import MinorReport, ReportStatus
from portal.sqltypes import utcnow
from portal.storage import delete_after_commit


class ReasonRequired(Exception):
    """Closing a report needs a reason, for the record."""


class AlreadyClosed(Exception):
    """The report was closed meanwhile."""


@dataclass(frozen=True)
class Waiting:
    report: MinorReport
    age: timedelta


def open_reports(page: int = 1, per_page: int = 50) -> tuple[list[Waiting], int]:
    """Open reports, oldest first, with how long each has waited."""
    is_open = MinorReport.status == ReportStatus.OPEN
    total = db.session.scalar(select(func.count()).select_from(MinorReport).where(is_open))
    page = clamp(page, total, per_page)  # past the end: the last page
    rows = db.session.scalars(
        select(MinorReport)
        .where(is_open)
        .order_by(MinorReport.created_at, MinorReport.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    now = utcnow()
    return [Waiting(report, now - report.created_at) for report in rows], total


def matches(report: MinorReport, limit: int = 20) -> list[tuple[User, SellerProfile | None]]:
    """Seller accounts the report may mean: the email given, or a shop name containing
    the words given (case ignored)."""
    hint = report.seller_hint.strip().lower()
    if not hint:
        return []
    escaped = hint.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    rows = db.session.execute(
        select(User, SellerProfile)
        .outerjoin(SellerProfile, SellerProfile.user_id == User.id)
        .where(
            User.role == Role.SELLER,
            or_(
                func.lower(User.email) == hint,
                func.lower(SellerProfile.display_name).like(f"%{escaped}%", escape="\\"),
            ),
        )
        .order_by(User.id)
        .limit(limit)
    ).all()
    return [(user, profile) for user, profile in rows]


def ask_reporter(report: MinorReport, question: str, staff: User) -> None:
    """Email the reporter a question from staff, through the outbox. Flushes only."""
    if not report.reporter_email:
        return
    audit(staff, "minor_report.question", "minor_report", report.id)
    queue_email(
        to=report.reporter_email,
        kind="minor_report_question",
        subject=_l("About your report %(reference)s: a question", reference=report.reference),
        report=report,
        question=question.strip(),
    )


def dismiss(report_id: int, staff: User, reason: str) -> MinorReport:
    """Close the report without action: the account stays (and a freeze for this report
    ends). The reporter is told the outcome, never the reason (it may name other people).
    Flushes only."""
    if not reason.strip():
        raise ReasonRequired()
    report = _open_report(report_id)
    audit(staff, "minor_report.dismiss", "minor_report", report.id)
    frozen = db.session.get(User, report.matched_user_id) if report.matched_user_id else None
    if frozen is not None and frozen.status == AccountStatus.FROZEN:
        frozen.status = AccountStatus.ACTIVE  # the check cleared them: the pause ends
    report.status = ReportStatus.DISMISSED
    report.closing_reason = reason.strip()
    report.closed_by = staff.id
    report.closed_at = utcnow()
    db.session.flush()
    if report.reporter_email:
        queue_email(
            to=report.reporter_email,
            kind="minor_report_closed",
            subject=_l("Your report %(reference)s is closed", reference=report.reference),
            report=report,
        )
    return report


def _open_report(report_id: int) -> MinorReport:
    report = db.session.get(MinorReport, report_id)
    if report is None or report.status != ReportStatus.OPEN:
        raise AlreadyClosed()
    return report


def _reported_seller(user_id: int) -> User:
    seller = db.session.get(User, user_id)
    if seller is None or not seller.is_seller:
        raise LookupError(user_id)
    return seller


def freeze(report_id: int, user_id: int, staff: User) -> User:
    """Freeze the matched seller while the report is checked (hidden from buyers, nothing
    shared with third parties) and ask them for proof of age. Flushes only."""
    report = _open_report(report_id)
    seller = _reported_seller(user_id)
    report.matched_user_id = seller.id
    audit(staff, "minor_report.freeze", "account", seller.id, f"report {report.reference}")
    if seller.status != AccountStatus.FROZEN:
        seller.status = AccountStatus.FROZEN
        queue_email(
            to=seller.email,
            kind="account_frozen_age",
            subject=_l("Please confirm your age: your shop is paused"),
            user=seller,
        )
    db.session.flush()
    return seller


def confirm(report_id: int, user_id: int, staff: User) -> MinorReport:
    """The seller is a minor: erase their account now, not after the retention period,
    close the report, and tell the reporter. Flushes only; the files go after the commit."""
    report = _open_report(report_id)
    _reported_seller(user_id)
    audit(staff, "minor_report.confirm", "account", user_id, f"report {report.reference}")
    erase_account(user_id, reason="minor_report", reference=report.reference)
    report = db.session.get(MinorReport, report_id)  # the erasure cleared the session
    report.status = ReportStatus.CONFIRMED
    report.matched_user_id = None  # the account is gone; the erasure record keeps its id
    report.closed_by = staff.id
    report.closed_at = utcnow()
    report.closing_reason = "confirmed: the account was erased"
    db.session.flush()
    if report.reporter_email:
        queue_email(
            to=report.reporter_email,
            kind="minor_report_confirmed",
            subject=_l(
                "Your report %(reference)s: the data was deleted", reference=report.reference
            ),
            report=report,
        )
    return report


def purge_reporter_data(older_than: datetime, *, dry_run: bool = False) -> int:
    """Closed reports lose the reporter's name, email, account of what happened and file
    once closed before ``older_than`` (six months ago); the rest stays as the record.
    Returns how many reports were cleared. Flushes only; files go after the commit."""
    closed = select(MinorReport).where(
        MinorReport.status != ReportStatus.OPEN,
        MinorReport.closed_at < older_than,
        (MinorReport.reporter_email.is_not(None)) | (MinorReport.file_key.is_not(None)),
    )
    reports = db.session.scalars(closed).all()
    if dry_run:
        return len(reports)
    for report in reports:
        if report.file_key:
            delete_after_commit(report.file_key)
        report.reporter_name = report.reporter_email = None
        report.file_key = report.file_content_type = report.file_size = None
        report.description = ""
        report.seller_hint = ""
    db.session.flush()
    return len(reports)
