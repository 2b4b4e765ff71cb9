"""Register, verify, log in and out, reset and change the password."""

from __future__ import annotations

from flask import (
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from portal import crypto
from portal.auth import bp, forms, passwords, registration, services, sessions, twofactor
from portal.clock import local_today
from portal.deferred import after_response
from portal.extensions import db
from portal.forms import ConfirmForm
from portal.outbox.redaction import secret_link
from portal.policy import services as policy
from portal.security import (
    TokenInvalid,
    TokenUsed,
    account_id,
    client_user_agent,
    failed_guesses_limited,
    is_safe_redirect,
    limit_key,
    rate_limited,
)


def _login_account_key() -> str:
    """Failed logins per account, keyed by a digest of the email (no addresses in Redis).

    Known and unknown emails are counted alike; a browser that has logged in to the account
    before counts on its own key, so strangers' failures cannot lock the owner out.
    """
    email = services.normalize_email(request.form.get("email", ""))
    device = sessions.trusted_device_for(email)
    if device:
        return limit_key("login-account-device", email, device)
    return limit_key("login-account", email)


def _form_email() -> str:
    # Keyed by a digest (``limit_key``): the address cannot be read back from Redis, even
    # by trying a list of addresses.
    return services.normalize_email(request.form.get("email", ""))


def _not_refused_minor(response) -> bool:
    # A refused under-18 leaves no trace at all, not even a rate-limit counter.
    return not g.get("refused_minor")


# Where the last link was mailed, and what for ("verify" or "reset"), so the "check your email"
# pages can show the address (masked) and send the link again. Encrypted: the session cookie
# is signed, not secret.
_SENT_TO = "check_email"
_PURPOSES = ("verify", "reset")


def _remember_sent_to(email: str, purpose: str) -> None:
    encrypted = crypto.encrypt(services.normalize_email(email), f"session:{_SENT_TO}")
    session[_SENT_TO] = {"to": encrypted, "for": purpose}


def _sent_to() -> tuple[str, str] | None:
    value = session.get(_SENT_TO)
    if not isinstance(value, dict) or value.get("for") not in _PURPOSES:
        return None
    try:
        return crypto.decrypt(value["to"], f"session:{_SENT_TO}"), value["for"]
    except (crypto.DecryptionError, KeyError, TypeError, ValueError):
        return None


def _sent_to_email() -> str:
    sent = _sent_to()
    return sent[0] if sent else ""


def _check_email_page(template: str, sent: tuple[str, str] | None):
    masked = services.mask_email(sent[0]) if sent else None
    return render_template(template, masked=masked, form=ConfirmForm())


# Per address too: each attempt with a registered address mails its owner ("someone tried to
# register"), so the address's mailbox is what the limit protects.
@bp.route("/register", methods=["GET", "POST"])
@rate_limited("RATELIMIT_SIGNUP_PER_IP", methods=["POST"], counted_when=_not_refused_minor)
@rate_limited(
    "RATELIMIT_SIGNUP_PER_EMAIL",
    "signup-email",
    by=_form_email,
    methods=["POST"],
    counted_when=_not_refused_minor,
)
def register():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    version = policy.current_version()
    form = forms.RegistrationForm()
    if request.method == "GET":
        form.policy_version.data = str(version.version)
    if form.validate_on_submit():
        data = registration.Registration(
            full_name=form.full_name.data,
            email=form.email.data,
            password=form.password.data,
            date_of_birth=form.date_of_birth.data,
            phone_e164=form.phone.e164,
            policy_version=int(form.policy_version.data or 0),
            ip_address=request.remote_addr or "",
            user_agent=client_user_agent(),
            locale=str(get_locale()),
        )
        try:
            registration.register(data, today=local_today())
        except registration.UnderAge:
            g.refused_minor = True
            return render_template("auth/under_age.html")
        except registration.PolicyChanged:
            form.policy_version.data = str(version.version)
            form.consent.data = False
            flash(
                _(
                    "The privacy policy has just been updated. Please read version %(n)s and accept it to continue.",
                    n=version.version,
                ),
                "warning",
            )
        else:
            db.session.commit()
            _remember_sent_to(form.email.data, "verify")
            return redirect(url_for("auth.check_email"))
    status = 400 if form.errors else 200
    return render_template("auth/register.html", form=form, version=version), status


@bp.get("/check-email")
def check_email():
    sent = _sent_to()
    template = "auth/reset_sent.html" if sent and sent[1] == "reset" else "auth/check_email.html"
    return _check_email_page(template, sent)


# "Send the link again": the same answer for every address (known, unknown, confirmed or
# not), the mail itself sent after answering and only to an account that is waiting for it;
# counted per address and per client address whether or not the address has an account.
@bp.post("/check-email")
@rate_limited("RATELIMIT_RESEND_PER_EMAIL", "resend-email", by=_sent_to_email)
@rate_limited("RATELIMIT_RESEND_PER_IP")
def send_again():
    sent = _sent_to()
    if not ConfirmForm().validate_on_submit() or sent is None:
        flash(
            _(
                "We no longer know which address to send the link to. Please log in, or ask for a new password link, again."
            ),
            "warning",
        )
        return redirect(url_for("auth.login"))
    email, purpose = sent
    if purpose == "reset":
        after_response(passwords.request_password_reset, email)
    else:
        after_response(registration.resend_verification, email)
    flash(
        _(
            "If a link can go to this address, we have sent a new link. It can take a few minutes to arrive; check your spam folder too."
        ),
        "info",
    )
    return redirect(url_for("auth.check_email"))


@bp.route("/verify/<token>", methods=["GET", "POST"])
@secret_link
def verify(token: str):
    form = ConfirmForm()
    try:
        if form.validate_on_submit():
            registration.verify_email(token)
            db.session.commit()
            flash(_("Your email address is confirmed. You can now log in."), "success")
            return redirect(url_for("auth.login"))
        registration.verification_target(token)
    except TokenUsed:
        flash(_("This link has already been used: your email address is confirmed."), "info")
        return redirect(url_for("auth.login"))
    except TokenInvalid as exc:
        return render_template("auth/link_invalid.html", expired=exc.expired, kind="verify"), 400
    return render_template("auth/verify.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
@failed_guesses_limited(key=_login_account_key, per_ip=True)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = forms.LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        result = services.authenticate(form.email.data, form.password.data)
        user = result.user
        if user is None:
            g.login_failed = True
            if result.failed_account_id is not None:
                after_response(services.record_failed_login, result.failed_account_id)
            flash(_("The email or password is not right. Please try again."), "error")
        elif not user.is_verified:
            registration.send_verification(user)
            db.session.commit()
            _remember_sent_to(user.email, "verify")
            return _check_email_page("auth/verify_first.html", _sent_to())
        else:
            target = form.next.data if is_safe_redirect(form.next.data) else None
            if not user.two_factor_enabled:
                return _log_in(user, remember=form.remember.data, target=target)
            sessions.hold_for_second_factor(user, remember=form.remember.data, next_url=target)
            db.session.commit()  # the reset failure count from authenticate()
            return redirect(url_for("auth.two_factor"))
    form.password.data = ""
    return render_template("auth/login.html", form=form)


def _log_in(user, *, remember: bool, target: str | None):
    """Start the session; ``target`` was checked with ``is_safe_redirect`` by the caller."""
    sessions.start(user, remember=remember)
    services.record_login(user)
    db.session.commit()
    response = redirect(target or url_for("main.dashboard"))
    sessions.issue_device_cookie(response, user)
    return response


def _pending_account() -> int | str:
    return sessions.pending_user_id() or ""


@bp.route("/two-factor", methods=["GET", "POST"])
@failed_guesses_limited("two-factor-login", _pending_account, per_ip=True)
def two_factor():
    """The second step of a log-in with two-factor on: the password was right, now the code."""
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    try:
        pending = sessions.pending_login()
    except sessions.PendingLoginExpired:
        flash(_("Your log-in took too long to finish. Please log in again."), "warning")
        return redirect(url_for("auth.login"))
    if pending is None:
        return redirect(url_for("auth.login"))
    form = forms.TwoFactorLoginForm()
    if form.validate_on_submit():
        if twofactor.check_second_factor(pending.user, form.code.data):
            return _log_in(pending.user, remember=pending.remember, target=pending.next_url)
        g.login_failed = True
        db.session.commit()  # the count of wrong codes, and the owner's alert at the threshold
        form.code.errors.append(
            _(
                "That code is not right, or it has been used already. Enter the code your app shows now, or an unused recovery code."
            )
        )
    form.code.data = ""
    return render_template("auth/two_factor.html", form=form)


@bp.post("/logout")
def logout():
    form = ConfirmForm()
    if form.validate_on_submit() and current_user.is_authenticated:
        sessions.end_current(current_user._get_current_object())
        db.session.commit()
        flash(_("You have logged out."), "info")
    return redirect(url_for("main.index"))


# Per address and per client address, counted whether or not the address has an account, so
# the 429 tells nothing; the mail itself is capped per account too (request_password_reset).
@bp.route("/reset", methods=["GET", "POST"])
@rate_limited("RATELIMIT_RESET_PER_EMAIL", "reset-email", by=_form_email, methods=["POST"])
@rate_limited("RATELIMIT_RESET_PER_IP", methods=["POST"])
def reset_request():
    form = forms.ResetRequestForm()
    if form.validate_on_submit():
        after_response(passwords.request_password_reset, form.email.data)
        _remember_sent_to(form.email.data, "reset")
        return _check_email_page("auth/reset_sent.html", _sent_to())
    return render_template("auth/reset_request.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@secret_link
def reset(token: str):
    try:
        user = passwords.user_for_reset_token(token)
    except TokenInvalid as exc:
        used = isinstance(exc, TokenUsed)
        return render_template(
            "auth/link_invalid.html", expired=exc.expired, used=used, kind="reset"
        ), 400
    form = forms.NewPasswordForm(account_email=user.email)
    if form.validate_on_submit():
        passwords.reset_password(token, form.password.data)
        db.session.commit()
        flash(_("Your password has been changed. Please log in with your new password."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form)


@bp.route("/password", methods=["GET", "POST"])
@login_required
@failed_guesses_limited("password-change", account_id)
def change_password():
    user = current_user._get_current_object()
    form = forms.ChangePasswordForm(account_email=user.email)
    if form.validate_on_submit():
        try:
            passwords.change_password(user, form.current_password.data, form.password.data)
        except passwords.WrongPassword:
            g.login_failed = True  # a session thief must not guess the password here either
            form.current_password.errors.append(_("Your current password is not right."))
        else:
            db.session.commit()
            flash(
                _("Your password has been changed. Every other session has been logged out."),
                "success",
            )
            return redirect(url_for("account.index"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/confirm", methods=["GET", "POST"])
@login_required
@failed_guesses_limited("password-change", account_id)
def confirm():
    """Ask for the password (and code) again before a sensitive act, then go back to it."""
    user = current_user._get_current_object()
    form = forms.ConfirmIdentityForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    if form.validate_on_submit():
        if passwords.confirm_identity(user, form.password.data, form.code.data or ""):
            db.session.commit()
            target = form.next.data if is_safe_redirect(form.next.data) else None
            return redirect(target or url_for("main.dashboard"))
        g.login_failed = True
        db.session.commit()  # a wrong code after the right password counts, as at log-in
        message = (
            _("The password or the authentication code is not right.")
            if user.two_factor_enabled
            else _("The password is not right.")
        )
        form.password.errors.append(message)
    form.password.data = ""
    minutes = int(current_app.config["REAUTH_WINDOW"].total_seconds() // 60)
    return render_template(
        "auth/confirm.html", form=form, two_factor=user.two_factor_enabled, minutes=minutes
    )
