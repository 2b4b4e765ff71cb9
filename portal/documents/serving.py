"""Sending a stored file to a browser: decrypted as it streams, never cached, never sniffed."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain

from flask import Response

EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


def file_response(chunks: Iterator[bytes], content_type: str, size: int, name: str) -> Response:
    """``chunks`` of a decrypted file as an inline response named ``name`` + extension.

    The first chunk is read here, so a file that cannot be read fails as an error page
    rather than as a cut-off download.
    """
    first = next(chunks)
    extension = EXTENSIONS.get(content_type, "bin")
    response = Response(chain([first], chunks), mimetype=content_type)
    response.headers["Content-Length"] = str(size)
    response.headers["Content-Disposition"] = f'inline; filename="{name}.{extension}"'
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
