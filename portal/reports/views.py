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
from portal.extensions import db, limiter
from portal.reports import bp, services
from portal.reports.forms import RELATIONSHIPS, MinorReportForm
from portal.security import TokenInvalid, make_token, read_token
from portal.uploads import accepts_uploads

_FORM_PURPOSE = "minor-report-form"
_FORM_MAX_AGE = 24 * 3600


def _form_page(form: MinorReportForm, status: int = 200):
    form.started.data = make_token(_FORM_PURPOSE, {"t": time.time()})
    return render_template("reports/report_minor.html", form=form), status


def _thanks(reference: str):
    return render_template("reports/report_received.html", reference=reference)


def _looks_automated(form: MinorReportForm) -> bool:
    if form.website.data:
        return True
    try:
        shown = read_token(_FORM_PURPOSE, form.started.data or "", _FORM_MAX_AGE)["t"]
    except (TokenInvalid, KeyError):
        return True
    return time.time() - float(shown) < current_app.config["MINOR_REPORT_MIN_SECONDS"]


@bp.get("/report-minor")
def report_minor():
    return _form_page(MinorReportForm())


@bp.post("/report-minor")
@limiter.limit(lambda: current_app.config["RATELIMIT_MINOR_REPORT_PER_IP"])
@accepts_uploads(files=1)
def report_minor_send():
    form = MinorReportForm()
    if not form.validate_on_submit():
        return _form_page(form, 400)
    if _looks_automated(form):
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
            locale=str(get_locale()),
            attachment=attachment,
        )
    except documents.Refused as refused:
        form.attachment.errors = [refused.message]
        return _form_page(form, 400)
    db.session.commit()
    return _thanks(report.reference)


@bp.app_context_processor
def _relationships():
    return {"relationship_labels": RELATIONSHIPS}
