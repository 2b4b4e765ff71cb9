"""/notifications: the seller's copies of our emails, one message, and "mark all read".

Every route acts on the logged-in seller's own messages; a message id that is not theirs
is a 404, like one that does not exist. The unread count for the navigation bar comes
from the context processor below, for sellers only.
"""

from __future__ import annotations

from flask import (
    abort,
    flash,
    g,
    has_request_context,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.auth import sessions
from portal.extensions import db
from portal.notifications import bp, forms, services
from portal.outbox.kinds import Category
from portal.pagination import page_number
from portal.security import sellers_only

bp.before_request(sellers_only())

# General notices carry no badge.
CATEGORY_LABELS = {Category.SECURITY: _l("Security notice"), Category.LEGAL: _l("Legal notice")}


@bp.app_context_processor
def _unread_notifications():
    # Every page of a logged-in seller shows the count, only when a template asks (emails
    # rendered in the request do not); it comes with the login session's statement, unless
    # the request has since written (a message opened: then it is counted again, once).
    if not has_request_context() or request.endpoint == "static":
        return {}
    if not current_user.is_authenticated or not current_user.is_seller:
        return {}
    return {"unread_notifications": _count_once}


def _count_once() -> int:
    return sessions.fact("unread_notifications", _count)


def _count() -> int:
    if "unread_notifications" not in g:
        g.unread_notifications = services.unread_count(current_user.id)
    return g.unread_notifications


@bp.context_processor
def _labels():
    return {"category_labels": CATEGORY_LABELS}


@bp.get("/")
def index():
    page = services.page_of(current_user.id, page=page_number(request.args))
    return render_template("notifications/index.html", page=page, form=forms.ReadAllForm())


@bp.get("/<int:message_id>")
def message(message_id: int):
    unread = _count_once()  # before the write: from the session's statement
    try:
        notice, marked = services.open_message(current_user.id, message_id)
    except services.NotFound:
        abort(404)
    g.unread_notifications = unread - marked  # so the badge needs no count after the write
    page = render_template("notifications/message.html", notice=notice)  # before the commit
    db.session.commit()  # expires the message: rendered after, it would be read again
    return page


@bp.post("/read-all")
def read_all():
    if not forms.ReadAllForm().validate_on_submit():
        abort(400)
    marked = services.mark_all_read(current_user.id)
    db.session.commit()
    if marked:
        flash(_("All your notifications are marked as read."), "success")
    else:
        flash(_("You had no unread notifications."), "info")
    return redirect(url_for("notifications.index"))
