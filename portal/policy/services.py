"""Looking up policy versions, rendering them, and recording a seller's consent."""

from __future__ import annotations

from datetime import datetime

from markdown_it import MarkdownIt
from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, joinedload

from portal.extensions import db
from portal.policy.models import ConsentRecord, PolicyVersion
from portal.sqltypes import utcnow

# Raw HTML in a policy's Markdown is shown as text, never interpreted.
_markdown = MarkdownIt("commonmark", {"html": False})


class NoPolicyPublished(LookupError):
    """The database has no policy in effect (it was never upgraded and seeded)."""


def current_version() -> PolicyVersion:
    """The version in effect now: the highest-numbered one whose effective time has come."""
    version = db.session.scalar(
        select(PolicyVersion)
        .where(PolicyVersion.effective_at <= utcnow())
        .order_by(PolicyVersion.version.desc())
        .limit(1)
    )
    if version is None:
        raise NoPolicyPublished()
    return version


def get_version(number: int) -> PolicyVersion | None:
    return db.session.scalar(select(PolicyVersion).where(PolicyVersion.version == number))


def all_versions() -> list[PolicyVersion]:
    return list(db.session.scalars(select(PolicyVersion).order_by(PolicyVersion.version.desc())))


def render(version: PolicyVersion) -> Markup:
    # Safe: the renderer has raw HTML disabled, so every tag in the source comes out escaped.
    return Markup(_markdown.render(version.body_markdown))  # noqa: S704


def record_consent(
    *, user_id: int, version: PolicyVersion, ip_address: str, user_agent: str, context: str
) -> ConsentRecord:
    """Keep the proof that ``user_id`` accepted ``version``: time, address and browser."""
    record = ConsentRecord(
        user_id=user_id,
        policy_version_id=version.id,
        ip_address=ip_address[:45],
        user_agent=user_agent[:512],
        context=context,
    )
    db.session.add(record)
    db.session.flush()
    return record


def latest_consent(user_id: int) -> ConsentRecord | None:
    """The seller's acceptance of the newest version they accepted."""
    return db.session.scalar(
        select(ConsentRecord)
        .join(ConsentRecord.policy_version)
        .options(contains_eager(ConsentRecord.policy_version))
        .where(ConsentRecord.user_id == user_id)
        .order_by(PolicyVersion.version.desc(), ConsentRecord.accepted_at.desc())
        .limit(1)
    )


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

    One query, as it runs on every request a seller makes.
    """
    in_effect = (
        select(func.max(PolicyVersion.version))
        .where(PolicyVersion.effective_at <= (now or utcnow()))
        .scalar_subquery()
    )
    accepted = (
        select(func.max(PolicyVersion.version))
        .join(ConsentRecord, ConsentRecord.policy_version_id == PolicyVersion.id)
        .where(ConsentRecord.user_id == user_id)
        .scalar_subquery()
    )
    current, latest = db.session.execute(select(in_effect, accepted)).one()
    return current is not None and (latest or 0) < current


def accepted_version(user_id: int) -> PolicyVersion | None:
    """The newest version the seller accepted."""
    consent = latest_consent(user_id)
    return consent.policy_version if consent else None


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
