"""Publishing a new policy version and telling every active seller, in batches.

A 100,000-seller publish must not build 100,000 objects in memory: each batch of sellers
gets its emails from one INSERT … SELECT, one statement per language, with the bodies
rendered once per language. Each email's Message-ID is made from the version and the
seller's id, and the outbox keeps Message-IDs unique, so running the notification again
(after a crash, say) adds only the emails still missing: every seller gets exactly one.
The worker sends them.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import String, cast, func, insert, literal, select

from portal.auth.models import AccountStatus, Role, User
from portal.clock import utcnow
from portal.extensions import db
from portal.links import public_url
from portal.outbox.models import OutboxMessage
from portal.outbox.services import render_email
from portal.policy.models import PolicyTranslation, PolicyVersion
from portal.policy.services import text_of

log = logging.getLogger(__name__)

KIND = "policy_changed"


class PublishError(ValueError):
    """A version that cannot be published as asked; the message says why."""


def next_number() -> int:
    return (db.session.scalar(select(func.max(PolicyVersion.version))) or 0) + 1


def publish(
    body_markdown: str,
    *,
    body_ms: str,
    number: int | None = None,
    effective_at: datetime | None = None,
    summary: str = "",
    summary_ms: str = "",
    now: datetime | None = None,
) -> PolicyVersion:
    """Add version ``number`` (the next one; given, it must be the next one) with its English
    text and its Malay translation, together. Flushes only.

    Raises :class:`PublishError` for an empty text in either language, a number out of
    sequence, or an effective date before the publication.
    """
    now = now or utcnow()
    expected = next_number()
    if number is not None and number != expected:
        raise PublishError(f"the next version is {expected}, not {number}")
    if not body_markdown.strip():
        raise PublishError("the policy text is empty")
    if not body_ms.strip():
        raise PublishError("the Malay text is empty: both languages are published together")
    if effective_at is not None and effective_at < now:
        raise PublishError("the effective date cannot be before the publication")
    version = PolicyVersion(
        version=expected,
        body_markdown=body_markdown,
        summary=summary.strip()[:500],
        published_at=now,
        effective_at=effective_at or now,
    )
    db.session.add(version)
    db.session.flush()
    db.session.add(
        PolicyTranslation(
            policy_version_id=version.id,
            language="ms",
            body_markdown=body_ms,
            summary=summary_ms.strip()[:500],
        )
    )
    db.session.flush()
    log.info("policy version %s published", version.version)
    return version


def notify_sellers(version: PolicyVersion, batch_size: int = 1000) -> int:
    """Queue the "our policy changed" email for every active seller who has not had it;
    commits after each batch. Returns how many were queued."""
    rendered = {locale: _render(version, locale) for locale in current_app.config["LANGUAGES"]}
    number = version.version  # read once: each batch's commit expires the object
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    domain = current_app.config["MAIL_MESSAGE_ID_DOMAIN"]
    queued = 0
    for first, last in _id_ranges(batch_size):
        for locale, (subject, text, html) in rendered.items():
            speaks = User.locale == locale
            if locale == default:
                speaks = speaks | User.locale.is_(None) | User.locale.not_in(list(rendered))
            identity = (
                literal(f"<policy-{number}-") + cast(User.id, String) + literal(f"@{domain}>")
            )
            already = select(OutboxMessage.id).where(OutboxMessage.message_id == identity)
            chosen = select(
                User.id,
                User.email,
                literal(KIND),
                literal(subject),
                literal(text),
                literal(html),
                identity,
            ).where(
                User.id.between(first, last),
                User.role == Role.SELLER,
                User.status == AccountStatus.ACTIVE,
                speaks,
                ~already.exists(),
            )
            result = db.session.execute(
                insert(OutboxMessage).from_select(
                    [
                        "user_id",
                        "recipient",
                        "kind",
                        "subject",
                        "body_text",
                        "body_html",
                        "message_id",
                    ],
                    chosen,
                ),
                execution_options={"preserve_rowcount": True},
            )
            queued += result.rowcount
        db.session.commit()
    log.info("policy version %s: %d emails queued", number, queued)
    return queued


def _id_ranges(size: int) -> Iterator[tuple[int, int]]:
    """Consecutive id ranges covering every seller, each holding at most ``size`` of them."""
    last = 0
    sellers = select(User.id).where(User.role == Role.SELLER).order_by(User.id)
    while True:
        top = db.session.scalar(
            select(func.max(sellers.where(User.id > last).limit(size).subquery().c.id))
        )
        if top is None:
            return
        yield last + 1, top
        last = top


def _render(version: PolicyVersion, locale: str) -> tuple[str, str, str]:
    with force_locale(locale):
        subject = str(
            _l("Our Seller Privacy Policy is changing (version %(n)s)", n=version.version)
        )
        context = {
            "version": version,
            "summary": text_of(version, locale).summary,
            "changes_url": public_url(
                "policy.changes",
                **{"from": version.version - 1, "to": version.version},
                lang=locale,
            ),
            "policy_url": public_url("policy.version", number=version.version, lang=locale),
            "recipient": "",
            "user": None,
        }
        text, html = render_email(KIND, subject, **context)
    return subject, text, html
