"""Optional two-factor log-in: TOTP codes from an authenticator app, and recovery codes.

A TOTP code is accepted once: the time step it belongs to is remembered, and a code from that
step or an earlier one is refused afterwards, so a code seen over a shoulder cannot be
replayed. Recovery codes are ten random codes, each usable once, stored only as hashes.
The QR code for the app is drawn here as SVG: the secret never leaves the portal.
"""

from __future__ import annotations

import secrets

import pyotp
import segno
from flask import current_app
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import delete, func, select, update

from portal.auth.models import RecoveryCode, User
from portal.clock import utcnow
from portal.extensions import db
from portal.links import public_url
from portal.outbox.services import queue_email
from portal.security import secret_digest

ISSUER = "Koopseri Seller Portal"
RECOVERY_CODE_COUNT = 10
_VALID_WINDOW = 1  # one 30-second step either side, for clocks that drift a little

# What a member of staff without two-factor log-in may reach: setting it up, and leaving.
# The app-wide gate (portal.gates) and the back office's own guard both read it.
STAFF_BEFORE_TWO_FACTOR = frozenset({"admin.two_factor", "auth.logout", "static"})


class InvalidCode(Exception):
    """The code given is not the current one, or was already used."""


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(uri: str) -> Markup:
    """The QR code of ``uri`` as an inline ``<svg>`` element (no XML declaration), ready for
    a template. Markup is safe here: ``uri`` only becomes path data, and segno escapes the title.
    """
    svg = segno.make(uri, error="m").svg_inline(scale=4, border=2, title=str(_l("QR code")))
    return Markup(svg)  # noqa: S704


def _matching_step(secret: str, code: str) -> int | None:
    """The time step ``code`` belongs to, within the allowed drift; None if none matches."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    now = utcnow()
    current = totp.timecode(now)
    for step in range(current - _VALID_WINDOW, current + _VALID_WINDOW + 1):
        if secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _accept_totp(user: User, code: str) -> bool:
    step = _matching_step(user.totp_secret or "", code)
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        return False
    # A conditional update, so two requests racing with the same code cannot both win.
    result = db.session.execute(
        update(User)
        .where(User.id == user.id)
        .where((User.totp_last_step.is_(None)) | (User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return False
    user.totp_last_step = step
    return True


def _hash_code(code: str) -> str:
    normal = "".join(code.split()).replace("-", "").lower()
    return secret_digest(normal)


def _accept_recovery_code(user: User, code: str) -> bool:
    result = db.session.execute(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == _hash_code(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def check_second_factor(user: User, code: str) -> bool:
    """True, once, for a current authenticator code or an unused recovery code of ``user``.

    Call it only once the password was right (every caller does): a right code then starts
    the count of wrong ones again, and a wrong one counts towards alerting the owner
    (:func:`_count_wrong_code`). Flushes; the caller commits either way.
    """
    if not user.two_factor_enabled or not code:
        return False
    if not (_accept_totp(user, code) or _accept_recovery_code(user, code)):
        _count_wrong_code(user)
        return False
    user.two_factor_failures = 0
    user.last_two_factor_failure_at = None
    return True


def _count_wrong_code(user: User) -> None:
    """Count a wrong code given with the right password: whoever typed it knows the password.

    At ``TWO_FACTOR_ALERT_THRESHOLD`` wrong codes, each within ``TWO_FACTOR_ALERT_WINDOW``
    of the one before, the owner is emailed, at most once per window. Blocking guesses is
    the rate limiter's work; this only tells the owner.
    """
    config = current_app.config
    now = utcnow()
    window = config["TWO_FACTOR_ALERT_WINDOW"]
    last = user.last_two_factor_failure_at
    if last is None or now - last > window:
        user.two_factor_failures = 0
    user.two_factor_failures += 1
    user.last_two_factor_failure_at = now
    told = user.two_factor_alerted_at
    recently_told = told is not None and now - told < window
    if user.two_factor_failures >= config["TWO_FACTOR_ALERT_THRESHOLD"] and not recently_told:
        user.two_factor_alerted_at = now
        queue_email(
            to=user.email,
            kind="two_factor_failed",
            subject=_l("Wrong two-factor codes were entered on your Koopseri account"),
            user=user,
            failures=user.two_factor_failures,
            reset_url=public_url("auth.reset_request"),
        )
    db.session.flush()


def _new_recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = secrets.token_hex(8)  # 64 random bits
        code = f"{raw[:4]}-{raw[4:8]}-{raw[8:12]}-{raw[12:]}"
        codes.append(code)
        db.session.add(RecoveryCode(user_id=user.id, code_hash=_hash_code(code)))
    db.session.flush()
    return codes


def enable(user: User, secret: str, code: str) -> list[str]:
    """Turn two-factor on once the app shows it has the secret; returns the recovery codes.

    Raises :class:`InvalidCode` if ``code`` is not the app's current code for ``secret``.
    """
    step = _matching_step(secret, code)
    if step is None:
        raise InvalidCode()
    user.totp_secret = secret
    user.totp_enabled_at = utcnow()
    user.totp_last_step = step
    codes = _new_recovery_codes(user)
    _alert(user, "two_factor_enabled", _l("Two-factor log-in is now on for your Koopseri account"))
    return codes


def disable(user: User) -> None:
    """Turn two-factor off: the secret and the recovery codes are deleted, the owner alerted."""
    user.totp_secret = None
    user.totp_enabled_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    _alert(
        user, "two_factor_disabled", _l("Two-factor log-in is now off for your Koopseri account")
    )


def regenerate_recovery_codes(user: User) -> list[str]:
    """Replace every recovery code with ten new ones; the owner is alerted."""
    codes = _new_recovery_codes(user)
    _alert(user, "recovery_codes_replaced", _l("New recovery codes for your Koopseri account"))
    return codes


def unused_recovery_codes(user: User) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )


def _alert(user: User, kind: str, subject) -> None:
    queue_email(to=user.email, kind=kind, subject=subject, user=user)
