"""/admin/policy: the next privacy policy version, drafted, previewed and published by an admin.

The draft (one at most) is kept in ``policy_drafts`` until it is published. Publishing goes
through the same operation as ``flask policy publish``, and the emails to sellers through
the outbox, in batches committed as they go.
"""

from __future__ import annotations

import logging
from datetime import date, datetime

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from portal.admin import bp
from portal.admin.policy_forms import PolicyDraftForm, PolicyPublishForm
from portal.audit.services import record as audit
from portal.auth import services as auth
from portal.clock import local_date, local_midnight, local_today
from portal.extensions import db
from portal.policy import publishing, services
from portal.policy.diff import word_diff

log = logging.getLogger(__name__)


@bp.get("/policy")
def policy():
    draft = services.draft()
    newest = _newest()
    if draft is not None:
        form = PolicyDraftForm(
            body=draft.body_markdown,
            summary=draft.summary,
            body_ms=draft.body_markdown_ms,
            summary_ms=draft.summary_ms,
            effective=local_date(draft.effective_at),
            number=publishing.next_number(),
        )
    else:  # start from the words in force, so the admin edits rather than retypes
        form = PolicyDraftForm(
            body=newest.body_markdown,
            body_ms=services.text_of(newest, "ms").body_markdown,
            number=publishing.next_number(),
        )
    preview = None
    if draft is not None and request.args.get("preview"):
        # Each language's changes, and its text rendered exactly as sellers will see it.
        pairs = {
            "en": (newest.body_markdown, draft.body_markdown),
            "ms": (services.text_of(newest, "ms").body_markdown, draft.body_markdown_ms),
        }
        preview = {
            "since": newest.version,
            "texts": [
                {"language": language, "diff": word_diff(old, new), "markdown": new}
                for language, (old, new) in pairs.items()
            ],
        }
    return _page(form, draft=draft, preview=preview)


@bp.post("/policy/draft")
def policy_save():
    form = PolicyDraftForm()
    if not form.validate_on_submit():
        return _page(form, status=400)
    _save_draft(form)
    db.session.commit()
    flash(_("Draft saved. It is not published yet."), "success")
    return redirect(url_for("admin.policy"))


@bp.post("/policy/preview")
def policy_preview():
    form = PolicyDraftForm()
    if not form.validate_on_submit():
        return _page(form, status=400)
    _save_draft(form)
    db.session.commit()
    flash(_("Draft saved. Check the preview below before you publish."), "success")
    return redirect(url_for("admin.policy", preview=1, _anchor="preview"))


@bp.post("/policy/publish")
def policy_publish():
    form = PolicyPublishForm(latest_text=_newest().body_markdown, today=local_today())
    if not form.validate_on_submit():
        return _page(form, status=400)
    number = int(form.number.data) if (form.number.data or "").isdigit() else None
    try:
        version = publishing.publish(
            form.body.data,
            body_ms=form.body_ms.data,
            number=number,
            effective_at=_takes_effect(form.effective.data),
            summary=form.summary.data,
            summary_ms=form.summary_ms.data,
        )
    except publishing.PublishError as exc:
        db.session.rollback()
        log.warning("policy publish refused: %s", exc)
        # Keep what the admin wrote: nothing typed is lost to a refused publish.
        _save_draft(form)
        db.session.commit()
        if number is not None and number != publishing.next_number():
            flash(
                _(
                    "Version %(n)s was published by someone else meanwhile, so nothing was "
                    "published. Your text is kept as a draft: preview it against the new "
                    "version, then publish it.",
                    n=number,
                ),
                "warning",
            )
        else:
            flash(
                _("Nothing was published. Your text is kept as a draft; please try again."),
                "warning",
            )
        return redirect(url_for("admin.policy"))
    services.discard_draft()
    audit(current_user, "policy.publish", "policy_version", version.version)
    db.session.commit()
    queued = publishing.notify_sellers(
        version, auth.active_sellers, current_app.config["POLICY_NOTIFY_BATCH_SIZE"]
    )
    flash(
        ngettext(
            "Version %(n)s published; %(num)d seller will be emailed.",
            "Version %(n)s published; %(num)d sellers will be emailed.",
            queued,
            n=version.version,
        ),
        "success",
    )
    return redirect(url_for("admin.policy"))


def _page(form: PolicyDraftForm, *, draft=None, preview=None, status: int = 200):
    return (
        render_template(
            "admin/policy.html",
            form=form,
            number=form.number.data or publishing.next_number(),
            draft=draft if draft is not None else services.draft(),
            preview=preview,
            versions=services.all_versions(),
        ),
        status,
    )


# --- the draft ------------------------------------------------------------------------------


def _newest():
    # Version 1 is seeded by the migrations, so there is always one.
    return services.all_versions()[0]


def _save_draft(form: PolicyDraftForm) -> None:
    services.save_draft(
        body=form.body.data or "",
        summary=form.summary.data or "",
        body_ms=form.body_ms.data or "",
        summary_ms=form.summary_ms.data or "",
        effective_on=form.effective.data,
        staff_id=current_user.id,
    )


# --- dates: a day means midnight in Malaysia, as for `flask policy publish --effective` ------


def _takes_effect(day: date | None) -> datetime | None:
    """When a version chosen to take effect on ``day`` does: today (or no day) means at once,
    since today's midnight has passed; a later day, at its midnight."""
    if day is None or day <= local_today():
        return None
    return local_midnight(day)
