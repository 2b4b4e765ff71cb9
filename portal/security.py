"""Password hashing and rules, signed tokens, rate limits, role checks and safe redirects.

Every password check in the portal goes through :func:`check_password`, including the
dummy check made for an unknown email, so that both paths do the same bcrypt work.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import urlsplit

import bcrypt
from flask import Response, abort, current_app, flash, g, redirect, request, url_for
from flask_babel import lazy_gettext as _l
from flask_limiter import RateLimitExceeded as RateLimitExceeded
from flask_login import current_user
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from limits import parse_many

from portal import events
from portal.clock import utcnow
from portal.extensions import limiter

_SCHEME = "bcrypt-sha256$"
_COMMON_PASSWORDS_FILE = Path(__file__).parent / "auth" / "data" / "common-passwords.txt"


# --- hashing -------------------------------------------------------------------------------


def _prehash(password: str) -> bytes:
    """SHA-256 then base64: 44 bytes, under bcrypt's 72-byte limit, whatever the length.

    bcrypt 5 raises on input over 72 bytes and older versions silently truncated it; a
    fixed-size digest means every character of a long passphrase counts and none errors.
    """
    digest = hashlib.sha256(password.encode("utf-8")).digest()
    return base64.b64encode(digest)


def hash_password(password: str, rounds: int | None = None) -> str:
    rounds = rounds or current_app.config["BCRYPT_ROUNDS"]
    hashed = bcrypt.hashpw(_prehash(password), bcrypt.gensalt(rounds=rounds))
    return _SCHEME + hashed.decode("ascii")


def check_password(password: str, stored: str) -> bool:
    """True if ``password`` matches ``stored``; False for a malformed hash, never an error."""
    if not stored.startswith(_SCHEME):
        return False
    try:
        return bcrypt.checkpw(_prehash(password), stored[len(_SCHEME) :].encode("ascii"))
    except ValueError:
        return False


@functools.cache
def _dummy_hash(rounds: int) -> str:
    return hash_password("not a password anyone has", rounds=rounds)


def burn_password_check(password: str) -> None:
    """Do the work of a real check against a hash of the configured cost, for unknown emails."""
    check_password(password, _dummy_hash(current_app.config["BCRYPT_ROUNDS"]))


# --- password rules --------------------------------------------------------------------------


@functools.cache
def _common_passwords() -> frozenset[str]:
    with _COMMON_PASSWORDS_FILE.open(encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip())


def password_problems(password: str, *, avoid: Iterable[str] = ()) -> list[str]:
    """Why ``password`` is not acceptable (empty list if it is).

    Length and the common-password list only: composition rules make passwords worse.
    ``avoid`` holds the account's own email and name, which must not be the password.
    """
    config = current_app.config
    problems = []
    if len(password) < config["PASSWORD_MIN_LENGTH"]:
        problems.append(_l("Use at least %(n)d characters.", n=config["PASSWORD_MIN_LENGTH"]))
    if len(password) > config["PASSWORD_MAX_LENGTH"]:
        problems.append(_l("Use at most %(n)d characters.", n=config["PASSWORD_MAX_LENGTH"]))
    folded = password.strip().lower()
    if folded in _common_passwords():
        problems.append(_l("This password is too common. Choose one that is harder to guess."))
    elif any(folded == value.strip().lower() for value in avoid if value):
        problems.append(_l("Your password must not be your email address or your name."))
    return problems


# --- signed tokens -------------------------------------------------------------------------


class TokenInvalid(Exception):
    """A link token that is forged, malformed, expired or already used."""

    def __init__(self, expired: bool = False):
        super().__init__("expired" if expired else "invalid")
        self.expired = expired


class TokenUsed(TokenInvalid):
    """A genuine link that has already done its job."""


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"portal.{purpose}")


def make_token(purpose: str, payload: dict) -> str:
    return _serializer(purpose).dumps(payload)


def read_token(purpose: str, token: str, max_age_seconds: int) -> dict:
    """The payload of a token made for ``purpose``, or :class:`TokenInvalid`."""
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age_seconds)
    except SignatureExpired as exc:
        raise TokenInvalid(expired=True) from exc
    except BadSignature as exc:
        raise TokenInvalid() from exc
    if not isinstance(payload, dict):
        raise TokenInvalid()
    return payload


def _keyed_digest(*parts: object) -> str:
    """HMAC-SHA256 of ``parts`` under ``SECRET_KEY``: the same on every web process."""
    key = current_app.config["SECRET_KEY"].encode()
    message = "\x1f".join(str(part) for part in parts).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def fingerprint(*parts: str) -> str:
    """A short keyed digest of account state; a token carrying it dies when the state changes."""
    return _keyed_digest(*parts)[:32]


def secret_digest(secret: str) -> str:
    """The SHA-256 of a random secret (a session token, a link's secret, a recovery code, a
    form's one-time value): what is stored instead of it, so a copy of the database holds
    nothing that works. The secrets are too random to need a key."""
    return hashlib.sha256(secret.encode()).hexdigest()


# --- rate limits ----------------------------------------------------------------------------


def limit_key(scope: str, *parts: object) -> str:
    """A rate-limit key: ``scope`` and a keyed digest of ``parts`` (an account id, an email,
    a session or device id). The limit store (Redis) is readable by more people and tools
    than the database, so it never holds an address, a bearer token or a device id as typed;
    the key is the same on every web process, which share ``SECRET_KEY``."""
    return f"{scope}:{_keyed_digest(*parts)}"


def rate_limited(
    setting: str,
    scope: str | None = None,
    by: Callable[[], object] | None = None,
    *,
    key: Callable[[], str] | None = None,
    methods: Iterable[str] | None = None,
    counted_when: Callable[[Response], bool] | None = None,
) -> Callable:
    """Limit a view (or a function a view calls) to the limits in config ``setting``
    (``"5 per hour;10 per day"``, read at each request); past them, 429
    (:class:`RateLimitExceeded`).

    Counted per client address, unless ``scope`` and ``by`` say what else: ``by()`` gives
    what is counted (an account id, an email address) and the key is ``limit_key(scope,
    by())``, which holds it only as a keyed digest. ``key`` instead gives a function that
    builds the whole key itself. ``methods`` limits only those methods (the
    POST of a form page, not its GET); ``counted_when`` counts a request only when it says
    so, from the response (failed guesses, not right answers). Stacked decorators each count.
    """
    if scope is not None:
        key = functools.partial(_scoped_key, scope, by)
    return limiter.limit(
        functools.partial(_setting, setting),
        key_func=key,
        methods=list(methods) if methods is not None else None,
        deduct_when=counted_when,
    )


def _setting(name: str) -> str:
    return current_app.config[name]


def _scoped_key(scope: str, by: Callable[[], object]) -> str:
    return limit_key(scope, by())


def failed_guesses_limited(
    scope: str | None = None,
    by: Callable[[], object] | None = None,
    *,
    key: Callable[[], str] | None = None,
    per_ip: bool = False,
) -> Callable:
    """Count failed guesses of a password or code (the view sets ``g.login_failed``) against
    the account's key (``scope`` and ``by``, or ``key``, as for :func:`rate_limited`), and
    against the client's address too with ``per_ip``; right answers never count. POSTs only."""

    def decorator(view: Callable) -> Callable:
        view = rate_limited(
            "RATELIMIT_LOGIN_FAILED_PER_ACCOUNT",
            scope,
            by,
            key=key,
            methods=["POST"],
            counted_when=_failed,
        )(view)
        if per_ip:
            view = rate_limited(
                "RATELIMIT_LOGIN_FAILED_PER_IP", methods=["POST"], counted_when=_failed
            )(view)
        return view

    return decorator


def _failed(response: Response) -> bool:
    return bool(g.get("login_failed"))


def account_id() -> int | str:
    """The logged-in account's id, for a rate-limit key; "" for a visitor."""
    return current_user.id if current_user.is_authenticated else ""


def within_limit(setting: str, scope: str, *parts: object) -> bool:
    """Count one event against the limits in config ``setting`` (``"5 per hour;10 per day"``)
    for the key ``limit_key(scope, *parts)``; False once any of them is exceeded.

    For limits a view's decorator cannot apply: those counted after the answer was sent, on
    something the answer must not reveal (an account that exists). The storage is the one
    Flask-Limiter uses (shared through Redis in production).
    """
    strategy = limiter.limiter
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or ""
    key = limit_key(scope, *parts)
    items = parse_many(current_app.config[setting])
    # Refused events are not counted: an hourly refusal must not use up the daily allowance.
    if not all(strategy.test(item, prefix, key) for item in items):
        events.rate_limit_refused.send(None)
        return False
    return all([strategy.hit(item, prefix, key) for item in items])


# --- access control ------------------------------------------------------------------------


def sellers_only(*exempt_endpoints: str) -> Callable:
    """A blueprint guard (``bp.before_request(sellers_only())``): logged-in sellers only.

    Visitors are sent to log in; staff get 404, as sellers do in the back office. The
    ``exempt_endpoints`` are the blueprint's public pages.
    """

    def guard():
        if request.endpoint in exempt_endpoints:
            return None
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
        if not current_user.is_seller:
            abort(404)
        return None

    return guard


def reauth_required(view: Callable) -> Callable:
    """Let the view run only if this browser gave the password (and code, with two-factor)
    within ``REAUTH_WINDOW``; otherwise send it to confirm first, then back.

    For sensitive acts: seeing a full bank number, changing bank details or the email,
    turning two-factor on or off. A form sent after the window closed changes nothing.
    """

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
        confirmed_at = current_user.authenticated_at
        window = current_app.config["REAUTH_WINDOW"]
        if confirmed_at is not None and utcnow() - confirmed_at <= window:
            return view(*args, **kwargs)
        if request.method == "GET":
            target = request.full_path.rstrip("?")
        else:
            flash(_l("Please confirm it is you again. Nothing has been changed yet."), "warning")
            referrer = urlsplit(request.referrer or "")
            same_site = referrer.netloc in ("", request.host)
            target = referrer.path if same_site and is_safe_redirect(referrer.path) else "/"
        return redirect(url_for("auth.confirm", next=target))

    return wrapped


def is_safe_redirect(target: str | None) -> bool:
    """Only same-site paths: no scheme, no host, no protocol-relative or backslash tricks."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ord(c) < 32 for c in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def client_user_agent() -> str:
    return (request.headers.get("User-Agent") or "")[:512]
