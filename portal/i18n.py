"""Languages: which one a page is in, the switch in the header, and writing to someone in
their own language and time zone.

A page's language is the seller's own setting, then the visitor's cookie (set by the
switch), then the browser's preference, then English. The switch keeps the choice in a
cookie for everybody, and in the account for someone logged in, so their emails follow it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from babel.dates import get_timezone
from babel.support import NullTranslations
from flask import Blueprint, Flask, current_app, has_request_context, redirect, request, url_for
from flask_babel import _get_current_context, force_locale, get_locale, get_translations
from flask_login import current_user

from portal.extensions import db
from portal.security import is_safe_redirect

bp = Blueprint("i18n", __name__)

COOKIE = "portal_language"
COOKIE_LIFETIME = timedelta(days=365)
# Each language named in itself, as a person looking for their own language reads it.
NAMES = {"en": "English", "ms": "Bahasa Melayu"}


def languages() -> tuple[str, ...]:
    return tuple(current_app.config["LANGUAGES"])


def chosen(value: str | None) -> str | None:
    """``value`` if it is one of the portal's languages."""
    return value if value in languages() else None


def select_locale() -> str:
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if not has_request_context():
        return default
    if current_user.is_authenticated and chosen(current_user.locale):
        return current_user.locale
    return (
        chosen(request.cookies.get(COOKIE))
        or request.accept_languages.best_match(languages())
        or default
    )


def select_timezone() -> str | None:
    if has_request_context() and current_user.is_authenticated and current_user.timezone:
        return current_user.timezone
    return None  # BABEL_DEFAULT_TIMEZONE


def current_language() -> str:
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


@contextmanager
def speaking_to(locale: str | None, timezone: str | None) -> Iterator[None]:
    """Render for someone else: their language, and dates and times in their time zone
    (not those of whoever made the request that writes to them)."""
    ctx = _get_current_context()
    zone = get_timezone(timezone or current_app.config["BABEL_DEFAULT_TIMEZONE"])
    before = getattr(ctx, "babel_tzinfo", None) if ctx is not None else None
    with force_locale(chosen(locale) or current_app.config["BABEL_DEFAULT_LOCALE"]):
        if ctx is not None:
            ctx.babel_tzinfo = zone
        try:
            yield
        finally:
            if ctx is not None:
                ctx.babel_tzinfo = before


@bp.post("/language")
def switch():
    """The header's switch: remember the language, and go back to the page it was on."""
    language = chosen(request.form.get("language"))
    target = request.form.get("next")
    response = redirect(target if is_safe_redirect(target) else url_for("main.index"))
    if language is None:
        return response
    response.set_cookie(
        COOKIE,
        language,
        max_age=int(COOKIE_LIFETIME.total_seconds()),
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
    if current_user.is_authenticated and current_user.locale != language:
        current_user.locale = language
        db.session.commit()
    return response


def _translations():
    """The catalogue of the language being rendered, looked up once per language and request
    instead of once per string (a page has dozens): kept on the request's context, and
    looked up again whenever :func:`speaking_to` or ``force_locale`` changes the language."""
    ctx = _get_current_context()
    if ctx is None:
        return NullTranslations()
    cached = getattr(ctx, "portal_translations", None)
    locale = getattr(ctx, "babel_locale", None)
    if cached is not None and locale is not None and cached[0] is locale:
        return cached[1]
    translations = get_translations()
    ctx.portal_translations = (ctx.babel_locale, translations)
    return translations


def init_app(app: Flask) -> None:
    # Templates' _() and ngettext() through the per-request catalogue above.
    app.jinja_env.install_gettext_callables(
        gettext=lambda text: _translations().ugettext(text),
        ngettext=lambda one, many, n: _translations().ungettext(one, many, n),
        pgettext=lambda context, text: _translations().upgettext(context, text),
        npgettext=lambda context, one, many, n: _translations().unpgettext(context, one, many, n),
        newstyle=True,
    )
    # A global, not a context variable, so that imported macros see it too.
    app.jinja_env.globals["language_names"] = {
        code: NAMES[code] for code in app.config["LANGUAGES"]
    }

    @app.context_processor
    def _languages():
        return {"current_locale": current_language()}
