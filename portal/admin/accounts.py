"""Staff change a seller's account state: an admin closes it or reopens what staff closed, a
reviewer or an admin lifts a freeze. Always with a reason, which goes into the audit trail;
the seller is emailed in their language.

Each act goes through the account state machine (:mod:`portal.auth.states`): one the
machine does not allow from the account's present state is a 404, as for an account that
is not a seller's. Who may use each route at all is the permissions matrix's business.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.account import age_check, termination
from portal.admin import bp, erasure_steps, sellers
from portal.admin.account_forms import LiftFreezeForm, ReopenForm, StaffTerminateForm
from portal.auth.states import Transition
from portal.extensions import db


@bp.route("/sellers/<int:seller_id>/terminate", methods=["GET", "POST"])
def terminate_seller(seller_id: int):
    seller = sellers.seller_or_404(seller_id)
    allowed = sellers.may_move(seller, Transition.TERMINATE)
    if request.method == "POST" and not allowed:
        abort(404)
    form = StaffTerminateForm()
    if allowed and form.validate_on_submit():
        termination.terminate(
            seller, actor=current_user._get_current_object(), reason=form.reason.data
        )
        db.session.commit()
        flash(
            _(
                "The account is closed; its data will be deleted on %(day)s.",
                day=termination.deletion_day(seller).isoformat(),
            ),
            "success",
        )
        return redirect(url_for("admin.index"))
    status = 400 if form.errors else 200
    return render_template(
        "admin/terminate_seller.html",
        seller=seller,
        form=form,
        allowed=allowed,
        lost=erasure_steps.what_goes(seller) if allowed else None,
    ), status


@bp.post("/sellers/<int:seller_id>/lift-freeze")
def seller_lift_freeze(seller_id: int):
    seller = sellers.seller_or_404(seller_id)
    if not sellers.may_move(seller, Transition.LIFT_FREEZE):
        abort(404)
    form = LiftFreezeForm()
    if not form.validate_on_submit():
        return sellers.page(seller, lift_form=form, status=400)
    age_check.lift(seller, current_user._get_current_object(), form.reason.data)
    db.session.commit()
    flash(_("The freeze is lifted and the seller has been emailed."), "success")
    return redirect(url_for("admin.seller", seller_id=seller.id))


@bp.post("/sellers/<int:seller_id>/reopen")
def seller_reopen(seller_id: int):
    seller = sellers.seller_or_404(seller_id)
    if not sellers.may_move(seller, Transition.REOPEN):
        abort(404)
    form = ReopenForm()
    if not form.validate_on_submit():
        return sellers.page(seller, reopen_form=form, status=400)
    try:
        termination.reopen(
            seller, staff=current_user._get_current_object(), reason=form.reason.data
        )
    except termination.TooLate:
        flash(_("The deletion date has passed: the account can no longer be reopened."), "error")
        return redirect(url_for("admin.seller", seller_id=seller.id))
    db.session.commit()
    flash(_("The account is open again and the seller has been emailed."), "success")
    return redirect(url_for("admin.seller", seller_id=seller.id))
