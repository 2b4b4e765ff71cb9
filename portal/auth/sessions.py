"""Login sessions kept in the database, so they can expire, be listed and be revoked.

The browser's signed cookie holds only a random token; the ``login_sessions`` row holds its
limits: 30 minutes idle and 12 hours in all, or 30 days with "keep me logged in". Because
the state is in the database, a session made on one web process is valid on every other.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import Flask, current_app, request, session
from flask_login import login_user, logout_user
from sqlalchemy import delete, select, update
from sqlalchemy.orm import joinedload

from portal.auth.models import LoginSession, User
from portal.clock import utcnow
from portal.extensions import db, login_manager
from portal.security import (
    TokenInvalid,
    client_user_agent,
    fingerprint,
    make_token,
    read_token,
    secret_digest,
)

# Writing last_seen_at on every request would turn every page view into a write.
_TOUCH_INTERVAL = timedelta(minutes=1)


def start(user: User, *, remember: bool) -> None:
    """Log ``user`` in on this browser with a brand-new session (nothing anonymous survives)."""
    config = current_app.config
    session.clear()
    token = secrets.token_urlsafe(32)
    remember = remember and not user.is_staff  # staff sessions always end when idle
    lifetime = (
        config["SESSION_REMEMBER_LIFETIME"] if remember else config["SESSION_ABSOLUTE_TIMEOUT"]
    )
    now = utcnow()
    db.session.add(
        LoginSession(
            user_id=user.id,
            token_hash=secret_digest(token),
            expires_at=now + lifetime,
            remember=remember,
            ip_address=request.remote_addr,
            user_agent=client_user_agent(),
            authenticated_at=now,  # logging in is proving it is you
        )
    )
    user.session_token = token
    user.authenticated_at = now
    login_user(user, remember=False, fresh=True)
    session.permanent = remember


def end_current(user: User | None) -> None:
    """Log this browser out: its session row goes, and the cookie is emptied."""
    if user is not None and user.session_token:
        db.session.execute(
            delete(LoginSession).where(LoginSession.token_hash == secret_digest(user.session_token))
        )
    logout_user()
    session.clear()


def end_others(user: User) -> int:
    """End every session of ``user`` except this browser's; returns how many ended."""
    query = delete(LoginSession).where(LoginSession.user_id == user.id)
    if user.session_token:
        query = query.where(LoginSession.token_hash != secret_digest(user.session_token))
    return db.session.execute(query).rowcount


def end_one(user: User, session_id: int) -> bool:
    """End one of ``user``'s own sessions; False if ``session_id`` is not one of theirs."""
    result = db.session.execute(
        delete(LoginSession).where(LoginSession.id == session_id, LoginSession.user_id == user.id)
    )
    return result.rowcount == 1


def active_for(user: User) -> list[LoginSession]:
    """``user``'s sessions that have not expired, the most recently used first."""
    now = utcnow()
    return list(
        db.session.scalars(
            select(LoginSession)
            .where(LoginSession.user_id == user.id, LoginSession.expires_at > now)
            .order_by(LoginSession.last_seen_at.desc(), LoginSession.id.desc())
        )
    )


def is_current(user: User, row: LoginSession) -> bool:
    return bool(user.session_token) and row.token_hash == secret_digest(user.session_token)


def confirm_identity(user: User) -> None:
    """Record that this browser has just given the password (and code) again."""
    if not user.session_token:
        return
    now = utcnow()
    db.session.execute(
        update(LoginSession)
        .where(LoginSession.token_hash == secret_digest(user.session_token))
        .values(authenticated_at=now)
    )
    user.authenticated_at = now


def _load(token: str) -> User | None:
    # The account comes in the same statement: every request needs it.
    row = db.session.scalar(
        select(LoginSession)
        .options(joinedload(LoginSession.user, innerjoin=True))
        .where(LoginSession.token_hash == secret_digest(token))
    )
    if row is None:
        return None
    now = utcnow()
    idle_limit = (
        current_app.config["SESSION_REMEMBER_LIFETIME"]
        if row.remember
        else current_app.config["SESSION_IDLE_TIMEOUT"]
    )
    if row.user.is_staff:
        idle_limit = current_app.config["STAFF_IDLE_TIMEOUT"]
    if (
        now >= row.expires_at
        or now - row.last_seen_at > idle_limit
        or row.user.disabled_at is not None
    ):
        db.session.delete(row)
        db.session.commit()
        return None
    if now - row.last_seen_at > _TOUCH_INTERVAL:
        row.last_seen_at = now
        db.session.commit()
    user = row.user
    user.session_token = token
    user.authenticated_at = row.authenticated_at
    return user


# --- a log-in waiting for its second factor ---------------------------------------------------
# Between the right password and the right code the browser holds only this note in its
# (signed) session: no login session exists yet, so nothing is reachable with the password alone.

_PENDING = "pending_login"


@dataclass(frozen=True)
class PendingLogin:
    user: User
    remember: bool
    next_url: str | None


class PendingLoginExpired(Exception):
    """The code did not come within ``TWO_FACTOR_LOGIN_MAX_AGE`` of the password."""


def hold_for_second_factor(user: User, *, remember: bool, next_url: str | None) -> None:
    """Remember that this browser gave ``user``'s password, until it gives the code too."""
    session.clear()
    session[_PENDING] = {
        "u": user.id,
        "p": fingerprint("pending-login", user.password_hash),
        "r": bool(remember),
        "n": next_url,
        "t": utcnow().timestamp(),
    }


def pending_user_id() -> int | None:
    """The account of this browser's pending log-in, unchecked (for rate-limit keys)."""
    note = session.get(_PENDING)
    return note.get("u") if isinstance(note, dict) else None


def pending_login() -> PendingLogin | None:
    """This browser's log-in waiting for a code, or None; raises :class:`PendingLoginExpired`.

    A pending log-in is forgotten when it expires, and ignored once the account's password
    changes or two-factor is turned off, so an old note cannot finish a log-in.
    """
    note = session.get(_PENDING)
    if not isinstance(note, dict):
        return None
    age = utcnow().timestamp() - float(note.get("t", 0))
    if not 0 <= age <= current_app.config["TWO_FACTOR_LOGIN_MAX_AGE"].total_seconds():
        session.pop(_PENDING, None)
        raise PendingLoginExpired()
    user = db.session.get(User, note.get("u"))
    if (
        user is None
        or not user.two_factor_enabled
        or note.get("p") != fingerprint("pending-login", user.password_hash)
    ):
        session.pop(_PENDING, None)
        return None
    return PendingLogin(user=user, remember=bool(note.get("r")), next_url=note.get("n"))


# --- trusted devices --------------------------------------------------------------------------
# A browser that has logged in to an account before gets a signed cookie naming that account.
# Failed logins from such a browser are counted apart, so an attacker hammering the account
# elsewhere cannot lock its owner out (OWASP's "device cookies").


def issue_device_cookie(response, user: User) -> None:
    config = current_app.config
    value = make_token(
        "device", {"a": fingerprint("device", user.email), "n": secrets.token_hex(8)}
    )
    response.set_cookie(
        config["DEVICE_COOKIE_NAME"],
        value,
        max_age=int(config["DEVICE_COOKIE_LIFETIME"].total_seconds()),
        httponly=True,
        secure=config["SESSION_COOKIE_SECURE"],
        samesite="Lax",
    )


def trusted_device_for(email: str) -> str | None:
    """This browser's device id if it has logged in to ``email`` before, else None."""
    config = current_app.config
    value = request.cookies.get(config["DEVICE_COOKIE_NAME"])
    if not value:
        return None
    try:
        payload = read_token("device", value, int(config["DEVICE_COOKIE_LIFETIME"].total_seconds()))
    except TokenInvalid:
        return None
    if payload.get("a") != fingerprint("device", email):
        return None
    return str(payload.get("n", ""))


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.session_protection = None  # we rotate and expire sessions ourselves
    login_manager.login_view = "auth.login"
    login_manager.user_loader(_load)

    @app.before_request
    def _load_user_first():
        # Resolve the session before the view changes anything, since _load may commit.
        from flask_login import current_user

        current_user._get_current_object()
