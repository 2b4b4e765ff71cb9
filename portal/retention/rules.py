"""The retention schedule: one list of rules, run by ``flask retention run`` (``job.py``) and
printed on the public page /retention (``views.py``), so the two cannot disagree.

Each rule names what it covers, how long it is kept, and what is due: either a function
that deletes it, or the accounts due for erasure, which the job erases in batches. The data
map (``portal.datamap``) points every personal column at one of these rules by key. Rules
that belong to a feature call its services (the reporters' data of a minor report); this
module imports nothing of the job, which reads it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, delete, func, select

from portal.accesslog import services as accesslog
from portal.auth import states
from portal.auth.models import LoginSession, MailboxLink, RecoveryCode, Role, User
from portal.auth.states import AccountStatus, Actor, Transition
from portal.breaches import services as breaches
from portal.clock import months_ago
from portal.datamap import Retention
from portal.extensions import db
from portal.minor_reports import review
from portal.outbox import services as outbox
from portal.requests import services as requests


@dataclass
class Run:
    """One run of the job: the time it applies the rules at, and what it may do."""

    now: datetime
    dry_run: bool = False
    batch_size: int = 500


@dataclass(frozen=True)
class Rule:
    """One line of the schedule. It either ``apply``-s itself (deletes what is due and says
    how many, or counts them in a dry run), or names the ``due_accounts`` (a query of their
    ids) that the job erases in batches, recording ``erased_as`` as the reason."""

    key: Retention
    what: object  # a lazy string, for the public page
    period: Callable[[], str]  # how long, in words, from the same settings the job uses
    apply: Callable[[Run], int] | None = None
    due_accounts: Callable[[Run], Select] | None = None
    erased_as: str | None = None

    @property
    def kept(self) -> str:
        return self.period()


def N_(text: str) -> str:  # noqa: N802 (gettext's name for "extract this, translate later")
    """Marks ``text`` for the catalogue; :func:`_months` translates it when it is shown."""
    return text


def _months(setting: str, text: str) -> Callable[[], str]:
    return lambda: _(text, n=current_app.config[setting])


# --- the rules' work --------------------------------------------------------------------


# What the job may erase, as the account state machine allows the system (the "expire"
# transition), so the two cannot disagree.
_EXPIRES = states.sources(Transition.EXPIRE, Actor.SYSTEM)


def terminated_and_due(run: Run) -> Select:
    return select(User.id).where(
        User.status.in_(sorted(_EXPIRES & states.CLOSED)), User.deletion_due_at <= run.now
    )


def never_verified(run: Run) -> Select:
    return select(User.id).where(
        User.role == Role.SELLER,
        User.status.in_(sorted(_EXPIRES & {AccountStatus.UNVERIFIED})),
        User.created_at < run.now - current_app.config["RETENTION_UNVERIFIED"],
    )


def _delete(run: Run, model, *conditions) -> int:
    if run.dry_run:
        return db.session.scalar(select(func.count()).select_from(model).where(*conditions))
    count = db.session.execute(delete(model).where(*conditions)).rowcount
    db.session.commit()
    return count


def delete_spent_tokens(run: Run) -> int:
    sessions = _delete(run, LoginSession, LoginSession.expires_at <= run.now)
    codes = _delete(run, RecoveryCode, RecoveryCode.used_at.is_not(None))
    # Links ended otherwise (a newer request, a new password) are deleted at once.
    spent_links = _delete(
        run, MailboxLink, (MailboxLink.expires_at <= run.now) | MailboxLink.used_at.is_not(None)
    )
    # A public privacy request's code, used or expired (the request, once filed, stays).
    request_codes = requests.delete_spent_codes(run.now, dry_run=run.dry_run)
    if not run.dry_run:
        db.session.commit()
    return sessions + codes + spent_links + request_codes


def clear_reporters(run: Run) -> int:
    older_than = run.now - current_app.config["MINOR_REPORT_KEEP_REPORTER"]
    count = review.purge_reporter_data(older_than, dry_run=run.dry_run)
    if not run.dry_run:
        db.session.commit()
    return count


def _months_old(run: Run, setting: str, purge: Callable[..., int]) -> int:
    """What ``purge(cutoff, dry_run=...)`` deletes from before ``setting`` months ago, committed
    unless this is a dry run."""
    cutoff = months_ago(run.now, current_app.config[setting])
    count = purge(cutoff, dry_run=run.dry_run)
    if not run.dry_run:
        db.session.commit()
    return count


def delete_old_mail(run: Run) -> int:
    return _months_old(
        run, "RETENTION_MAIL_MONTHS", partial(outbox.delete_finished_before, to_sellers=True)
    )


def delete_old_mail_to_others(run: Run) -> int:
    return _months_old(
        run, "RETENTION_OTHER_MAIL_MONTHS", partial(outbox.delete_finished_before, to_sellers=False)
    )


def delete_old_access_log(run: Run) -> int:
    return _months_old(run, "RETENTION_ACCESS_LOG_MONTHS", accesslog.delete_older_than)


def delete_old_requests(run: Run) -> int:
    """Closed data-subject requests, ``RETENTION_PRIVACY_REQUEST_MONTHS`` after closing."""
    return _months_old(run, "RETENTION_PRIVACY_REQUEST_MONTHS", requests.purge_closed)


def delete_old_breaches(run: Run) -> int:
    """Breaches, with their timelines and notices, ``RETENTION_BREACH_MONTHS`` after discovery."""
    return _months_old(run, "RETENTION_BREACH_MONTHS", breaches.delete_discovered_before)


def _none(run: Run) -> int:
    return 0


RULES: tuple[Rule, ...] = (
    Rule(
        Retention.ACCOUNT,
        _l(
            "Your account and everything in it: profile, bank details, photos and documents, "
            "consents, notifications, the record of where your data went and who looked at it"
        ),
        lambda: _("While your account is active, then 3 months after it is terminated"),
        due_accounts=terminated_and_due,
        erased_as="retention",
    ),
    Rule(
        Retention.UNVERIFIED,
        _l("A registration whose email address was never confirmed"),
        lambda: _(
            "%(n)d days after registering", n=current_app.config["RETENTION_UNVERIFIED"].days
        ),
        due_accounts=never_verified,
        erased_as="unverified",
    ),
    Rule(
        Retention.TOKENS,
        _l(
            "Log-in sessions that have expired, recovery codes once used, and the links we "
            "email (to confirm an address, reset a password, or make or cancel a change of "
            "email address: only a fingerprint of each is stored, with the new address for a "
            "change); the codes that confirm a privacy request, with the request typed until "
            "its code is entered"
        ),
        lambda: _("Deleted as soon as they expire or are used"),
        delete_spent_tokens,
    ),
    Rule(
        Retention.REPORT,
        _l("The name, email, account and file of a person who reported a minor"),
        lambda: _(
            "%(n)d days after the report is closed",
            n=current_app.config["MINOR_REPORT_KEEP_REPORTER"].days,
        ),
        clear_reporters,
    ),
    Rule(
        Retention.MAIL,
        _l("Copies of the emails we sent you, kept in your notifications"),
        _months(
            "RETENTION_MAIL_MONTHS",
            N_("%(n)d months after sending (or with your account, if that ends first)"),
        ),
        delete_old_mail,
    ),
    Rule(
        Retention.OTHER_MAIL,
        _l("Emails to people without an account, such as someone who reported a minor"),
        _months("RETENTION_OTHER_MAIL_MONTHS", N_("%(n)d months after sending")),
        delete_old_mail_to_others,
    ),
    Rule(
        Retention.ACCESS_LOG,
        _l("The record of staff, and the marketplace, looking at your data"),
        _months(
            "RETENTION_ACCESS_LOG_MONTHS",
            N_("%(n)d months (or with your account, if that ends first)"),
        ),
        delete_old_access_log,
    ),
    # Six years: the Limitation Act 1953 s.6 gives six years to bring a claim founded on
    # contract or tort, and a complaint about how a request was answered (to the
    # Commissioner, or in court) needs the request, its dates and our answer as evidence.
    # Longer would keep the requester's words with no purpose left (PDPA s.10).
    Rule(
        Retention.REQUEST,
        _l(
            "Privacy requests (a copy of your data, a correction, a deletion and so on): what "
            "was asked, by which address, the dates and our answer"
        ),
        _months("RETENTION_PRIVACY_REQUEST_MONTHS", N_("%(n)d months after the request is closed")),
        delete_old_requests,
    ),
    Rule(
        Retention.BREACH,
        _l(
            "The register of personal data breaches (PDPA s.12B): what happened, each one's "
            "timeline, and which sellers it affected and when they were told"
        ),
        _months(
            "RETENTION_BREACH_MONTHS",
            N_(
                "%(n)d months after the breach was discovered: the time a claim about it can be "
                "brought (Limitation Act 1953, s.6)"
            ),
        ),
        delete_old_breaches,
    ),
    Rule(
        Retention.RECORD,
        _l(
            "That an account was erased, and when and why (no name, email or other personal "
            "data); the trail of staff actions; the registry of third parties; the policy "
            "versions"
        ),
        lambda: _("Kept: none of it is personal data"),
        _none,
    ),
)
