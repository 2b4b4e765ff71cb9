"""/report-minor: a public form, open to anyone, that never says whether a seller exists.

Abuse is kept out without a third-party CAPTCHA: the global CSRF check, a honeypot field,
a minimum time between showing the form and sending it, and a limit per address. A robot
caught by the honeypot or the clock gets the same thank-you page as a person, with a
reference that was never stored, so it learns nothing about what gave it away.
"""

from __future__ import annotations

import time

from flask import current_app, render_template
from flask_babel import get_locale

from portal.documents import services as documents
from portal.extensions import db
from portal.minor_reports import bp, services
from portal.minor_reports.forms import RELATIONSHIPS, MinorReportForm
from portal.security import TokenInvalid, make_token, rate_limited, read_token
from portal.uploads import accepts_uploads

_FORM_PURPOSE = "minor-report-form"
_FORM_MAX_AGE = 24 * 3600


def _form_page(form: MinorReportForm, status: int = 200):
    form.started.data = make_token(
        _FORM_PURPOSE, {"t": time.time(), "n": services.new_form_nonce()}
    )
    return render_template("minor_reports/report_minor.html", form=form), status


def _thanks(reference: str):
    return render_template("minor_reports/report_received.html", reference=reference)


def _form_nonce(form: MinorReportForm) -> str | None:
    """The showing's random value, or None when the report looks automated: the honeypot
    was filled, the form token is forged or missing, or it came back too fast."""
    if form.website.data:
        return None
    try:
        token = read_token(_FORM_PURPOSE, form.started.data or "", _FORM_MAX_AGE)
        shown, nonce = float(token["t"]), str(token["n"])
    except (TokenInvalid, KeyError, TypeError, ValueError):
        return None
    if time.time() - shown < current_app.config["MINOR_REPORT_MIN_SECONDS"]:
        return None
    return nonce


@bp.get("/report-minor")
def report_minor():
    return _form_page(MinorReportForm())


@bp.post("/report-minor")
@rate_limited("RATELIMIT_MINOR_REPORT_PER_IP")
@accepts_uploads(files=1)
def report_minor_send():
    form = MinorReportForm()
    if not form.validate_on_submit():
        return _form_page(form, 400)
    nonce = _form_nonce(form)
    if nonce is None:
        current_app.logger.info("minor report refused as automated")
        return _thanks(services.new_reference())
    chosen = form.attachment.data
    attachment = (
        documents.Upload(chosen.filename, chosen.stream)
        if chosen is not None and chosen.filename
        else None
    )
    try:
        report = services.file_report(
            services.Report(
                reporter_name=form.reporter_name.data or "",
                reporter_email=form.reporter_email.data,
                relationship=form.relationship.data,
                seller_hint=form.seller_hint.data,
                description=form.description.data,
            ),
            form_nonce=nonce,
            locale=str(get_locale()),
            attachment=attachment,
        )
    except services.AlreadyFiled:
        db.session.rollback()  # a file copied for it is removed with the transaction
        current_app.logger.info("minor report refused as a replayed form")
        return _thanks(services.new_reference())
    except documents.Refused as refused:
        form.attachment.errors = [refused.message]
        return _form_page(form, 400)
    db.session.commit()
    return _thanks(report.reference)


@bp.app_context_processor
def _relationships():
    return {"relationship_labels": RELATIONSHIPS}
