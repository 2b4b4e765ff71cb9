"""/admin/outbox: the mail queue by state, the failed messages, and a retry button."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from portal.admin import bp
from portal.extensions import db
from portal.forms import ConfirmForm
from portal.outbox import monitor
from portal.outbox.kinds import category
from portal.pagination import page_number
from portal.profile.email_change import mask_email

PER_PAGE = 50


@bp.get("/outbox")
def outbox():
    found = monitor.failed(page=page_number(request.args), per_page=PER_PAGE)
    return render_template(
        "admin/outbox.html",
        counts=monitor.counts(),
        failed=found.items,
        more=found.has_next,
        page=found.page,
        form=ConfirmForm(),
        mask_email=mask_email,
        category=category,
    )


@bp.post("/outbox/<int:message_id>/retry")
def outbox_retry(message_id: int):
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("admin.outbox"))
    # Only a failed message goes back in the queue: any other (sent, waiting, or none) is
    # not this button's object.
    if not monitor.retry(message_id):
        abort(404)
    db.session.commit()
    flash(_("The message is back in the queue; the worker sends it next."), "success")
    return redirect(url_for("admin.outbox"))
