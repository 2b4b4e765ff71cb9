"""gunicorn's access log for the portal: JSON lines with the request id, and no query string
or token. Used by ``gunicorn.conf.py`` (``logger_class``)."""

from __future__ import annotations

from gunicorn.glogging import Logger

from portal.logs import redact

# One line per request: no query string (it can carry a search or a token), no user agent,
# no referrer; the client address only as the proxy gave it.
ACCESS_LOG_FORMAT = (
    '{"time": "%(t)s", "request_id": "%({x-request-id}o)s", "method": "%(m)s", '
    '"path": "%(U)s", "status": %(s)s, "bytes": "%(B)s", "ms": %(M)s}'
)


class PortalLogger(Logger):
    """Masks anything that looks like an email, a phone number or a token in the path."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("U", "r", "q"):
            if key in atoms and isinstance(atoms[key], str):
                atoms[key] = redact(atoms[key])
        return atoms
