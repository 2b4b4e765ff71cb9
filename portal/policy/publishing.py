"""Publishing a new policy version and telling every active seller, in batches.

A 100,000-seller publish must not build 100,000 objects in memory: the active sellers come
a batch at a time from the walk the caller passes in (the back office and the command line
pass :func:`portal.auth.services.active_sellers`: the policy sits below the account and does
not read it itself), and each
batch goes to the outbox in one bulk INSERT (:func:`portal.outbox.services.queue_many`),
with the bodies rendered once per language. Each email's Message-ID is made from the
version and the seller's id, and the outbox keeps Message-IDs unique, so running the
notification again (after a crash, say) adds only the emails still missing: every seller
gets exactly one. The worker sends them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol

from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from portal.clock import utcnow
from portal.extensions import db
from portal.links import public_url
from portal.outbox import services as outbox
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


class Recipient(Protocol):
    id: int
    email: str
    locale: str | None


def notify_sellers(
    version: PolicyVersion,
    active_sellers: Callable[..., Sequence[Recipient]],
    batch_size: int = 1000,
) -> int:
    """Queue the "our policy changed" email for every active seller who has not had it;
    commits after each batch. ``active_sellers(after=id, limit=n)`` gives the next batch of
    active sellers by id. Returns how many were queued."""
    rendered = {locale: _render(version, locale) for locale in current_app.config["LANGUAGES"]}
    number = version.version  # read once: each batch's commit expires the object
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    queued, last = 0, 0
    while sellers := active_sellers(after=last, limit=batch_size):
        letters = []
        for seller in sellers:
            subject, text, html = rendered.get(seller.locale) or rendered[default]
            letters.append(
                outbox.Letter(
                    seller.id, seller.email, subject, text, html, key=f"policy-{number}-{seller.id}"
                )
            )
        queued += outbox.queue_many(KIND, letters)
        db.session.commit()
        last = sellers[-1].id
    log.info("policy version %s: %d emails queued", number, queued)
    return queued


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
        text, html = outbox.render_email(KIND, subject, **context)
    return subject, text, html
