"""/admin/minor-reports: open reports about minors, for reviewers and admins."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.admin import bp
from portal.admin.forms import ConfirmErasureForm, DismissForm, EmptyForm, QuestionForm
from portal.documents import services as documents
from portal.documents.serving import file_response
from portal.extensions import db
from portal.pagination import clamp, page_number
from portal.reports import review
from portal.reports.forms import RELATIONSHIPS
from portal.reports.models import MinorReport


@bp.get("/minor-reports")
def minor_reports():
    page = page_number(request.args)
    items, total = review.open_reports(page=page)
    page = clamp(page, total, 50)  # past the end: the last page, as the service chose
    return render_template("admin/minor_reports.html", items=items, total=total, page=page)


@bp.get("/minor-reports/<int:report_id>")
def minor_report(report_id: int):
    return _report_page(report_id, QuestionForm(), DismissForm())


def _report_page(report_id, question_form, dismiss_form, status=200):
    report = db.session.get(MinorReport, report_id)
    if report is None:
        abort(404)
    return (
        render_template(
            "admin/minor_report.html",
            report=report,
            matches=review.matches(report),
            relationships=RELATIONSHIPS,
            question_form=question_form,
            dismiss_form=dismiss_form,
            action_form=ConfirmErasureForm(),
        ),
        status,
    )


@bp.post("/minor-reports/<int:report_id>/question")
def minor_report_question(report_id: int):
    form = QuestionForm()
    report = db.session.get(MinorReport, report_id)
    if report is None:
        abort(404)
    if not form.validate_on_submit():
        return _report_page(report_id, form, DismissForm(), 400)
    review.ask_reporter(report, form.question.data, current_user._get_current_object())
    db.session.commit()
    flash(_("Your question was emailed to the reporter."), "success")
    return redirect(url_for("admin.minor_report", report_id=report_id))


@bp.post("/minor-reports/<int:report_id>/dismiss")
def minor_report_dismiss(report_id: int):
    form = DismissForm()
    if db.session.get(MinorReport, report_id) is None:
        abort(404)
    if not form.validate_on_submit():
        return _report_page(report_id, QuestionForm(), form, 400)
    try:
        review.dismiss(report_id, current_user, form.reason.data)
    except review.ReasonRequired:
        dismiss_form = DismissForm()
        dismiss_form.reason.errors = [_("Give the reason: it is kept with the report.")]
        return _report_page(report_id, QuestionForm(), dismiss_form, 400)
    except review.AlreadyClosed:
        flash(_("This report was already closed. Nothing was changed."), "warning")
        return redirect(url_for("admin.minor_reports"))
    db.session.commit()
    flash(_("Report dismissed; the reporter has been told."), "success")
    return redirect(url_for("admin.minor_reports"))


@bp.post("/minor-reports/<int:report_id>/freeze/<int:user_id>")
def minor_report_freeze(report_id: int, user_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        review.freeze(report_id, user_id, current_user._get_current_object())
    except (review.AlreadyClosed, LookupError):
        abort(404)
    db.session.commit()
    flash(_("The account is frozen and the seller asked for proof of age."), "success")
    return redirect(url_for("admin.minor_report", report_id=report_id))


@bp.post("/minor-reports/<int:report_id>/confirm/<int:user_id>")
def minor_report_confirm(report_id: int, user_id: int):
    form = ConfirmErasureForm()
    if not form.validate_on_submit():
        flash(_("Tick the box to confirm that this account belongs to a minor."), "error")
        return redirect(url_for("admin.minor_report", report_id=report_id))
    staff = current_user._get_current_object()
    try:
        review.confirm(report_id, user_id, staff)
    except (review.AlreadyClosed, LookupError):
        abort(404)
    db.session.commit()
    flash(
        _("Confirmed. The account and its files were erased; the reporter has been told."),
        "success",
    )
    return redirect(url_for("admin.minor_reports"))


@bp.get("/minor-reports/<int:report_id>/file")
def minor_report_file(report_id: int):
    report = db.session.get(MinorReport, report_id)
    if report is None or report.file_key is None:
        abort(404)
    return file_response(
        documents.read_key(report.file_key),
        report.file_content_type,
        report.file_size,
        f"report-{report.reference}",
    )
