"""Storing each requirement's state between runs, and the emails its changes call for.

A seller is emailed when something becomes currently due, 7 days before a deadline, and
when the account becomes restricted: exactly once per change, however often the run
repeats, because each stored row says what was last emailed about it (``notified``) in the
same transaction as the email itself. One run sends a seller at most one email, the most
important (restricted, then newly due, then the reminder), listing everything still to do.
"""

from __future__ import annotations

import functools
from datetime import date, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select

from portal.auth.models import User
from portal.extensions import db
from portal.links import public_url
from portal.outbox.services import queue_email
from portal.verification import rules, wording
from portal.verification.models import TrackedRequirement
from portal.verification.sources import gather
from portal.verification.states import Code, Requirement, State, Status, Summary

REMIND_BEFORE = timedelta(days=7)
DUE, REMINDER, RESTRICTED = "due", "reminder", "restricted"

EMAILS = {
    RESTRICTED: ("verification_restricted", _l("Your Koopseri seller account is restricted")),
    DUE: ("verification_due", _l("Koopseri needs something from you")),
    REMINDER: ("verification_reminder", _l("7 days left to complete your Koopseri details")),
}


def rows_of(user_id: int) -> dict[Code, TrackedRequirement]:
    rows = db.session.scalars(
        select(TrackedRequirement).where(TrackedRequirement.user_id == user_id)
    )
    return {Code(row.code): row for row in rows}


def tracked(rows: dict[Code, TrackedRequirement]) -> dict[Code, rules.Tracked]:
    return {code: rules.Tracked(State(row.state), row.deadline) for code, row in rows.items()}


@functools.cache
def _tracked_statement():
    # Built once per process; each call binds only the seller's id.
    return select(
        TrackedRequirement.code, TrackedRequirement.state, TrackedRequirement.deadline
    ).where(TrackedRequirement.user_id == bindparam("user_id"))


def tracked_of(user_id: int) -> dict[Code, rules.Tracked]:
    """What :func:`tracked` gives of :func:`rows_of`, read as three columns with no row built:
    for the read-only summary every dashboard shows."""
    found = db.session.execute(_tracked_statement(), {"user_id": user_id})
    return {Code(code): rules.Tracked(State(state), deadline) for code, state, deadline in found}


def _stored_deadline(requirement: Requirement, row: TrackedRequirement) -> date | None:
    if requirement.state in (State.CURRENTLY_DUE, State.PAST_DUE):
        return requirement.deadline
    if requirement.state == State.PENDING_VERIFICATION:
        return row.deadline  # kept while staff check: see rules.kept_deadline
    return None


def _notice_for(requirement: Requirement, row: TrackedRequirement, today: date) -> str | None:
    """What this run must tell the seller about one requirement, and notes it on the row."""
    if requirement.state == State.PAST_DUE:
        if row.notified != RESTRICTED:
            row.notified = RESTRICTED
            return RESTRICTED
        return None
    if requirement.state != State.CURRENTLY_DUE:
        row.notified = None  # the next time it falls due is a new change to tell
        return None
    near = requirement.deadline is not None and requirement.deadline - today <= REMIND_BEFORE
    if row.notified is None:
        row.notified = REMINDER if near else DUE  # the first email already gives the date
        return DUE
    if row.notified == DUE and near:
        row.notified = REMINDER
        return REMINDER
    return None


def refresh(user: User, today: date) -> Summary:
    """See :func:`portal.verification.services.refresh`."""
    rows = rows_of(user.id)
    was_restricted = any(row.state == State.PAST_DUE for row in rows.values())
    result = rules.evaluate(
        gather(user.id),
        tracked(rows),
        today,
        deadline_days=current_app.config["VERIFICATION_DEADLINE_DAYS"],
    )
    notices = set()
    for requirement in result.requirements:
        row = rows.pop(requirement.code, None)
        if row is None:
            row = TrackedRequirement(user_id=user.id, code=requirement.code, notified=None)
            db.session.add(row)
        if row.state != requirement.state:
            if requirement.state == State.CURRENTLY_DUE:
                row.notified = None  # newly due (again): its own email
            row.state, row.since = requirement.state, today
        row.deadline = _stored_deadline(requirement, row)
        notices.add(_notice_for(requirement, row, today))
    for gone in rows.values():  # no longer applies (the seller sells as an individual now)
        db.session.delete(gone)
    if result.status == Status.RESTRICTED and not was_restricted:
        _email(user, RESTRICTED, result)
    elif DUE in notices:
        _email(user, DUE, result)
    elif REMINDER in notices:
        _email(user, REMINDER, result)
    db.session.flush()
    return result


def email_context(result: Summary) -> dict:
    """What the three verification emails are written with: the summary, what is still to
    do, the words for it and the link to the dashboard."""
    return {
        "summary": result,
        "to_do": [
            r for r in result.requirements if r.state in (State.PAST_DUE, State.CURRENTLY_DUE)
        ],
        "labels": wording.LABELS,
        "reason_of": wording.reason_of,
        "restricted_because": wording.RESTRICTED_BECAUSE,
        "dashboard_url": public_url("main.dashboard"),
    }


def _email(user: User, notice: str, result: Summary) -> None:
    kind, subject = EMAILS[notice]
    queue_email(to=user.email, kind=kind, subject=subject, user=user, **email_context(result))
