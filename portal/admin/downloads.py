"""Files the back office hands out as downloads: CSV for the Commissioner and for auditors
(the register of privacy requests, the record of processing).

No caching header here: every response to someone logged in is already ``no-store``
(``portal.register_security_headers``)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from flask import Response

# A cell a spreadsheet would take for a formula is made plain text (OWASP, CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_file(rows: Iterable[Iterable], filename: str) -> Response:
    """``rows`` (the header first) as a CSV attachment named ``filename``."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow(_cell(value) for value in row)
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
