"""/admin/minor-reports: open reports about minors, for reviewers and admins.

Every action names the report and, for an account, a seller the report matches; anything
else is a 404, and so is a closed report. Erasing takes two people: a reviewer or admin
proposes (the seller is frozen from then on), another admin confirms."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.account import age_check, under_age
from portal.admin import bp, erasure_steps
from portal.admin.erasure_steps import ConfirmErasureForm
from portal.admin.minor_report_forms import DismissForm, QuestionForm
from portal.auth.states import TransitionRefused
from portal.documents import services as documents
from portal.documents.serving import file_response
from portal.extensions import db
from portal.forms import ConfirmForm
from portal.minor_reports import review
from portal.minor_reports.forms import RELATIONSHIPS
from portal.pagination import page_number


@bp.get("/minor-reports")
def minor_reports():
    found = review.open_reports(page=page_number(request.args))
    return render_template(
        "admin/minor_reports.html", items=found.items, total=found.total, page=found.page
    )


@bp.get("/minor-reports/<int:report_id>")
def minor_report(report_id: int):
    return _report_page(report_id, QuestionForm(), DismissForm())


def _report_page(report_id, question_form, dismiss_form, status=200):
    report = review.get_report(report_id)
    if report is None:
        abort(404)
    matches = review.matches(report)
    return (
        render_template(
            "admin/minor_report.html",
            report=report,
            matches=matches,
            proposals=age_check.pending_for([user.id for user, _profile in matches]),
            relationships=RELATIONSHIPS,
            question_form=question_form,
            dismiss_form=dismiss_form,
            action_form=ConfirmErasureForm(),
        ),
        status,
    )


def _open_report(report_id: int):
    report = review.get_open_report(report_id)
    if report is None:
        abort(404)
    return report


def _matched(report, user_id: int) -> None:
    try:
        review.matched_seller(report, user_id)
    except LookupError:
        abort(404)


@bp.post("/minor-reports/<int:report_id>/question")
def minor_report_question(report_id: int):
    form = QuestionForm()
    _open_report(report_id)
    if not form.validate_on_submit():
        return _report_page(report_id, form, DismissForm(), 400)
    review.ask_reporter(report_id, form.question.data, current_user._get_current_object())
    db.session.commit()
    flash(_("Your question was emailed to the reporter."), "success")
    return redirect(url_for("admin.minor_report", report_id=report_id))


@bp.post("/minor-reports/<int:report_id>/dismiss")
def minor_report_dismiss(report_id: int):
    form = DismissForm()
    _open_report(report_id)
    if not form.validate_on_submit():
        return _report_page(report_id, QuestionForm(), form, 400)
    try:
        review.dismiss(report_id, current_user._get_current_object(), form.reason.data)
    except review.ReasonRequired:
        dismiss_form = DismissForm()
        dismiss_form.reason.errors = [_("Give the reason: it is kept with the report.")]
        return _report_page(report_id, QuestionForm(), dismiss_form, 400)
    db.session.commit()
    flash(_("Report dismissed; the reporter has been told."), "success")
    return redirect(url_for("admin.minor_reports"))


@bp.post("/minor-reports/<int:report_id>/freeze/<int:user_id>")
def minor_report_freeze(report_id: int, user_id: int):
    _matched(_open_report(report_id), user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        review.freeze(report_id, user_id, current_user._get_current_object())
    except TransitionRefused:
        abort(404)  # closed, or awaiting verification: nothing to freeze
    db.session.commit()
    flash(_("The account is frozen and the seller asked for proof of age."), "success")
    return redirect(url_for("admin.minor_report", report_id=report_id))


@bp.post("/minor-reports/<int:report_id>/propose/<int:user_id>")
def minor_report_propose(report_id: int, user_id: int):
    _matched(_open_report(report_id), user_id)
    return erasure_steps.propose(
        lambda staff: review.propose_erasure(report_id, user_id, staff),
        back=url_for("admin.minor_report", report_id=report_id),
        unticked=_("Tick the box to confirm that this account belongs to a minor."),
    )


@bp.route("/minor-reports/<int:report_id>/confirm/<int:user_id>", methods=["GET", "POST"])
def minor_report_confirm(report_id: int, user_id: int):
    """A second person, an admin, confirms the erasure proposed from this report; the GET is
    the page that says what will be erased, before the button."""
    report = _open_report(report_id)
    proposed = under_age.is_proposed(user_id, under_age.from_report(report.id, report.reference))
    here = url_for("admin.minor_report_confirm", report_id=report_id, user_id=user_id)
    if request.method == "GET":
        return erasure_steps.confirmation_page(
            user_id,
            proposed=proposed,
            action=here,
            back=url_for("admin.minor_report", report_id=report_id),
        )
    return erasure_steps.confirm(
        lambda staff: review.confirm(report_id, user_id, staff),
        proposed=proposed,
        back=here,
        unticked=_("Tick the box to confirm that this account belongs to a minor."),
        done=url_for("admin.minor_reports"),
        erased=_("Confirmed. The account and its files were erased; the reporter has been told."),
    )


@bp.get("/minor-reports/<int:report_id>/file")
def minor_report_file(report_id: int):
    report = review.get_report(report_id)
    if report is None or report.file_key is None:
        abort(404)
    return file_response(
        documents.read_key(report.file_key),
        report.file_content_type,
        report.file_size,
        f"report-{report.reference}",
    )
