"""/profile/business: the "Business details" section, and the TIN in full behind the password.

Like every profile route, these act on the logged-in seller's own data only (the blueprint's
guard lets in sellers only; no URL carries a seller's id).
"""

from __future__ import annotations

from flask import redirect, render_template, request, url_for

from portal.profile import bp, services
from portal.profile.business import SELLING_AS_LABELS, selling_as_label
from portal.profile.business_forms import BusinessForm
from portal.profile.views import _me, _saved
from portal.security import reauth_required


@bp.route("/business", methods=["GET", "POST"])
def business():
    """How the seller sells and, as that asks, the registered name, SSM number, TIN and SST
    number. The TIN on file is never put in the page: an empty box keeps it."""
    user = _me()
    details = services.business_of(user.id)
    if request.method == "POST":
        form = BusinessForm(keep_tin=bool(details and details.tin_last4))
    else:
        form = BusinessForm.for_details(details, formdata=None)
    if form.validate_on_submit():
        return _saved(services.update_business(user, form.to_business(), actor=user), "business")
    return render_template(
        "profile/business.html", form=form, details=details, kinds=SELLING_AS_LABELS
    )


@bp.get("/business/tin")
@reauth_required
def business_tin():
    """The TIN in full, once the seller has confirmed their password (as the account number)."""
    details = services.business_of(_me().id)
    if details is None or details.tin is None:
        return redirect(url_for("profile.business"))
    return render_template("profile/tin.html", details=details, selling_as_label=selling_as_label)
