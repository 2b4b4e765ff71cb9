"""No personal data in the logs, checked on the log of the whole test run.

Every log record of the run goes, through the same redaction and JSON formatting as in
production (:mod:`portal.logs`), into one file per test process. The servers the tests start
in processes of their own (gunicorn) put their logs in the same folder. At the end of the
run the controlling process searches every file for the names, emails and phone numbers
written in the tests' own source (and the demo data), as typed and URL-encoded, and fails
the run if it finds one.

The redaction masks what looks like an email, a phone number or a token, so the search
is for what it cannot recognise: names, and emails or numbers in another spelling.
"""

from __future__ import annotations

import copy
import logging
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest

from portal.logs import JsonFormatter, Redact

ROOT = Path(__file__).resolve().parent.parent
LOG_DIR_ENV = "PORTAL_TEST_LOG_DIR"
_WORKER_KEY = "portal_test_log_dir"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Names as the tests pass them: full_name="…", account_holder="…", holder="…", name="…".
_NAME = re.compile(
    r"""(?:full_name|account_holder|holder_name|legal_name)\s*[=:]\s*["']([^"'{}]{5,})["']"""
)
# Phone numbers as the tests type them: +60…, 01…-…, at least 9 digits.
_PHONE = re.compile(r"""["'](\+?\d[\d \-]{7,16}\d)["']""")
# Sender addresses of the portal itself are not anybody's personal data.
_NOT_PERSONAL = {"no-reply@koopseri.com"}


class _RunLog(logging.FileHandler):
    """Writes a redacted copy of each record, leaving the original to the other handlers
    (pytest's own capture, which some tests read)."""

    def handle(self, record: logging.LogRecord) -> bool:
        return super().handle(copy.copy(record))


def run_log(path: Path) -> logging.Handler:
    """A handler writing as production does: redacted, one JSON object a line."""
    handler = _RunLog(path, encoding="utf-8")
    handler.addFilter(Redact())
    handler.setFormatter(JsonFormatter())
    return handler


def log_dir() -> Path | None:
    """The run's log folder, for servers started in a process of their own."""
    value = os.environ.get(LOG_DIR_ENV)
    return Path(value) if value else None


def needles(sources: Iterable[Path]) -> set[str]:
    """Every name, email and phone number written in these files, in the spellings a log
    could carry them: as typed, URL-encoded, and (phones) digits only."""
    found: set[str] = set()
    for path in sources:
        text = path.read_text(encoding="utf-8")
        for email in _EMAIL.findall(text):
            if email.lower() not in _NOT_PERSONAL:
                found |= {email, quote(email, safe=""), quote_plus(email)}
        for name in _NAME.findall(text):
            found |= {name, quote(name), quote_plus(name)}
        for phone in _PHONE.findall(text):
            digits = re.sub(r"\D", "", phone)
            if len(digits) >= 10:
                found |= {phone, quote_plus(phone), digits}
    return found


def findings(lines: Iterable[str], personal: set[str]) -> Iterator[tuple[str, str]]:
    """(value, line) for each line of a log that carries one of the values."""
    # Longest first, so the match reported is the whole value, not a part of it.
    ordered = sorted(personal, key=len, reverse=True)
    for line in lines:
        lowered = line.lower()
        for value in ordered:
            if value.lower() in lowered:
                yield value, line
                break


def _sources() -> list[Path]:
    return sorted((ROOT / "tests").rglob("*.py")) + [ROOT / "portal" / "cli" / "demo.py"]


def pytest_configure(config: pytest.Config) -> None:
    worker = getattr(config, "workerinput", None)
    if worker is not None:
        folder = Path(worker[_WORKER_KEY])
        name = worker["workerid"]
    else:
        folder = Path(tempfile.mkdtemp(prefix="portal-test-logs-"))
        name = "main"
        config._portal_log_dir = folder  # type: ignore[attr-defined]
    os.environ[LOG_DIR_ENV] = str(folder)
    logging.getLogger().addHandler(run_log(folder / f"{name}.log"))


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node) -> None:
    """xdist: each worker writes into the controller's folder."""
    node.workerinput[_WORKER_KEY] = str(node.config._portal_log_dir)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if hasattr(session.config, "workerinput"):
        return
    for handler in logging.getLogger().handlers:
        if isinstance(handler, _RunLog):
            handler.flush()
    folder: Path = session.config._portal_log_dir  # type: ignore[attr-defined]
    personal = needles(_sources())
    hits = []
    lines = 0
    for path in sorted(folder.glob("*.log")):
        text = path.read_text(encoding="utf-8", errors="replace").splitlines()
        lines += len(text)
        hits += [(path.name, value, line) for value, line in findings(text, personal)]
    session.config._portal_log_scan = (lines, len(personal), hits)  # type: ignore[attr-defined]
    if hits and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    scan = getattr(config, "_portal_log_scan", None)
    if scan is None:
        return
    lines, searched, hits = scan
    if not hits:
        terminalreporter.write_line(
            f"log scan: {lines} log lines of this run searched for {searched} personal values "
            "from the tests; none found"
        )
        return
    terminalreporter.section("personal data in the logs", red=True, bold=True)
    for name, value, line in hits[:50]:
        terminalreporter.write_line(f"{name}: {value!r} in {line[:400]}")
    terminalreporter.write_line(f"{len(hits)} log lines carry personal data", red=True)
