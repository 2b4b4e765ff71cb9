"""/account/export: "Download my data", a ZIP of everything the portal keeps about the seller.

The page explains what the archive holds; its button (a POST) asks for the password again
if it was not given in the last minutes, counts against ``RATELIMIT_EXPORT`` for the
account, emails the seller that an export was made (committed before anything is sent), and
streams the archive (:mod:`portal.account.export`). A closed (terminated) account may still
export, until its data is deleted.
"""

from __future__ import annotations

import logging
from datetime import datetime

from flask import (
    Response,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import get_timezone
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.account import bp, export
from portal.clock import utcnow
from portal.errors import render_error
from portal.extensions import db
from portal.forms import ConfirmForm
from portal.outbox.services import queue_email
from portal.security import RateLimitExceeded, account_id, rate_limited, reauth_required

log = logging.getLogger(__name__)


# The endpoint is ``account.export``, the name the policy gate and the closed-account page let
# through, for the button as well as the page.
@bp.route("/account/export", methods=["GET", "POST"], endpoint="export")
def export_page():
    form = ConfirmForm()
    if request.method == "GET":
        return render_template("account/export.html", form=form)
    if not form.validate_on_submit():
        return redirect(url_for("account.export"))
    try:
        return _download()
    except RateLimitExceeded:
        return render_error(
            429,
            _l("You have downloaded your data several times already"),
            _l(
                "To protect your data, it can be downloaded only a few times an hour. Please try again later."
            ),
        )


@reauth_required
@rate_limited("RATELIMIT_EXPORT", "account-export", account_id)
def _download() -> Response:
    """Counted only once the password was confirmed: a redirect to confirm costs nothing."""
    user = current_user._get_current_object()
    user_id, now = user.id, utcnow()
    queue_email(
        to=user.email,
        kind="data_exported",
        subject=_l("A copy of your data was downloaded from your Koopseri account"),
        user=user,
        when=now,
    )
    db.session.commit()  # the email goes whether or not the download completes
    log.info("account export user=%s", user_id)
    zone = get_timezone()
    response = Response(
        stream_with_context(export.archive(user_id, generated_at=now, zone=zone)),
        mimetype="application/zip",
    )
    day = datetime.now(zone).date().isoformat()
    response.headers["Content-Disposition"] = f'attachment; filename="koopseri-my-data-{day}.zip"'
    response.headers["Cache-Control"] = "no-store"
    return response
