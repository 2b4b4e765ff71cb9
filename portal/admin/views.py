"""The back office's start page; features add their own admin pages."""

from flask import render_template
from flask_login import current_user
from sqlalchemy import func, select

from portal.admin import bp
from portal.auth.models import Role, User
from portal.auth.services import local_today
from portal.documents import review
from portal.documents.services import REVIEW_ROLES
from portal.extensions import db
from portal.outbox import monitor, reachability
from portal.reports import review as reports
from portal.sharing import legal


@bp.get("/")
def index():
    sellers = db.session.scalar(
        select(func.count()).select_from(User).where(User.role == Role.SELLER)
    )
    operator = current_user.role in (Role.ADMIN, Role.SUPPORT)
    reviewer = current_user.role in REVIEW_ROLES
    documents = review.queue_summary() if reviewer else None
    minor_reports = reports.open_reports(per_page=1)[1] if reviewer else None
    return render_template(
        "admin/index.html",
        role=current_user.role,
        sellers=sellers,
        mail=monitor.counts() if operator else None,
        unreachable=reachability.summary() if operator else None,
        documents=documents,
        minor_reports=minor_reports,
        disclosures_due=legal.review_summary(local_today())
        if current_user.role == Role.ADMIN
        else None,
    )
