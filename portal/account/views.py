"""/account for sellers; /retention for everyone."""

from flask import abort, render_template
from flask_login import current_user, login_required

from portal.account import bp
from portal.policy import services as policy


@bp.get("/account")
@login_required
def index():
    if not current_user.is_seller:
        abort(404)
    return render_template("account/index.html", consent=policy.latest_consent(current_user.id))


@bp.get("/retention")
def retention():
    return render_template("account/retention.html")
