"""``flask retention run``: apply every rule of the schedule, safely interruptible.

Accounts are erased a batch at a time, one transaction per batch: a run killed at any
moment leaves each account either whole or gone, never half-erased, and the next run picks
up where it stopped. Stored files are deleted after each commit; their keys are kept in
``pending_file_deletions`` in the same transaction, so files a crash left behind go on the
next run. Erasure requests to third parties are queued with the erasure and sent after it.

The job reads the rules (``rules.py``) and owns how they run: the batches, the commits, the
reminders (through the account's termination service) and the erasure's follow-up.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from portal import erasure
from portal.account import termination
from portal.audit import services as audit
from portal.auth import states
from portal.auth.models import User
from portal.clock import utcnow
from portal.extensions import db
from portal.retention.rules import RULES, Rule, Run
from portal.sharing import services as sharing

log = logging.getLogger(__name__)


@dataclass
class Summary:
    counts: dict[str, int] = field(default_factory=dict)
    reminders: int = 0
    files: int = 0
    erasure_requests: int = 0
    corrections: int = 0


def run(run: Run) -> Summary:
    summary = Summary()
    summary.reminders = send_reminders(run)
    for rule in RULES:
        summary.counts[rule.key.value] = apply(rule, run)
    if not run.dry_run:
        summary.files = erasure.delete_pending_files()
        summary.erasure_requests = erasure.send_erasure_requests()
        # Corrections a partner did not accept yet (PDPA s.35), tried again once a day.
        summary.corrections = sharing.send_pending_corrections()
        record_run(summary)
    return summary


RUN_ACTION = "retention.run"


def record_run(summary: Summary) -> None:
    """Keep that the run finished, and what each rule deleted, in the audit trail (the
    system as actor): in the database, so every web host's ``/metrics`` reads the same last
    run whichever host's cron ran it, and a restart loses nothing. Commits."""
    audit.record(None, RUN_ACTION, "retention", None, json.dumps(summary.counts, sort_keys=True))
    db.session.commit()


@dataclass(frozen=True)
class LastRun:
    finished_at: datetime
    counts: dict[str, int]  # what each rule deleted, by its key


def last_run() -> LastRun | None:
    """The last run that finished (dry runs are not recorded), or None before the first."""
    event = audit.latest(RUN_ACTION)
    if event is None:
        return None
    try:
        counts = {str(k): int(v) for k, v in json.loads(event.detail or "{}").items()}
    except (ValueError, AttributeError):
        counts = {}
    return LastRun(event.at, counts)


def apply(rule: Rule, run: Run) -> int:
    """How many items the rule deleted (or would delete, in a dry run)."""
    if rule.due_accounts is not None:
        return erase_in_batches(run, rule.due_accounts(run), rule.erased_as)
    return rule.apply(run)


def erase_in_batches(run: Run, ids_query, reason: str) -> int:
    """Erase every account ``ids_query`` selects, ``run.batch_size`` per transaction."""
    if run.dry_run:
        return len(db.session.scalars(ids_query).all())
    done = 0
    while True:
        batch = db.session.scalars(ids_query.order_by(User.id).limit(run.batch_size)).all()
        if not batch:
            return done
        erasure.erase_accounts(list(batch), reason=reason)
        db.session.commit()
        done += len(batch)
        log.info("retention: erased %d accounts (%s), %d so far", len(batch), reason, done)


def send_reminders(run: Run) -> int:
    """Email each seller whose account is closed once, a week before their deletion date."""
    due = (
        select(User)
        .where(
            User.status.in_(sorted(states.CLOSED)),
            User.deletion_reminded_at.is_(None),
            User.deletion_due_at <= run.now + termination.REMINDER_BEFORE,
            User.deletion_due_at > run.now,
        )
        .order_by(User.id)
        .limit(run.batch_size)
    )
    if run.dry_run:
        return len(db.session.scalars(due).all())
    sent = 0
    while batch := db.session.scalars(due).all():
        for user in batch:
            termination.send_reminder(user)
        db.session.commit()
        sent += len(batch)
    return sent


def now_run(*, dry_run: bool = False, batch_size: int = 500) -> Run:
    return Run(now=utcnow(), dry_run=dry_run, batch_size=batch_size)
