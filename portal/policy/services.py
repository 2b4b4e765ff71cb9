"""Looking up policy versions, rendering them, and recording a seller's consent."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from flask import current_app
from markdown_it import MarkdownIt
from markupsafe import Markup
from sqlalchemy import (
    ColumnElement,
    Select,
    bindparam,
    case,
    delete,
    false,
    func,
    insert,
    or_,
    select,
    true,
)
from sqlalchemy.orm import contains_eager, joinedload

from portal.clock import local_midnight, utcnow
from portal.extensions import db
from portal.policy.models import ConsentRecord, PolicyDraft, PolicyTranslation, PolicyVersion

# Raw HTML in a policy's Markdown is shown as text, never interpreted.
_markdown = MarkdownIt("commonmark", {"html": False})


class NoPolicyPublished(LookupError):
    """The database has no policy in effect (it was never upgraded and seeded)."""


# The order that puts a seller's acceptance of the newest version they accepted first.
_NEWEST_ACCEPTANCE_FIRST = (PolicyVersion.version.desc(), ConsentRecord.accepted_at.desc())


def _in_effect(now) -> Select:
    """The version in effect at ``now``: the highest-numbered one whose time has come."""
    return (
        select(PolicyVersion)
        .where(PolicyVersion.effective_at <= now)
        .order_by(PolicyVersion.version.desc())
        .limit(1)
    )


def current_version() -> PolicyVersion:
    """The version in effect now: the highest-numbered one whose effective time has come."""
    version = db.session.scalar(_in_effect(utcnow()))
    if version is None:
        raise NoPolicyPublished()
    return version


def get_version(number: int) -> PolicyVersion | None:
    return db.session.scalar(select(PolicyVersion).where(PolicyVersion.version == number))


def all_versions() -> list[PolicyVersion]:
    return list(db.session.scalars(select(PolicyVersion).order_by(PolicyVersion.version.desc())))


@dataclass(frozen=True)
class PolicyText:
    """A version's words in one language."""

    version: PolicyVersion
    language: str  # the language of ``body_markdown``
    body_markdown: str
    summary: str
    asked: str  # the language asked for: not ``language`` when no translation was published

    @property
    def is_translation(self) -> bool:
        """A translation, over which the English text prevails."""
        return self.language != current_app.config["BABEL_DEFAULT_LOCALE"]

    @property
    def missing(self) -> bool:
        """The version has no text in the language asked for (published before Malay was)."""
        return self.language != self.asked


def text_of(version: PolicyVersion, language: str) -> PolicyText:
    """``version`` in ``language``: the English text itself, or its published translation.
    A version published with no translation in that language comes back in English."""
    english = PolicyText(version, "en", version.body_markdown, version.summary, asked=language)
    if language == current_app.config["BABEL_DEFAULT_LOCALE"]:
        return english
    translation = db.session.scalar(
        select(PolicyTranslation).where(
            PolicyTranslation.policy_version_id == version.id,
            PolicyTranslation.language == language,
        )
    )
    if translation is None:
        return english
    return PolicyText(
        version, language, translation.body_markdown, translation.summary, asked=language
    )


def texts_to_compare(
    older: PolicyVersion, newer: PolicyVersion, language: str
) -> tuple[PolicyText, PolicyText]:
    """Both versions in ``language``, or both in English when either has no text in it: a
    diff compares like with like."""
    pair = text_of(older, language), text_of(newer, language)
    if pair[0].language != pair[1].language:
        pair = text_of(older, "en"), text_of(newer, "en")
    return pair


def summaries_in(versions: list[PolicyVersion], language: str) -> dict[int, str]:
    """Each version's summary in ``language`` (the English one where it has none), in one
    query: the history of versions lists them all."""
    found = {version.id: version.summary for version in versions}
    if language != current_app.config["BABEL_DEFAULT_LOCALE"] and versions:
        rows = db.session.execute(
            select(PolicyTranslation.policy_version_id, PolicyTranslation.summary).where(
                PolicyTranslation.language == language,
                PolicyTranslation.policy_version_id.in_(list(found)),
            )
        )
        found.update({version_id: summary for version_id, summary in rows if summary})
    return found


def render(markdown: str) -> Markup:
    # Safe: the renderer has raw HTML disabled, so every tag in the source comes out escaped.
    return Markup(_markdown.render(markdown))  # noqa: S704


def record_consent(
    *,
    user_id: int,
    version: PolicyVersion,
    language: str,
    ip_address: str,
    user_agent: str,
    context: str,
) -> ConsentRecord:
    """Keep the proof that ``user_id`` accepted ``version``, read in ``language``: time,
    address and browser."""
    record = ConsentRecord(
        user_id=user_id,
        policy_version_id=version.id,
        language=language,
        ip_address=ip_address[:45],
        user_agent=user_agent[:512],
        context=context,
    )
    db.session.add(record)
    db.session.flush()
    return record


def record_consents(
    user_ids: Iterable[int],
    *,
    version: PolicyVersion,
    language: str,
    ip_address: str,
    user_agent: str,
    context: str,
) -> None:
    """:func:`record_consent` for many accounts at once, in one statement (seeding a
    database). Flushes only."""
    rows = [
        {
            "user_id": user_id,
            "policy_version_id": version.id,
            "language": language,
            "ip_address": ip_address[:45],
            "user_agent": user_agent[:512],
            "context": context,
        }
        for user_id in user_ids
    ]
    if rows:
        db.session.execute(insert(ConsentRecord), rows)


@dataclass(frozen=True)
class Acceptance:
    """When the seller accepted the newest version they accepted, and its number."""

    version: int
    accepted_at: datetime


def latest_acceptance_columns(user_id) -> tuple[ColumnElement[int], ColumnElement[datetime]]:
    """The number and the time of the seller's :func:`latest_consent`, as two columns over
    ``user_id`` (a value or a bound parameter) for a caller's own statement; both NULL
    before any acceptance. Make an :class:`Acceptance` of them."""

    def latest(column):
        return (
            select(column)
            .select_from(ConsentRecord)
            .join(ConsentRecord.policy_version)
            .where(ConsentRecord.user_id == user_id)
            .order_by(*_NEWEST_ACCEPTANCE_FIRST)
            .limit(1)
            .scalar_subquery()
        )

    return latest(PolicyVersion.version), latest(ConsentRecord.accepted_at)


@cache
def _latest_consent() -> Select:
    # Built once per process (the dashboard asks it on every visit): only the id is bound.
    return (
        select(ConsentRecord)
        .join(ConsentRecord.policy_version)
        .options(contains_eager(ConsentRecord.policy_version))
        .where(ConsentRecord.user_id == bindparam("user_id"))
        .order_by(*_NEWEST_ACCEPTANCE_FIRST)
        .limit(1)
    )


def latest_consent(user_id: int) -> ConsentRecord | None:
    """The seller's acceptance of the newest version they accepted."""
    return db.session.scalar(_latest_consent(), {"user_id": user_id})


# --- accepting new versions ---------------------------------------------------------------------


def upcoming_version(now: datetime | None = None) -> PolicyVersion | None:
    """The next published version not yet in effect, if any."""
    return db.session.scalar(
        select(PolicyVersion)
        .where(PolicyVersion.effective_at > (now or utcnow()))
        .order_by(PolicyVersion.version)
        .limit(1)
    )


def acceptance_due(user_id: int, now: datetime | None = None) -> bool:
    """Whether the version in effect is newer than the newest one the seller accepted.

    One query, as it runs on every request a seller makes (in practice as a column of the
    statement that loads the login session: :func:`acceptance_due_column`).
    """
    return db.session.scalar(select(acceptance_due_column(user_id, now or utcnow())))


def acceptance_due_column(user_id, now) -> ColumnElement[bool]:
    """:func:`acceptance_due` as a SQL expression over ``user_id`` (a value or a column) and
    ``now`` (a value or a bound parameter)."""
    in_effect = (
        select(func.max(PolicyVersion.version))
        .where(PolicyVersion.effective_at <= now)
        .scalar_subquery()
    )
    accepted = (
        select(func.max(PolicyVersion.version))
        .join(ConsentRecord, ConsentRecord.policy_version_id == PolicyVersion.id)
        .where(ConsentRecord.user_id == user_id)
        .scalar_subquery()
    )
    # No version in effect compares as NULL: nothing is due.
    return case((func.coalesce(accepted, 0) < in_effect, true()), else_=false())


def in_effect_and_accepted(
    user_id: int, now: datetime | None = None
) -> tuple[PolicyVersion | None, PolicyVersion | None]:
    """The version in effect and the newest version the seller accepted (each None when
    there is none), in one statement: what the acceptance page weighs. An acceptance is due
    when the first is newer than the second (:func:`is_due`), as :func:`acceptance_due` says."""
    in_effect = _in_effect(now or utcnow()).with_only_columns(PolicyVersion.id).scalar_subquery()
    accepted = (
        select(PolicyVersion.id)
        .join(ConsentRecord, ConsentRecord.policy_version_id == PolicyVersion.id)
        .where(ConsentRecord.user_id == user_id)
        .order_by(PolicyVersion.version.desc())
        .limit(1)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(PolicyVersion, PolicyVersion.id == in_effect, PolicyVersion.id == accepted).where(
            or_(PolicyVersion.id == in_effect, PolicyVersion.id == accepted)
        )
    ).all()
    current = next((version for version, is_current, _ in rows if is_current), None)
    newest_accepted = next((version for version, _, is_accepted in rows if is_accepted), None)
    return current, newest_accepted


def is_due(current: PolicyVersion | None, accepted: PolicyVersion | None) -> bool:
    """Whether ``current`` (in effect) is newer than ``accepted``: nothing is due when no
    version is in effect."""
    if current is None:
        return False
    return accepted is None or accepted.version < current.version


def consent_history(user_id: int) -> list[ConsentRecord]:
    """Every acceptance by the seller, newest first, with its version."""
    return list(
        db.session.scalars(
            select(ConsentRecord)
            .where(ConsentRecord.user_id == user_id)
            .options(joinedload(ConsentRecord.policy_version))
            .order_by(ConsentRecord.accepted_at.desc(), ConsentRecord.id.desc())
        )
    )


def latest_of(history: list[ConsentRecord]) -> ConsentRecord | None:
    """Of a seller's :func:`consent_history`, the acceptance :func:`latest_consent` gives:
    of the newest version accepted, the latest acceptance (no second statement)."""
    return max(
        history,
        key=lambda record: (record.policy_version.version, record.accepted_at),
        default=None,
    )


# --- the next version's draft -------------------------------------------------------------------


def draft() -> PolicyDraft | None:
    """The next version as an admin last saved it (there is one at most), until published."""
    return db.session.scalar(select(PolicyDraft).order_by(PolicyDraft.id).limit(1))


def save_draft(
    *,
    body: str,
    summary: str,
    body_ms: str,
    summary_ms: str,
    effective_on: date | None,
    staff_id: int,
) -> PolicyDraft:
    """Keep the text as written, even unfinished: nothing is checked until it is published.
    ``effective_on`` is a day in Malaysia, taking effect at its midnight. Flushes only."""
    saved = draft()
    if saved is None:
        saved = PolicyDraft()
        db.session.add(saved)
    saved.body_markdown = body
    saved.summary = summary
    saved.body_markdown_ms = body_ms
    saved.summary_ms = summary_ms
    saved.effective_at = local_midnight(effective_on) if effective_on else None
    saved.updated_by = staff_id
    saved.updated_at = utcnow()
    db.session.flush()
    return saved


def discard_draft() -> None:
    """Drop the draft: it was published. Flushes only."""
    db.session.execute(delete(PolicyDraft))
