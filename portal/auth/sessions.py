"""Login sessions kept in the database, so they can expire, be listed and be revoked.

The browser's signed cookie holds only a random token; the ``login_sessions`` row holds its
limits: 30 minutes idle and 12 hours in all, or 30 days with "keep me logged in". Because
the state is in the database, a session made on one web process is valid on every other.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TypeVar

from flask import Flask, current_app, g, has_app_context, request, session
from flask_login import current_user, login_user, logout_user
from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Select,
    bindparam,
    delete,
    event,
    select,
    update,
)
from sqlalchemy.orm import ORMExecuteState

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

T = TypeVar("T")


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


# --- what every request of a logged-in user needs, in one statement ---------------------------
# The login session, its account, and whatever the gates and the page around every view need
# about that account (whether a policy acceptance is due, the unread count): the features
# that know how to ask add a scalar subquery over the user's id (``load_with``, called by
# portal.gates at app start), so that one statement answers them all. The answers hold until
# the request writes to the database (``fact``); after that, the caller asks again.

_EXTENSION = "portal.sessions"
_FACTS = "login_facts"


@dataclass
class _Loader:
    facts: dict[str, Callable[[ColumnElement[int], BindParameter], ColumnElement]] = field(
        default_factory=dict
    )
    statement: Select | None = None  # built once: its compiled form is then cached

    def build(self) -> Select:
        if self.statement is None:
            now = bindparam("now", type_=LoginSession.expires_at.type)
            self.statement = (
                select(
                    User,
                    LoginSession.id,
                    LoginSession.expires_at,
                    LoginSession.last_seen_at,
                    LoginSession.remember,
                    LoginSession.authenticated_at,
                    *(column(User.id, now).label(name) for name, column in self.facts.items()),
                )
                .join_from(LoginSession, User, LoginSession.user_id == User.id)
                .where(LoginSession.token_hash == bindparam("token_hash"))
            )
        return self.statement


def load_with(
    app: Flask, name: str, column: Callable[[ColumnElement[int], BindParameter], ColumnElement]
) -> None:
    """Also load ``name`` with every logged-in request's session: ``column(user_id, now)`` is
    a scalar SQL expression over the account's id and the request's time."""
    loader = app.extensions[_EXTENSION]
    loader.facts[name] = column
    loader.statement = None


def fact(name: str, ask: Callable[[], T]) -> T:
    """What the session's statement loaded as ``name`` for this request; ``ask()`` instead
    when it did not (no session loaded yet), or the request has written to the database
    since (the answer may have changed)."""
    facts = g.get(_FACTS)
    if facts is not None and name in facts:
        return facts[name]
    return ask()


def _forget_facts(*_args) -> None:
    if has_app_context():
        g.pop(_FACTS, None)


def _forget_facts_on_write(execute_state: ORMExecuteState) -> None:
    if execute_state.is_insert or execute_state.is_update or execute_state.is_delete:
        _forget_facts()


def _load(token: str) -> User | None:
    now = utcnow()
    row = db.session.execute(
        current_app.extensions[_EXTENSION].build(),
        {"token_hash": secret_digest(token), "now": now},
    ).one_or_none()
    if row is None:
        return None
    user, session_id, expires_at, last_seen_at, remember, authenticated_at = row[:6]
    config = current_app.config
    idle_limit = config["SESSION_REMEMBER_LIFETIME"] if remember else config["SESSION_IDLE_TIMEOUT"]
    if user.is_staff:
        idle_limit = config["STAFF_IDLE_TIMEOUT"]
    if now >= expires_at or now - last_seen_at > idle_limit or user.disabled_at is not None:
        db.session.execute(delete(LoginSession).where(LoginSession.id == session_id))
        db.session.commit()
        return None
    if now - last_seen_at > _TOUCH_INTERVAL:
        db.session.execute(
            update(LoginSession).where(LoginSession.id == session_id).values(last_seen_at=now)
        )
        db.session.commit()
    names = current_app.extensions[_EXTENSION].facts  # kept after the writes above
    setattr(g, _FACTS, {name: row._mapping[name] for name in names})
    user.session_token = token
    user.authenticated_at = authenticated_at
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
    app.extensions[_EXTENSION] = _Loader()
    if not event.contains(db.session, "after_flush", _forget_facts):
        event.listen(db.session, "after_flush", _forget_facts)
        event.listen(db.session, "do_orm_execute", _forget_facts_on_write)


def load_user() -> None:
    """The request's user, resolved now (portal.gates' first gate): before the view changes
    anything, since loading may end or touch the session and commit."""
    current_user._get_current_object()
