"""The staff back office. One guard covers every route: staff only (404 for anyone else),
two-factor log-in set up first, then the permissions matrix (``permissions.py``)."""

from flask import Blueprint, abort, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.admin.permissions import Permission, endpoint_allowed, may
from portal.auth.roles import STAFF_ROLES
from portal.auth.twofactor import STAFF_BEFORE_TWO_FACTOR

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def _guard():
    # 404, not 403 or a login redirect: the back office does not admit it exists.
    if not current_user.is_authenticated or current_user.role not in STAFF_ROLES:
        abort(404)
    if not current_user.two_factor_enabled and request.endpoint not in STAFF_BEFORE_TWO_FACTOR:
        return redirect(url_for("admin.two_factor"))
    if not endpoint_allowed(current_user.role, request.endpoint):
        abort(404)
    return None


@bp.app_context_processor
def _permissions():
    return {"may": lambda name: may(current_user, Permission[name])}


ROLE_NAMES = {
    "admin": _l("Administrator"),
    "reviewer": _l("Reviewer"),
    "support": _l("Support"),
    "dpo": _l("Data Protection Officer"),
    "system": _l(
        "System"
    ),  # an act of the portal itself (portal.audit.services.record with no actor)
}


@bp.app_template_filter("role_name")
def _role_name(role) -> str:
    """A staff role as people call it, in the page's language."""
    value = getattr(role, "value", role)
    return str(ROLE_NAMES.get(value, value))


STATUS_NAMES = {
    "unverified": _l("Awaiting verification"),
    "active": _l("Active"),
    "frozen": _l("Frozen"),
    "closed_by_seller": _l("Closed by the seller"),
    "closed_by_staff": _l("Closed by Koopseri"),
}


@bp.app_template_filter("status_name")
def _status_name(status) -> str:
    """An account's state (``portal.auth.states``) as staff call it, in the page's language."""
    value = getattr(status, "value", status)
    return str(STATUS_NAMES.get(value, value))


# The feature modules attach their routes to bp when imported.
from portal.admin import (  # noqa: E402,F401
    accounts,
    audit,
    breaches,
    corrections,
    disclosures,
    documents,
    erasure_requests,
    minor_reports,
    outbox,
    policy,
    privacy_requests,
    processing,
    seller_data,
    sellers,
    staff,
    third_parties,
    unreachable,
    verification,
    views,
)
