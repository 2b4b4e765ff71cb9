"""The back office's start page: the count and oldest item of every queue the member of
staff may work on, each linking to its queue; features add their own admin pages."""

from flask import render_template
from flask_login import current_user

from portal.account import age_check
from portal.admin import bp
from portal.admin.permissions import Permission, may
from portal.auth import services as auth
from portal.breaches import services as breaches
from portal.clock import local_today, utcnow
from portal.documents import review
from portal.erasure import answers as erasure_answers
from portal.minor_reports import review as reports
from portal.outbox import monitor
from portal.profile import reachability
from portal.requests import services as privacy_requests
from portal.sharing import abroad, legal
from portal.sharing import services as sharing
from portal.verification import services as verification


@bp.get("/")
def index():
    sellers = auth.seller_count()
    minor_reports = None
    if may(current_user, Permission.HANDLE_MINOR_REPORTS):
        waiting = reports.open_reports(per_page=1)
        oldest = waiting.items[0].report.created_at if waiting.items else None
        minor_reports = {"count": waiting.total, "oldest": oldest}
    return render_template(
        "admin/index.html",
        role=current_user.role,
        sellers=sellers,
        mail=monitor.counts() if may(current_user, Permission.OPERATE_MAIL) else None,
        unreachable=reachability.summary() if may(current_user, Permission.REACH_SELLERS) else None,
        documents=review.queue_summary()
        if may(current_user, Permission.REVIEW_DOCUMENTS)
        else None,
        minor_reports=minor_reports,
        verification=verification.queue_counts()
        if may(current_user, Permission.FOLLOW_VERIFICATION)
        else None,
        disclosures_due=legal.review_summary(local_today())
        if may(current_user, Permission.RECORD_DISCLOSURES)
        else None,
        erasures=age_check.waiting() if may(current_user, Permission.CONFIRM_ERASURE) else None,
        privacy_requests=privacy_requests.summary()
        if may(current_user, Permission.HANDLE_PRIVACY_REQUESTS)
        else None,
        transfers_due=abroad.reviews_due(local_today())
        if may(current_user, Permission.READ_PROCESSING)
        else None,
        corrections=sharing.corrections_summary()
        if may(current_user, Permission.HANDLE_CORRECTIONS)
        else None,
        erasure_requests=erasure_answers.summary(utcnow())
        if may(current_user, Permission.FOLLOW_ERASURE_REQUESTS)
        else None,
        breach_clocks=breaches.open_clocks()
        if may(current_user, Permission.KEEP_BREACH_REGISTER)
        else None,
        clock_names=breaches.clock_names(),
        now=utcnow(),
    )
