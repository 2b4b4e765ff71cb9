"""Absolute links to the portal, built from configuration only.

A link that leaves the portal (in an email, above all) must point at the portal, not at
whatever ``Host`` the request that caused it carried. Flask's ``url_for`` makes an absolute
URL from the request's scheme and host, so a reset request sent with
``Host: evil.example`` would mail the real seller a link to the attacker's site (host header
poisoning, OWASP WSTG-INPV-17). :func:`public_url` builds from ``PUBLIC_URL`` alone, the
same during a request, in the mail worker and in a CLI command.

Production also refuses requests for any other host (Flask's ``TRUSTED_HOSTS``, which
``portal.config`` fills from ``PUBLIC_URL``): :func:`init_app` makes that refusal the very
first thing a request meets, and a plain 400.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from flask import Flask, current_app, request, url_for
from werkzeug.exceptions import SecurityError

from portal.errors import MESSAGES


def public_url(endpoint: str, **values) -> str:
    """The absolute URL of ``endpoint`` under ``PUBLIC_URL``, e.g. ``https://host/prefix/path``.

    Takes the values ``url_for`` takes (``_external`` is accepted and ignored: the result is
    always absolute; ``_anchor`` and ``_method`` work as there), so it can stand in for
    ``url_for`` in email templates. Raises werkzeug's ``BuildError`` for an unknown endpoint
    or missing values, as ``url_for`` does.
    """
    app = current_app._get_current_object()
    base = urlsplit(app.config["PUBLIC_URL"])
    adapter = app.url_map.bind(
        base.netloc,
        script_name=base.path.rstrip("/") or "/",  # a portal served under a path prefix
        url_scheme=base.scheme,
    )
    values.pop("_external", None)
    anchor = values.pop("_anchor", None)
    method = values.pop("_method", None)
    app.inject_url_defaults(endpoint, values)
    url = adapter.build(endpoint, values, method=method, force_external=True)
    if anchor is not None:
        url += "#" + quote(anchor, safe="%!#$&'()*+,/:;=?@")  # as Flask's url_for quotes it
    return url


# The load balancer's health check may name the web host by its address (an AWS target
# group's does, and cannot be told otherwise), and Prometheus scrapes each host by its
# address. These show nothing personal and build no link, so they are answered whatever
# their Host says (/metrics still only to METRICS_ALLOW or METRICS_TOKEN).
ANY_HOST_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


def init_app(app: Flask) -> None:
    """Answer 400 to a request whose Host is not trusted, before any other hook runs.

    Flask 3.1 checks ``TRUSTED_HOSTS`` when it builds the request's URL adapter, but only
    raises the ``SecurityError`` when the view would be dispatched: the app's before-request
    hooks (sessions, gates) would still run first, without a way to build URLs. The factory
    calls this right after ``portal.logs`` assigns the request id, so the refusal is still
    logged with its id, and before every other extension adds its hooks.
    """

    app.wsgi_app = _AnyHostFor(app.wsgi_app, urlsplit(app.config["PUBLIC_URL"]).netloc)
    app.jinja_env.globals["page_link"] = page_link

    @app.before_request
    def _refuse_untrusted_host():
        if isinstance(request.routing_exception, SecurityError):
            raise request.routing_exception

    @app.errorhandler(SecurityError)
    def _untrusted_host(error: SecurityError):
        # Not the error page: its layout builds URLs, which need a trusted host.
        return str(MESSAGES[400][0]), 400, {"Content-Type": "text/plain; charset=utf-8"}


class _AnyHostFor:
    """WSGI middleware: the paths in :data:`ANY_HOST_PATHS` are served as for PUBLIC_URL's host."""

    def __init__(self, wsgi_app, host: str):
        self.wsgi_app, self.host = wsgi_app, host

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") in ANY_HOST_PATHS:
            environ["HTTP_HOST"] = self.host  # in place: the outer middleware reads this dict
        return self.wsgi_app(environ, start_response)


# The layout's links (the navigation, the footer, its stylesheet) are the same on every page:
# a path built from the URL map, which does not change once the app runs, and the script
# root. Built once per process and root instead of some twenty url_for calls a page.
_PAGE_LINKS: dict[tuple, str] = {}
_PAGE_LINKS_MAX = 256  # only the layout's fixed links are asked; a bound all the same


def page_link(endpoint: str, **values: str) -> str:
    """``url_for(endpoint, **values)`` for a link that depends on nothing but its arguments
    (a relative path: never ``_external``), remembered per app and script root."""
    key = (id(current_app._get_current_object()), request.script_root, endpoint, *values.items())
    link = _PAGE_LINKS.get(key)
    if link is None:
        link = url_for(endpoint, **values)
        if len(_PAGE_LINKS) < _PAGE_LINKS_MAX:
            _PAGE_LINKS[key] = link
    return link
