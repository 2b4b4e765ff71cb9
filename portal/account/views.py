"""/account for sellers (consent, password, two-factor, sessions).

Every /account route acts on the logged-in seller's own account; the blueprint's guard lets
in sellers only (staff get 404, visitors the log-in page).
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from portal import crypto
from portal.account import bp, forms, services
from portal.auth import sessions, twofactor
from portal.auth.models import User
from portal.breaches import services as breaches
from portal.extensions import db
from portal.forms import ConfirmForm
from portal.policy import services as policy
from portal.security import reauth_required, sellers_only

bp.before_request(sellers_only())


def _me() -> User:
    return current_user._get_current_object()


# Values that must survive one redirect in this browser only: the secret being set up, and
# recovery codes waiting to be shown once. The session cookie is signed but readable, so they
# are encrypted in it, bound to the account.
_SETUP_KEY = "account.totp_setup"
_NEW_CODES = "account.recovery_codes"


def _stash(key: str, user: User, value: str) -> None:
    session[key] = crypto.encrypt(value, f"session:{key}:{user.id}")


def _unstash(key: str, user: User, *, pop: bool = False) -> str | None:
    stored = session.pop(key, None) if pop else session.get(key)
    if not stored:
        return None
    try:
        return crypto.decrypt(stored, f"session:{key}:{user.id}")
    except crypto.DecryptionError:
        session.pop(key, None)
        return None


@bp.get("/account")
def index():
    user = _me()
    return render_template(
        "account/index.html",
        consent=policy.latest_consent(user.id),
        two_factor=services.two_factor_status(user),
        devices=services.device_sessions(user),
        form=ConfirmForm(),
        breach_notices=breaches.notices_for(user.id),
    )


@bp.get("/account/consent")
def consent():
    """The version accepted, when and from where, its exact text, and every acceptance."""
    user = _me()
    history = policy.consent_history(user.id)
    latest = policy.latest_of(history)
    return render_template(
        "account/consent.html",
        consent=latest,
        text=policy.text_of(latest.policy_version, latest.language) if latest else None,
        history=history,
        current=policy.current_version(),
    )


@bp.route("/account/two-factor", methods=["GET", "POST"])
@reauth_required
def two_factor():
    """Set up two-factor: scan the QR code (or type the secret), then prove it with a code."""
    user = _me()
    if user.two_factor_enabled:
        flash(_("Two-factor log-in is already on."), "info")
        return redirect(url_for("account.index"))
    secret = _unstash(_SETUP_KEY, user)
    if secret is None:
        secret = twofactor.new_secret()
        _stash(_SETUP_KEY, user, secret)
        if request.method == "POST":  # the form outlived its secret (a log-in clears it)
            flash(_("Please scan this new QR code, then enter the code it gives."), "warning")
            return redirect(url_for("account.two_factor"))
    form = forms.TwoFactorSetupForm()
    if form.validate_on_submit():
        try:
            codes = twofactor.enable(user, secret, form.code.data)
        except twofactor.InvalidCode:
            form.code.errors.append(
                _(
                    "That code is not right. Check that your app shows Koopseri Seller Portal, then enter the code it shows now."
                )
            )
        else:
            db.session.commit()
            session.pop(_SETUP_KEY, None)
            _stash(_NEW_CODES, user, "\n".join(codes))
            flash(_("Two-factor log-in is now on."), "success")
            return redirect(url_for("account.recovery_codes"))
    form.code.data = ""
    qr = twofactor.qr_svg(twofactor.provisioning_uri(user, secret))
    groups = [secret[i : i + 4] for i in range(0, len(secret), 4)]
    return render_template(
        "account/two_factor.html",
        form=form,
        qr=qr,
        secret=" ".join(groups),
        issuer=twofactor.ISSUER,
    )


@bp.post("/account/two-factor/disable")
@reauth_required
def disable_two_factor():
    user = _me()
    if not (ConfirmForm().validate_on_submit() and user.two_factor_enabled):
        flash(_("Two-factor log-in is already off."), "info")
        return redirect(url_for("account.index"))
    twofactor.disable(user)
    db.session.commit()
    flash(_("Two-factor log-in is now off, and your recovery codes no longer work."), "success")
    return redirect(url_for("account.index"))


@bp.post("/account/two-factor/recovery-codes/new")
@reauth_required
def new_recovery_codes():
    user = _me()
    if not (ConfirmForm().validate_on_submit() and user.two_factor_enabled):
        flash(_("Recovery codes are for two-factor log-in, which is off."), "info")
        return redirect(url_for("account.index"))
    codes = twofactor.regenerate_recovery_codes(user)
    db.session.commit()
    _stash(_NEW_CODES, user, "\n".join(codes))
    flash(_("You have new recovery codes. The old ones no longer work."), "success")
    return redirect(url_for("account.recovery_codes"))


@bp.get("/account/two-factor/recovery-codes")
def recovery_codes():
    """Shows new recovery codes once: they leave the session as they are shown."""
    user = _me()
    codes = _unstash(_NEW_CODES, user, pop=True)
    return render_template(
        "account/recovery_codes.html",
        codes=codes.split("\n") if codes else [],
        two_factor_enabled=user.two_factor_enabled,
        form=ConfirmForm(),
    )


@bp.post("/account/sessions/<int:session_id>/end")
def end_session(session_id: int):
    if not (ConfirmForm().validate_on_submit() and sessions.end_one(_me(), session_id)):
        abort(404)
    db.session.commit()
    flash(_("That session has been signed out."), "success")
    return redirect(url_for("account.index"))


@bp.post("/account/sessions/end-others")
def end_other_sessions():
    ended = sessions.end_others(_me()) if ConfirmForm().validate_on_submit() else 0
    db.session.commit()
    if ended:
        message = ngettext(
            "%(num)d other session has been signed out.",
            "%(num)d other sessions have been signed out.",
            ended,
        )
        flash(message, "success")
    else:
        flash(_("There were no other sessions to sign out."), "info")
    return redirect(url_for("account.index"))
