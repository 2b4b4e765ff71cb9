"""Looking up policy versions, rendering them, and recording a seller's consent."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markupsafe import Markup
from sqlalchemy import select

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
    return db.session.scalar(
        select(ConsentRecord)
        .where(ConsentRecord.user_id == user_id)
        .order_by(ConsentRecord.accepted_at.desc(), ConsentRecord.id.desc())
        .limit(1)
    )
