"""Browser tests: the real portal on a live loopback server, driven by Debian's Chromium.

Every test under ``tests/e2e`` is marked ``browser``. Without ``/usr/bin/chromium`` they are
skipped, unless ``PORTAL_TEST_REQUIRE_SERVICES=1`` (CI), where a missing browser is a failure.
Playwright never downloads a browser here: it always launches the system Chromium.
"""

from __future__ import annotations

import email
import email.message
import email.policy
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.livesite import CHROMIUM, CHROMIUM_ARGS, build_app, serve

REQUIRE_SERVICES = os.environ.get("PORTAL_TEST_REQUIRE_SERVICES") == "1"
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items):
    # Hooks in a sub-directory conftest see every collected item: mark only our own.
    for item in items:
        if HERE in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.browser)


@dataclass
class LiveServer:
    url: str
    instance_path: Path
    app: object

    @property
    def mail_folder(self) -> Path:
        return self.instance_path / "mail"

    def emails_to(self, address: str) -> list[email.message.EmailMessage]:
        """Every .eml written so far to ``address``, oldest first."""
        if not self.mail_folder.exists():
            return []
        found = []
        for path in sorted(self.mail_folder.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            recipients = {a.addr_spec.lower() for a in message["To"].addresses}
            if address.lower() in recipients:
                found.append(message)
        return found

    def wait_for_email(self, address: str, timeout: float = 5.0) -> email.message.EmailMessage:
        """The newest email to ``address``, waiting for it (mail is handed over post-response)."""
        deadline = time.monotonic() + timeout
        while True:
            messages = self.emails_to(address)
            if messages:
                return messages[-1]
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"no email to {address} in {self.mail_folder} after {timeout}s"
                )
            time.sleep(0.05)


@pytest.fixture
def live_server(tmp_path) -> Iterator[LiveServer]:
    app = build_app(tmp_path / "instance", "e2e")
    with serve(app) as url:
        yield LiveServer(url=url, instance_path=Path(app.instance_path), app=app)


@pytest.fixture
def chromium() -> Path:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is not installed (apt-get install chromium)"
        if REQUIRE_SERVICES:
            pytest.fail(f"PORTAL_TEST_REQUIRE_SERVICES=1: browser tests must run, but {message}")
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture
def browser_page(chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(chromium), args=CHROMIUM_ARGS, headless=True
        )
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        page = context.new_page()
        try:
            yield page
        finally:
            context.close()
            browser.close()


def laid_out(page):
    """``page`` once it and its stylesheet have loaded. A click returns when the next page's
    document arrives, and a width, a box or a colour read then can be the unstyled page's:
    whatever measures the layout waits for this first."""
    page.wait_for_load_state("load")
    return page


def change_hands(page) -> None:
    """Someone else takes the browser: the page is left first, so a picture or a stylesheet it
    was still fetching cannot answer after the cookies are gone and set a session cookie of its
    own (the log-in form's session would then not be the browser's, and the form "expired"),
    and then every cookie goes."""
    page.goto("about:blank")
    page.context.clear_cookies()


def log_in(page, site: LiveServer, email_address: str, landing: str | None = None) -> None:
    """Log in through the form, as a person does; staff type their authenticator's code too."""
    from playwright.sync_api import expect

    from tests.support import PASSWORD, STAFF_TOTP, staff_code

    page.goto(f"{site.url}/auth/login")
    page.get_by_label("Email", exact=True).fill(email_address)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    if email_address.lower() in STAFF_TOTP:
        expect(page).to_have_url(f"{site.url}/auth/two-factor")
        page.get_by_label("Authentication code").fill(staff_code(site.app, email_address))
        page.get_by_role("button", name="Log in").click()
    if landing is not None:
        expect(page).to_have_url(f"{site.url}{landing}")
