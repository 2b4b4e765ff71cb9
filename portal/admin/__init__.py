"""The staff back office. One guard covers every route: staff only, 404 for anyone else."""

from flask import Blueprint, abort
from flask_login import current_user

from portal.auth.models import STAFF_ROLES

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def _staff_only():
    # 404, not 403 or a login redirect: the back office does not admit it exists.
    if not current_user.is_authenticated or current_user.role not in STAFF_ROLES:
        abort(404)


# The feature modules attach their routes to bp when imported.
from portal.admin import (  # noqa: E402,F401
    accounts,
    disclosures,
    documents,
    minor_reports,
    outbox,
    policy,
    third_parties,
    unreachable,
    views,
)
