"""Staff review of minor reports: the open queue, matching to accounts, asking the reporter,
freezing the account while it is checked, dismissing, and erasing the account at once,
which takes two people (:mod:`portal.account.age_check`). Staff act only on an account the
report matches, and only while the report is open."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal import pagination
from portal.account import age_check, under_age
from portal.audit.services import record as audit
from portal.auth.models import User
from portal.auth.states import AccountStatus
from portal.clock import utcnow
from portal.extensions import db
from portal.minor_reports.models import MinorReport, ReportStatus
from portal.outbox.services import queue_email
from portal.pagination import Page, QueueSummary, paginate
from portal.profile import services as profile
from portal.storage import delete_after_commit


class ReasonRequired(Exception):
    """Closing a report needs a reason, for the record."""


class AlreadyClosed(Exception):
    """The report was closed meanwhile."""


@dataclass(frozen=True)
class Waiting:
    report: MinorReport
    age: timedelta


def open_reports(page: int = 1, per_page: int = 50) -> Page:
    """A page of open reports, oldest first (past the end: the last page), with how long
    each has waited, and how many are open in all."""
    is_open = MinorReport.status == ReportStatus.OPEN
    total = db.session.scalar(select(func.count()).select_from(MinorReport).where(is_open))
    found = paginate(
        select(MinorReport).where(is_open).order_by(MinorReport.created_at, MinorReport.id),
        page,
        per_page,
        total=total,
    )
    now = utcnow()
    return found.with_items(Waiting(report, now - report.created_at) for report in found.items)


def queue_summary() -> QueueSummary:
    """How many reports are open, and since when the longest-waiting one."""
    return pagination.queue_summary(MinorReport.created_at, MinorReport.status == ReportStatus.OPEN)


def _matching(report: MinorReport):
    return profile.sellers_named(report.seller_hint)


def matches(report: MinorReport, limit: int = 20) -> list[tuple[User, object | None]]:
    """Seller accounts the report may mean, by account id."""
    query = _matching(report)
    if query is None:
        return []
    rows = db.session.execute(query.order_by(User.id).limit(limit)).all()
    return [(user, profile) for user, profile in rows]


def matched_seller(report: MinorReport, user_id: int) -> User:
    """The seller ``user_id`` if the report matches them (as :func:`matches` finds, however
    many match); staff act on no other account from a report. Raises LookupError."""
    query = _matching(report)
    seller = None if query is None else db.session.scalars(query.where(User.id == user_id)).first()
    if seller is None:
        raise LookupError(user_id)
    return seller


def ask_reporter(report_id: int, question: str, staff: User) -> None:
    """Email the reporter a question from staff, through the outbox. Flushes only.
    Raises :class:`AlreadyClosed`: a closed report is not followed up."""
    report = _open_report(report_id)
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
    """Close the report without action: the account stays, an erasure proposed from this
    report is withdrawn, and the freeze this report caused ends unless another open report
    or proposal still holds the account. The reporter is told the outcome, never the reason
    (it may name other people). Flushes only."""
    if not reason.strip():
        raise ReasonRequired()
    report = _open_report(report_id)
    audit(staff, "minor_report.dismiss", "minor_report", report.id)
    seller = db.session.get(User, report.matched_user_id) if report.matched_user_id else None
    report.status = ReportStatus.DISMISSED
    report.closing_reason = reason.strip()
    report.closed_by = staff.id
    report.closed_at = utcnow()
    db.session.flush()
    if seller is not None:
        _release(seller, report, staff)
    if report.reporter_email:
        queue_email(
            to=report.reporter_email,
            kind="minor_report_closed",
            subject=_l("Your report %(reference)s is closed", reference=report.reference),
            report=report,
        )
    return report


def _release(seller: User, report: MinorReport, staff: User) -> None:
    """The report is closed: its proposal goes, and its freeze too if nothing else holds it."""
    proposal = age_check.pending(seller.id)
    if proposal is not None and proposal.report_id == report.id:
        age_check.withdraw(seller.id, staff, f"report {report.reference} dismissed")
        proposal = None
    other_open = db.session.scalar(
        select(func.count())
        .select_from(MinorReport)
        .where(
            MinorReport.matched_user_id == seller.id,
            MinorReport.status == ReportStatus.OPEN,
            MinorReport.id != report.id,
        )
    )
    if seller.status == AccountStatus.FROZEN and proposal is None and not other_open:
        # The check cleared them: the pause ends.
        age_check.lift(seller, staff, f"report {report.reference} dismissed")


def _open_report(report_id: int) -> MinorReport:
    report = db.session.get(MinorReport, report_id)
    if report is None or report.status != ReportStatus.OPEN:
        raise AlreadyClosed()
    return report


def freeze(report_id: int, user_id: int, staff: User) -> User:
    """Freeze a seller the open report matches while it is checked (hidden from buyers,
    nothing shared with third parties) and ask them for proof of age. Flushes only.

    Raises :class:`AlreadyClosed`, LookupError (the report does not match this seller) or
    :class:`portal.auth.states.TransitionRefused` (closed, awaiting verification)."""
    report = _open_report(report_id)
    seller = matched_seller(report, user_id)
    age_check.freeze(seller, staff, f"report {report.reference}")
    report.matched_user_id = seller.id
    db.session.flush()
    return seller


def propose_erasure(report_id: int, user_id: int, staff: User) -> User:
    """Propose erasing a seller the open report matches; they are frozen from now on and an
    admin who is someone else confirms (:mod:`portal.account.age_check`). Raises as
    :func:`freeze`, and :class:`portal.account.age_check.AlreadyProposed`."""
    report = _open_report(report_id)
    seller = matched_seller(report, user_id)
    under_age.propose(seller, staff, under_age.from_report(report.id, report.reference))
    report.matched_user_id = seller.id
    db.session.flush()
    return seller


def confirm(report_id: int, user_id: int, staff: User) -> MinorReport:
    """The seller is a minor, as proposed from this report by someone else: erase their
    account now, not after the retention period, close the report, and tell the reporter.
    Flushes only; the files go after the commit.

    Raises :class:`AlreadyClosed`, :class:`portal.account.age_check.NoProposal` (nothing
    proposed for this seller from this report, which matched them when it was proposed) or
    ``OwnProposal``."""
    report = _open_report(report_id)
    under_age.confirm(user_id, staff, under_age.from_report(report.id, report.reference))
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


# --- looking a report up ----------------------------------------------------------------------


def get_report(report_id: int) -> MinorReport | None:
    """The report, open or closed."""
    return db.session.get(MinorReport, report_id)


def get_open_report(report_id: int) -> MinorReport | None:
    """The report while it is open; None once closed: staff act on open reports only."""
    report = get_report(report_id)
    return report if report is not None and report.status == ReportStatus.OPEN else None
