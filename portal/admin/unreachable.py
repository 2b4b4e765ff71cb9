"""/admin/unreachable: sellers whom email cannot reach, and each attempt to reach them."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.accesslog import services as accesslog
from portal.admin import bp
from portal.extensions import db
from portal.pagination import page_number
from portal.profile import choices as profile_choices
from portal.profile import reachability
from portal.profile import services as profile
from portal.profile.contact_forms import CHANNELS, OUTCOMES, ContactAttemptForm


@bp.get("/unreachable")
def unreachable():
    found = reachability.unreachable(page=page_number(request.args))
    return render_template(
        "admin/unreachable.html", items=found.items, total=found.total, page=found.page
    )


@bp.get("/unreachable/<int:seller_id>")
def unreachable_seller(seller_id: int):
    return _seller_page(seller_id, ContactAttemptForm())


def _seller_page(seller_id: int, form: ContactAttemptForm, status: int = 200):
    flagged = reachability.flagged_seller(seller_id)
    if flagged is None:
        abort(404)
    seller = flagged.seller
    # The phone number and address are shown to reach the seller: a look to record.
    accesslog.record(current_user, seller.id, "contact details")
    db.session.commit()
    return (
        render_template(
            "admin/unreachable_seller.html",
            seller=seller,
            reach=flagged,
            profile=profile.profile_of(seller.id),
            attempts=reachability.attempts_for(seller.id),
            form=form,
            channels=CHANNELS,
            outcomes=OUTCOMES,
            state_name=profile_choices.state_name,
            country_name=profile_choices.country_name,
        ),
        status,
    )


@bp.post("/unreachable/<int:seller_id>/attempts")
def unreachable_attempt(seller_id: int):
    form = ContactAttemptForm()
    if reachability.flagged_seller(seller_id) is None:
        abort(404)
    if not form.validate_on_submit():
        return _seller_page(seller_id, form, 400)
    reachability.log_attempt(
        seller_id, current_user, form.channel.data, form.outcome.data, form.note.data or ""
    )
    db.session.commit()
    flash(_("Attempt recorded."), "success")
    return redirect(url_for("admin.unreachable_seller", seller_id=seller_id))
