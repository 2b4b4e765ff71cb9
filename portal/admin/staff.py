"""Staff accounts in the back office: setting up the two-factor log-in every member of staff
must use, and disabling (or enabling again) an account, which ends its sessions at once."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import crypto
from portal.account.forms import TwoFactorSetupForm
from portal.admin import bp
from portal.auth import staff as staff_accounts
from portal.auth import twofactor
from portal.auth.services import User
from portal.extensions import db
from portal.forms import ConfirmForm
from portal.security import reauth_required

_SETUP_KEY = "admin.totp_setup"


@bp.route("/two-factor", methods=["GET", "POST"])
@reauth_required
def two_factor():
    """The first thing a member of staff does: scan the QR code, prove it with a code."""
    user = current_user._get_current_object()
    if user.two_factor_enabled:
        return redirect(url_for("admin.index"))
    context = f"session:{_SETUP_KEY}:{user.id}"
    try:
        secret = crypto.decrypt(session[_SETUP_KEY], context) if _SETUP_KEY in session else None
    except crypto.DecryptionError:
        secret = None
    if secret is None:
        secret = twofactor.new_secret()
        session[_SETUP_KEY] = crypto.encrypt(secret, context)
    form = TwoFactorSetupForm()
    if form.validate_on_submit():
        try:
            codes = twofactor.enable(user, secret, form.code.data)
        except twofactor.InvalidCode:
            form.code.errors.append(_("That code is not right. Enter the code your app shows now."))
        else:
            db.session.commit()
            session.pop(_SETUP_KEY, None)
            flash(_("Two-factor log-in is now on. Welcome to the back office."), "success")
            return render_template(
                "account/recovery_codes.html", codes=codes, done_url=url_for("admin.index")
            )
    form.code.data = ""
    groups = [secret[i : i + 4] for i in range(0, len(secret), 4)]
    return render_template(
        "account/two_factor.html",
        form=form,
        qr=twofactor.qr_svg(twofactor.provisioning_uri(user, secret)),
        secret=" ".join(groups),
        issuer=twofactor.ISSUER,
        form_action=url_for("admin.two_factor"),
        required=True,
    )


@bp.get("/staff")
def staff():
    return render_template("admin/staff.html", members=staff_accounts.members(), form=ConfirmForm())


def _member(staff_id: int, *, disabled: bool, confirmed: bool = True) -> User:
    """The member of staff, if in the state the button acts on; otherwise 404."""
    member = staff_accounts.member(staff_id)
    if member is None or (member.disabled_at is not None) != disabled:
        abort(404)
    if confirmed and not ConfirmForm().validate_on_submit():
        abort(400)
    return member


@bp.route("/staff/<int:staff_id>/disable", methods=["GET", "POST"])
def staff_disable(staff_id: int):
    """The GET says what disabling does to whom, before the red button; the POST does it."""
    member = _member(staff_id, disabled=False, confirmed=request.method == "POST")
    if request.method == "GET":
        return render_template(
            "admin/staff_disable.html",
            member=member,
            own=member.id == current_user.id,
            form=ConfirmForm(),
        )
    try:
        staff_accounts.disable(member, by=current_user._get_current_object())
    except staff_accounts.OwnAccount:
        flash(_("You cannot disable your own account."), "error")
    else:
        db.session.commit()
        flash(_("%(email)s is disabled and logged out everywhere.", email=member.email), "success")
    return redirect(url_for("admin.staff"))


@bp.post("/staff/<int:staff_id>/enable")
def staff_enable(staff_id: int):
    member = _member(staff_id, disabled=True)
    staff_accounts.enable(member, by=current_user._get_current_object())
    db.session.commit()
    flash(_("%(email)s can log in again.", email=member.email), "success")
    return redirect(url_for("admin.staff"))
