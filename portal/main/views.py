"""Home, dashboard and /healthz."""

from functools import cache

from flask import jsonify, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import Select, bindparam, text

from portal.extensions import db
from portal.main import bp
from portal.policy import services as policy
from portal.profile import services as profile_services
from portal.verification import services as verification
from portal.verification import wording


@bp.get("/")
def index():
    return render_template("main/index.html")


@cache
def _dashboard() -> Select:
    # What the dashboard shows, in one round trip: the profile and what has been given (the
    # profile's statement), with the latest acceptance of the policy (the policy's columns).
    # Built once per process; each request binds only the account's id.
    user_id = bindparam("user_id")
    return profile_services.profile_and_given_statement(
        user_id, *policy.latest_acceptance_columns(user_id)
    )


@bp.get("/dashboard")
@login_required
def dashboard():
    if current_user.is_staff:
        return redirect(url_for("admin.index"))
    user = current_user._get_current_object()
    profile, has_bank, has_photo, version, accepted_at = db.session.execute(
        _dashboard(), {"user_id": user.id}
    ).one()
    items = profile_services.completeness(user, profile, bank=has_bank, photographs=has_photo)
    checked = verification.summary(user.id)
    return render_template(
        "main/dashboard.html",
        consent=policy.Acceptance(version, accepted_at) if version else None,
        completeness=items,
        missing=[item for item in items if not item.done],
        reviewed=profile_services.review_of(user, profile),
        verification=checked,
        to_do=[item for item in checked.requirements if item.state != verification.State.SATISFIED],
        words=wording,
    )


@bp.get("/healthz")
def healthz():
    """200 when the database answers, 503 when it does not; says nothing more either way."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:
        db.session.rollback()
        return jsonify(status="unavailable"), 503
    return jsonify(status="ok")
