"""Compare the HTML of two screenshot walks, page for page, to show a refactoring changed no
page. Each walk is saved with ``PORTAL_SCREENSHOTS_HTML=folder .venv/bin/python
scripts/screenshots.py``; then

    .venv/bin/python scripts/compare_pages.py BEFORE_FOLDER AFTER_FOLDER

What differs between any two walks of the same code is masked first: the clock (times of
day, and dates with them), one-time values (CSRF tokens, two-factor secrets and their QR
codes, recovery codes, references) and the loopback port. Prints a unified diff of each page
that still differs and exits 1 if any does.
"""

from __future__ import annotations

import difflib
import re
import sys
from pathlib import Path

MASKS = (
    (re.compile(r'name="csrf_token"[^>]*value="[^"]*"'), 'name="csrf_token" value="…"'),
    (re.compile(r'(value|content)="[A-Za-z0-9._\-]{40,}"'), r'\1="…"'),  # tokens, secrets
    (re.compile(r"data:image/[a-z+]+;base64,[A-Za-z0-9+/=]+"), "data:image/…"),  # QR codes
    (re.compile(r"<svg[^>]*>.*?</svg>", re.S), "<svg>…</svg>"),  # QR codes drawn as SVG
    (re.compile(r"127\.0\.0\.1:\d+"), "127.0.0.1:PORT"),
    (re.compile(r'datetime="[^"]*"'), 'datetime="…"'),
    (re.compile(r"\b\d{1,2}[:.]\d{2}(?:[:.]\d{2})?(?:\s?[AaPp]\.?[Mm]\.?)?"), "HH:MM"),
    (re.compile(r"\b[A-Z2-9]{4,5}-[A-Z2-9]{4,5}\b"), "CODE"),  # recovery codes
    (re.compile(r"\b[0-9a-f]{4}(?:-[0-9a-f]{4}){1,3}\b"), "CODE"),
    (re.compile(r"\bKS-[A-Z0-9]{10}\b"), "REF"),  # disclosure references
    (re.compile(r'id="totp-secret">[^<]*<'), 'id="totp-secret">SECRET<'),  # two-factor keys
)


def masked(text: str) -> list[str]:
    for pattern, replacement in MASKS:
        text = pattern.sub(replacement, text)
    return text.splitlines(keepends=True)


def main(before: Path, after: Path) -> int:
    differ = same = 0
    for page in sorted(before.rglob("*.html")):
        other = after / page.relative_to(before)
        if not other.exists():
            print(f"missing after: {page.relative_to(before)}")
            differ += 1
            continue
        diff = list(
            difflib.unified_diff(
                masked(page.read_text()),
                masked(other.read_text()),
                str(page),
                str(other),
                n=1,
            )
        )
        if diff:
            differ += 1
            sys.stdout.writelines(diff)
        else:
            same += 1
    print(f"{same} pages identical, {differ} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main(Path(sys.argv[1]), Path(sys.argv[2])))
