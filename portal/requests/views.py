"""/account/requests for sellers, /privacy/request for anyone (verified by an emailed
code), and the emailed link to a copy of the data. The public pages answer the same
whether or not the address is an account's: the code goes to whatever address is typed."""

from __future__ import annotations

import logging

from flask import (
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    stream_with_context,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from portal.account import export
from portal.clock import portal_zone, utcnow
from portal.errors import render_error
from portal.extensions import db
from portal.forms import ConfirmForm
from portal.outbox.redaction import secret_link
from portal.requests import bp, services, work
from portal.requests.forms import CodeForm, PublicRequestForm, RequestForm
from portal.requests.wording import KINDS, STATES
from portal.security import (
    RateLimitExceeded,
    TokenInvalid,
    make_token,
    rate_limited,
    read_token,
    sellers_only,
)

log = logging.getLogger(__name__)

PUBLIC = (
    "requests.public",
    "requests.public_send",
    "requests.public_confirm",
    "requests.copy",
)
bp.before_request(sellers_only(*PUBLIC))

_PENDING = "privacy-request-pending"


@bp.app_context_processor
def _wording():
    return {"request_kinds": KINDS, "request_states": STATES}


# --- the seller's own requests ----------------------------------------------------------------


def _mine_page(form: RequestForm, status: int = 200):
    return (
        render_template(
            "requests/mine.html", form=form, requests=services.requests_of(current_user.id)
        ),
        status,
    )


@bp.get("/account/requests")
def mine():
    return _mine_page(RequestForm())


@bp.post("/account/requests")
def mine_send():
    form = RequestForm()
    if not form.validate_on_submit():
        return _mine_page(form, 400)
    request = services.file_request(
        form.kind.data, form.details.data, user=current_user._get_current_object()
    )
    db.session.commit()
    return redirect(url_for("requests.mine_one", request_id=request.id))


@bp.get("/account/requests/<int:request_id>")
def mine_one(request_id: int):
    request = services.request_of(current_user.id, request_id)
    if request is None:
        abort(404)
    return render_template("requests/received.html", request=request, mine=True)


# --- the public form --------------------------------------------------------------------------


@bp.get("/privacy/request")
def public():
    return render_template("requests/public.html", form=PublicRequestForm())


@bp.post("/privacy/request")
@rate_limited("RATELIMIT_PRIVACY_REQUEST_PER_IP")
def public_send():
    form = PublicRequestForm()
    if not form.validate_on_submit():
        return render_template("requests/public.html", form=form), 400
    pending_id = services.start_public(
        form.email.data, form.kind.data, form.details.data, str(get_locale())
    )
    db.session.commit()
    code_form = CodeForm(formdata=None)
    code_form.pending.data = make_token(_PENDING, {"p": pending_id})
    return _code_page(code_form)


def _code_page(form: CodeForm, status: int = 200):
    return render_template("requests/code.html", form=form, minutes=services.code_minutes()), status


@bp.post("/privacy/request/confirm")
@rate_limited("RATELIMIT_PRIVACY_REQUEST_CONFIRM_PER_IP")
def public_confirm():
    form = CodeForm()
    if not form.validate_on_submit():
        return _code_page(form, 400)
    max_age = int(current_app.config["PRIVACY_REQUEST_CODE_MAX_AGE"].total_seconds()) + 60
    try:
        pending_id = int(read_token(_PENDING, form.pending.data or "", max_age)["p"])
        request = services.confirm_public(pending_id, form.code.data)
    except (TokenInvalid, KeyError, TypeError, ValueError, services.CodeRefused):
        db.session.commit()  # the try is counted
        form.code.errors = [
            _("That code is wrong, used or expired. Check the email, or start again.")
        ]
        return _code_page(form, 400)
    db.session.commit()
    return render_template("requests/received.html", request=request, mine=False)


# --- the emailed link to a copy of the data ---------------------------------------------------


@bp.route("/privacy/request/copy/<token>", methods=["GET", "POST"])
@secret_link
def copy(token: str):
    try:
        request = work.copy_request(token)
    except TokenInvalid:
        return render_error(
            404,
            _("This link no longer works"),
            _("Links to a copy of your data work for 3 days. Make a new request if you need it."),
        )
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template("requests/copy.html", form=form, request=request)
    try:
        return _download(request.user_id)
    except RateLimitExceeded:
        return render_error(
            429,
            _("You have downloaded your data several times already"),
            _("Please try again later."),
        )


@rate_limited("RATELIMIT_EXPORT")
def _download(user_id: int) -> Response:
    now = utcnow()
    log.info("privacy request copy user=%s", user_id)
    response = Response(
        stream_with_context(export.archive(user_id, generated_at=now, zone=portal_zone())),
        mimetype="application/zip",
    )
    response.headers["Content-Disposition"] = 'attachment; filename="koopseri-my-data.zip"'
    response.headers["Cache-Control"] = "no-store"
    return response
