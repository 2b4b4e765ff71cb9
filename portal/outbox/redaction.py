"""Hiding the links that prove a mailbox, in every copy of a mail body the portal shows or
hands out (the notification centre, the seller's export, and any place added later).

Opening a verification, reset or email-change link (or the link that cancels an email
change) proves that its holder reads the mailbox it was sent to. Shown in the portal, or
written into an export, it would let anyone holding the session prove that without the
mailbox. Such a link's view is marked with :func:`secret_link`, and
:func:`redact_secret_links` finds the links by the URL path of the marked routes, whatever
the kind of mail that carries them and whatever host the link was built with: a new kind of
mail, or a new secret-link route, is covered without a list to keep up to date.

Infrastructure: this module imports no feature. Features mark their own routes.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l

PLACEHOLDER = _l("(link sent by email only)")

_MARK = "portal_secret_link"
_CACHE = "portal.secret_link_pattern"
# The characters a link runs over in a plain-text body, and in an HTML attribute or text.
_LINK_CHARS = r"[^\s\"'<>]"


def secret_link(view: Callable) -> Callable:
    """Mark ``view`` as a route whose links prove a mailbox; put it under ``@bp.route``.

    Its URL must carry the secret in a variable (``/auth/reset/<token>``): the fixed part
    before the first variable is what :func:`redact_secret_links` looks for.
    """
    setattr(view, _MARK, True)
    return view


def secret_link_prefixes(app: Flask) -> list[str]:
    """The fixed start of every marked route's URL, e.g. ``/auth/reset/``, sorted."""
    prefixes = set()
    for rule in app.url_map.iter_rules():
        if getattr(app.view_functions.get(rule.endpoint), _MARK, False):
            fixed = rule.rule.split("<", 1)[0]
            if fixed == rule.rule:
                raise ValueError(f"a secret link's route needs a variable: {rule.rule}")
            prefixes.add(fixed)
    return sorted(prefixes)


def _pattern(app: Flask) -> re.Pattern:
    pattern = app.extensions.get(_CACHE)
    if pattern is None:
        starts = "|".join(re.escape(prefix) for prefix in secret_link_prefixes(app))
        # Whatever comes before the path (scheme, host, a path prefix of PUBLIC_URL) and after
        # it (the token, a query) is part of the link. No marked route: nothing matches.
        pattern = re.compile(f"{_LINK_CHARS}*(?:{starts}){_LINK_CHARS}+" if starts else r"(?!)")
        app.extensions[_CACHE] = pattern
    return pattern


def redact_secret_links(text: str, placeholder: str | None = None) -> str:
    """``text`` with every link to a marked route replaced by ``placeholder`` (by default
    "(link sent by email only)" in the current language). Other links are left as they are."""
    if not text:
        return text
    replacement = str(PLACEHOLDER) if placeholder is None else placeholder
    return _pattern(current_app).sub(lambda _match: replacement, text)
