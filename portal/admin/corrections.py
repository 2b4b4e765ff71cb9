"""/admin/corrections: corrected values owed to third parties (PDPA s.35) that were not
passed on yet: those the door cannot send (a retired party, no endpoint), which staff pass
on another way and then mark, and those a partner has not accepted yet, which the daily
retention run tries again and staff may send at once."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.admin import bp
from portal.datamap import category_name
from portal.extensions import db
from portal.forms import ConfirmForm
from portal.pagination import page_number
from portal.sharing import services as sharing

PER_PAGE = 50


@bp.get("/corrections")
def corrections():
    page = page_number(request.args)
    items, more = sharing.corrections_for_staff(page=page, per_page=PER_PAGE)
    return render_template(
        "admin/corrections.html",
        items=items,
        more=more,
        page=page,
        form=ConfirmForm(),
        category_name=category_name,
        reason=sharing.correction_reason,
    )


def _open(correction_id: int):
    correction = sharing.correction_by_id(correction_id)
    if correction is None or correction.status not in ("pending", "staff"):
        abort(404)
    return correction


@bp.post("/corrections/<int:correction_id>/send")
def correction_send(correction_id: int):
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("admin.corrections"))
    correction = _open(correction_id)
    if correction.status != "pending":
        abort(404)
    name = correction.third_party.name
    accepted = sharing.send_correction_now(correction, current_user._get_current_object())
    db.session.commit()
    if accepted:
        flash(_("%(name)s accepted the correction.", name=name), "success")
    else:
        flash(
            _(
                "%(name)s did not accept the correction. It stays on this list and is tried again.",
                name=name,
            ),
            "error",
        )
    return redirect(url_for("admin.corrections"))


@bp.post("/corrections/<int:correction_id>/handled")
def correction_handled(correction_id: int):
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("admin.corrections"))
    correction = _open(correction_id)
    sharing.mark_correction_handled(correction, current_user._get_current_object())
    db.session.commit()
    flash(_("The correction is marked as passed on."), "success")
    return redirect(url_for("admin.corrections"))
