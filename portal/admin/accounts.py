"""/admin/sellers/<id>/terminate: an admin closes a seller's account, with a reason that
goes into the audit trail. The seller is emailed, as when they close it themselves."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.account import termination
from portal.admin import bp
from portal.admin.forms import StaffTerminateForm
from portal.auth.models import AccountStatus, Role, User
from portal.extensions import db


def _seller(seller_id: int) -> User:
    seller = db.session.get(User, seller_id)
    if seller is None or seller.role != Role.SELLER:
        abort(404)
    return seller


@bp.route("/sellers/<int:seller_id>/terminate", methods=["GET", "POST"])
def terminate_seller(seller_id: int):
    seller = _seller(seller_id)
    form = StaffTerminateForm()
    if seller.status == AccountStatus.TERMINATED:
        flash(_("This account is already closed."), "warning")
    elif form.validate_on_submit():
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
    return render_template("admin/terminate_seller.html", seller=seller, form=form), status
