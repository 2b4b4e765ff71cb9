"""Closing an account (/account/terminate), the page a closed account sees instead of the
portal (/account/closed), and taking the account back before its deletion date."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import formatting
from portal.account import bp, termination
from portal.account.forms import TerminateForm
from portal.auth import sessions, states, twofactor
from portal.auth.states import AccountStatus, Actor, Transition
from portal.clock import utcnow
from portal.extensions import db
from portal.forms import ConfirmForm
from portal.security import account_id, check_password, failed_guesses_limited


def _terminate_page(form: TerminateForm, status: int = 200):
    user = current_user._get_current_object()
    return (
        render_template(
            "account/terminate.html",
            form=form,
            # A frozen account stays as staff left it until they lift the freeze.
            may_close=states.allowed(user.status, Transition.CLOSE, Actor.SELLER),
            two_factor=user.two_factor_enabled,
            deletion_day=termination.deletion_due(utcnow(), termination.zone_of(user))
            .astimezone(termination.zone_of(user))
            .date(),
        ),
        status,
    )


# Per account, not per session: a new session must not bring new guesses.
@bp.route("/account/terminate", methods=["GET", "POST"])
@failed_guesses_limited("terminate", account_id)
def terminate():
    form = TerminateForm()
    user = current_user._get_current_object()
    if not states.allowed(user.status, Transition.CLOSE, Actor.SELLER):
        return _terminate_page(form, 409 if form.is_submitted() else 200)
    if not form.validate_on_submit():
        return _terminate_page(form, 400 if form.is_submitted() else 200)
    if not check_password(form.password.data, user.password_hash):
        g.login_failed = True
        form.password.errors.append(_("That is not your password. Nothing has been changed."))
        return _terminate_page(form, 400)
    if user.two_factor_enabled and not twofactor.check_second_factor(user, form.code.data):
        g.login_failed = True
        form.code.errors.append(_("That code is not right. Nothing has been changed."))
        db.session.commit()  # a recovery code tried is spent either way
        return _terminate_page(form, 400)
    termination.terminate(user, actor=user)
    day = termination.deletion_day(user)
    sessions.end_current(user)
    db.session.commit()
    flash(
        _(
            "Your account is closed. Your data will be deleted on %(day)s; until then you can "
            "log in to reactivate it.",
            day=_format_day(day),
        ),
        "success",
    )
    return redirect(url_for("main.index"))


@bp.get("/account/closed")
def closed():
    user = current_user._get_current_object()
    if user.status not in states.CLOSED:
        return redirect(url_for("main.dashboard"))
    return render_template(
        "account/closed.html",
        deletion_day=termination.deletion_day(user),
        by_staff=user.status == AccountStatus.CLOSED_BY_STAFF,
        can_reactivate=states.allowed(user.status, Transition.REACTIVATE, Actor.SELLER)
        and utcnow() < user.deletion_due_at,
        form=ConfirmForm(),
    )


@bp.post("/account/reactivate")
def reactivate():
    user = current_user._get_current_object()
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("account.closed"))
    try:
        termination.reactivate(user)
    except states.TransitionRefused:
        if user.status in states.CLOSED:
            flash(_("Koopseri closed your account: only Koopseri can reopen it."), "error")
            return redirect(url_for("account.closed"))
        return redirect(url_for("main.dashboard"))
    except termination.TooLate:
        flash(_("The deletion date has passed: the account can no longer be reactivated."), "error")
        return redirect(url_for("account.closed"))
    db.session.commit()
    flash(_("Welcome back. Your account is open again and nothing will be deleted."), "success")
    return redirect(url_for("main.dashboard"))


def _format_day(day) -> str:
    return formatting.day(day)
