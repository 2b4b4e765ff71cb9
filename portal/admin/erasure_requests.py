"""/admin/erasure-requests: the erasure requests third parties have not answered yet.

A party whose API could not erase all it held was emailed at its privacy contact; one without
a privacy contact waits for staff; one the API could not reach yet is tried again by the daily
retention run. Those emailed 30 days ago or more without an answer come first, as overdue.
Staff record the party's answer (its words and the day it came), which closes the request
(:mod:`portal.erasure.answers`).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.admin import bp
from portal.admin.erasure_request_forms import AnswerForm
from portal.clock import utcnow
from portal.erasure import answers
from portal.extensions import db
from portal.pagination import page_number

PER_PAGE = 50


@bp.get("/erasure-requests")
def erasure_requests():
    page = page_number(request.args)
    items, more = answers.unanswered(utcnow(), page=page, per_page=PER_PAGE)
    return render_template("admin/erasure_requests.html", items=items, more=more, page=page)


@bp.route("/erasure-requests/<int:request_id>", methods=["GET", "POST"])
def erasure_request(request_id: int):
    item = answers.open_request(request_id, utcnow())
    if item is None:
        abort(404)
    form = AnswerForm()
    if form.validate_on_submit():
        try:
            reference = answers.record_answer(
                request_id,
                current_user._get_current_object(),
                form.answer.data,
                form.answered_on.data,
            )
        except answers.NotOpen:
            abort(404)
        except answers.AnsweredBeforeAsked:
            form.answered_on.errors.append(
                _("The answer cannot be dated before the request was made.")
            )
        else:
            db.session.commit()
            flash(_("The answer to %(reference)s is recorded.", reference=reference), "success")
            return redirect(url_for("admin.erasure_requests"))
    return render_template("admin/erasure_request.html", item=item, form=form)
