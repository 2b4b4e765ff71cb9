"""Upload size limits per view, and a size error the browser can actually show.

Forms are capped by ``MAX_CONTENT_LENGTH`` (1 MB). A view that takes files names its own
cap with :func:`accepts_uploads`; the request reads it before anything parses the body
(the CSRF check does, before any view runs). Werkzeug streams each file part of a body to a
temporary file, so no upload is held in memory.

When a body is over the cap, answering at once would close the connection while the
browser is still sending, and it would show "connection reset" instead of our page. So the
rest of the body is read and thrown away first, up to ``UPLOAD_DRAIN_MAX_BYTES``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import Request, current_app, request

_DRAIN_CHUNK = 64 * 1024


def accepts_uploads(files: int = 1) -> Callable:
    """Let the view take ``files`` files of up to ``UPLOAD_MAX_BYTES`` each (plus form fields)."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            return view(*args, **kwargs)

        wrapped.upload_files = files
        return wrapped

    return decorator


class PortalRequest(Request):
    @property
    def max_content_length(self) -> int | None:
        if self._max_content_length is None and current_app and self.endpoint:
            view = current_app.view_functions.get(self.endpoint)
            files = getattr(view, "upload_files", None)
            if files:
                return files * current_app.config["UPLOAD_MAX_BYTES"] + 64 * 1024
        return super().max_content_length

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value


def drain_body() -> None:
    """Read what is left of an oversized request body, so the error page reaches the browser."""
    stream = request.environ.get("wsgi.input")
    declared, cap = request.content_length, request.max_content_length
    # Only a body refused for its declared length is untouched and safe to read to its end;
    # one refused halfway through parsing has an unknown rest, and reading could block.
    if stream is None or not declared or cap is None or declared <= cap:
        return
    remaining = min(declared, current_app.config["UPLOAD_DRAIN_MAX_BYTES"])
    try:
        while remaining > 0:
            chunk = stream.read(min(_DRAIN_CHUNK, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
    except OSError:
        pass  # the client went away; there is no one to answer


def is_upload_view() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "upload_files", None))
