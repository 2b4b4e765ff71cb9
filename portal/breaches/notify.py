"""Telling the affected sellers (PDPA s.12B): one security notice each, in English and in
Malay in the same email, through the outbox.

Like publishing a policy (:func:`portal.policy.publishing.notify_sellers`), it works in
batches and can be run again after a crash: each seller chosen is a row of
``breach_notices`` (unique per breach and seller), a batch is the next rows not yet
queued, and each batch's emails and the marks on its rows commit together. Each email's
Message-ID is made from the breach and the seller, and the outbox keeps Message-IDs unique,
so even a batch queued twice adds nothing. The bodies are rendered once per language (the
seller's own language comes first), never per seller: memory stays flat with the count.
"""

from __future__ import annotations

import logging
from datetime import datetime

from flask import current_app, render_template
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import func, select, update

from portal.audit import services as audit
from portal.auth import services as auth
from portal.breaches.models import Breach, BreachNotice
from portal.breaches.services import BreachError, log_event
from portal.clock import utcnow
from portal.datamap import category_name
from portal.extensions import db
from portal.i18n import speaking_to
from portal.links import public_url
from portal.outbox import services as outbox

log = logging.getLogger(__name__)

KIND = "breach_notice"
SUBJECT = _l("Security notice: a data breach affecting your data")


def start(breach: Breach, staff, *, message_en: str, message_ms: str, now=None) -> None:
    """Fix what the sellers are told, in both languages, and mark notifying as started (the
    selection is fixed from then on). Flushes. Raises :class:`BreachError` without sellers,
    without either text, or when already started."""
    if breach.notify_started_at is not None:
        raise BreachError("notifying has already started")
    if not breach.selected_count:
        raise BreachError("choose the affected sellers first")
    if not message_en.strip() or not message_ms.strip():
        raise BreachError("write what the sellers are told in both languages")
    now = now or utcnow()
    breach.message_en, breach.message_ms = message_en.strip(), message_ms.strip()
    breach.notify_started_at = now
    db.session.flush()
    log_event(breach, staff, "notify_started", str(breach.selected_count), now=now)
    audit.record(staff, "breach.notify", "breach", breach.id, detail=str(breach.selected_count))


def pending(breach_id: int) -> int:
    """How many affected sellers have not had their notice queued yet."""
    return db.session.scalar(
        select(func.count())
        .select_from(BreachNotice)
        .where(BreachNotice.breach_id == breach_id, BreachNotice.queued_at.is_(None))
    )


def notify_sellers(breach_id: int, *, batch_size: int = 1000, now: datetime | None = None) -> int:
    """Queue the notice for every affected seller not yet sent one; commits after each batch.
    Returns how many were queued by this run. Raises :class:`BreachError` when notifying
    has not been started (:func:`start`)."""
    breach = db.session.get(Breach, breach_id)
    if breach is None or breach.notify_started_at is None:
        raise BreachError("notifying has not been started")
    rendered = {locale: _render(breach, locale) for locale in current_app.config["LANGUAGES"]}
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    queued, last = 0, 0
    while user_ids := _next_batch(breach_id, after=last, limit=batch_size):
        letters = []
        for seller in auth.recipients(user_ids):
            subject, text, html = rendered.get(seller.locale) or rendered[default]
            key = f"breach-{breach_id}-{seller.id}"
            letters.append(outbox.Letter(seller.id, seller.email, subject, text, html, key=key))
        queued += outbox.queue_many(KIND, letters)
        db.session.execute(
            update(BreachNotice)
            .where(BreachNotice.breach_id == breach_id, BreachNotice.user_id.in_(user_ids))
            .values(queued_at=now or utcnow())
        )
        db.session.commit()
        last = user_ids[-1]
    breach = db.session.get(Breach, breach_id)
    if breach.notified_at is None:
        breach.notified_at = now or utcnow()
        log_event(breach, None, "sellers_notified", str(breach.selected_count), now=now)
        db.session.commit()
    log.info("breach %s: %d notices queued", breach_id, queued)
    return queued


def _next_batch(breach_id: int, *, after: int, limit: int) -> list[int]:
    # Along the (breach_id, user_id) unique index: a batch is one range scan.
    return list(
        db.session.scalars(
            select(BreachNotice.user_id)
            .where(
                BreachNotice.breach_id == breach_id,
                BreachNotice.user_id > after,
                BreachNotice.queued_at.is_(None),
            )
            .order_by(BreachNotice.user_id)
            .limit(limit)
        )
    )


def _part(breach: Breach, locale: str) -> dict:
    """One language's half of the notice."""
    with speaking_to(locale, None):
        context = {
            "breach": breach,
            "message": breach.message_ms if locale == "ms" else breach.message_en,
            "categories": [str(category_name(c)) for c in breach.categories],
            "account_url": public_url("account.index", lang=locale),
            "notices_url": public_url("notifications.index", lang=locale),
        }
        return {
            "locale": locale,
            "subject": str(SUBJECT),
            "text": render_template("email/_breach_notice_part.txt", **context),
            # Our own template's output, escaped as it was rendered.
            "html": Markup(render_template("email/_breach_notice_part.html", **context)),  # noqa: S704
        }


def _render(breach: Breach, locale: str) -> tuple[str, str, str]:
    """The whole email for a reader of ``locale``: their language first, then the other."""
    languages = current_app.config["LANGUAGES"]
    order = [locale, *(other for other in languages if other != locale)]
    parts = [_part(breach, language) for language in order]
    subject = " / ".join(part["subject"] for part in parts)
    with speaking_to(locale, None):
        text, html = outbox.render_email(KIND, subject, parts=parts, user=None, recipient="")
    return subject, text, html
