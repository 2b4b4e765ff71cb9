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
from flask import (
    Blueprint,
    Flask,
    current_app,
    g,
    has_app_context,
    has_request_context,
    redirect,
    request,
    url_for,
)
from flask_babel import _get_current_context, force_locale, get_locale, get_translations
from flask_login import current_user
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup

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
    looked up again whenever :func:`speaking_to` or ``force_locale`` changes the language.
    (Flask-Babel keeps each language's catalogue per process.)"""
    if not has_app_context():
        return NullTranslations()
    # Flask-Babel's namespace on g, reached without going through g's proxy each time.
    ctx = g._get_current_object().__dict__.get("_flask_babel") or _get_current_context()
    cached = ctx.__dict__.get("portal_translations")
    if cached is not None and cached[0] is ctx.__dict__.get("babel_locale"):
        return cached[1]
    translations = get_translations()
    ctx.portal_translations = (ctx.babel_locale, translations)
    return translations


def gettext(message: str) -> str:
    """``message`` in the language being rendered, through the request's catalogue (as the
    templates' ``_()``): for text a view hands a template, without a lazy string's detour."""
    return _translations().ugettext(message)


# Templates' _(), gettext() and the rest, as Jinja's i18n extension defines them with
# ``newstyle=True`` (the text marked safe when the template escapes, then formatted with the
# keyword arguments: always, even with none), but called directly: Jinja's own go through
# two more calls each and an alias.


def _formatted(eval_ctx: EvalContext, text: str, variables: dict) -> str:
    # Our own catalogue's text is trusted as Jinja trusts it; the variables are escaped.
    marked = Markup(text) if eval_ctx.autoescape else text  # noqa: S704
    if not variables and "%" not in text:
        return marked  # formatting would change nothing (most of a page's strings)
    return marked % variables


@pass_eval_context
def _gettext(eval_ctx: EvalContext, string: str, **variables) -> str:
    text = _translations().ugettext(string)
    return _formatted(eval_ctx, text, variables)


@pass_eval_context
def _ngettext(eval_ctx: EvalContext, singular: str, plural: str, num: int, **variables) -> str:
    variables.setdefault("num", num)
    text = _translations().ungettext(singular, plural, num)
    return _formatted(eval_ctx, text, variables)


@pass_eval_context
def _pgettext(eval_ctx: EvalContext, context: str, string: str, **variables) -> str:
    variables.setdefault("context", context)
    text = _translations().upgettext(context, string)
    return _formatted(eval_ctx, text, variables)


@pass_eval_context
def _npgettext(
    eval_ctx: EvalContext, context: str, singular: str, plural: str, num: int, **variables
) -> str:
    variables.setdefault("context", context)
    variables.setdefault("num", num)
    text = _translations().unpgettext(context, singular, plural, num)
    return _formatted(eval_ctx, text, variables)


def init_app(app: Flask) -> None:
    # Templates' _() and the rest through the per-request catalogue above; {% trans %} blocks
    # pass their variables as keyword arguments, as these functions take them.
    app.jinja_env.newstyle_gettext = True
    app.jinja_env.globals.update(
        _=_gettext,
        gettext=_gettext,
        ngettext=_ngettext,
        pgettext=_pgettext,
        npgettext=_npgettext,
    )
    # A global, not a context variable, so that imported macros see it too.
    app.jinja_env.globals["language_names"] = {
        code: NAMES[code] for code in app.config["LANGUAGES"]
    }

    @app.context_processor
    def _languages():
        return {"current_locale": current_language()}
