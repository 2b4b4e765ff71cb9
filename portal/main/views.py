"""Home, dashboard, /healthz (alive) and /readyz (ready for requests)."""

import logging
from functools import cache

from flask import current_app, jsonify, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy import Select, bindparam, text

from portal import storage
from portal.extensions import db, limiter
from portal.main import bp
from portal.policy import services as policy
from portal.profile import services as profile_services
from portal.verification import services as verification
from portal.verification import wording

log = logging.getLogger(__name__)


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
    """200 while the process answers at all: a process manager restarts it when not. Asks
    nothing else, so a database outage does not get every web process restarted."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    """200 when what a request needs answers: the database, Redis when the rate limits are
    kept there, the document storage. 503 otherwise, naming only the part that is down, for
    the load balancer to send requests elsewhere meanwhile."""
    parts = {"database": _database_ready()}
    if current_app.config["RATELIMIT_STORAGE_URI"].startswith(("redis://", "rediss://")):
        parts["redis"] = _redis_ready()
    parts["storage"] = _storage_ready()
    answer = {name: "ok" if up else "down" for name, up in parts.items()}
    return jsonify(answer), 200 if all(parts.values()) else 503


def _database_ready() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:
        db.session.rollback()
        log.warning("readyz: the database did not answer")
        return False
    return True


def _redis_ready() -> bool:
    try:
        return bool(limiter.storage.check())
    except Exception:
        log.warning("readyz: the rate limits' Redis did not answer")
        return False


def _storage_ready() -> bool:
    try:
        return storage.ready()
    except Exception:
        log.warning("readyz: the document storage did not answer")
        return False
