"""Fixtures for the account pages: a controllable clock for TOTP codes, and the steps of
turning two-factor on and logging in with it, as a seller's browser does them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from sqlalchemy import select, update

from portal.auth import twofactor
from portal.auth.models import LoginSession, User
from portal.clock import utcnow
from portal.extensions import db


@dataclass
class Clock:
    """The time portal.auth.twofactor sees, starting at the beginning of a 30-second step."""

    now: datetime

    def advance(self, seconds: int = 30) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    start = int(utcnow().timestamp()) // 30 * 30
    frozen = Clock(datetime.fromtimestamp(start, UTC))
    monkeypatch.setattr(twofactor, "utcnow", lambda: frozen.now)
    return frozen


def secret_on(page: str) -> str:
    match = re.search(r'<code class="secret" id="totp-secret">([A-Z2-7 ]+)</code>', page)
    assert match, "no secret on the page"
    return match.group(1).replace(" ", "")


def codes_on(page: str) -> list[str]:
    return re.findall(
        r"<li><code>([0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4})</code></li>", page
    )


@dataclass
class TwoFactorActions:
    app: object
    client: object
    clock: Clock
    secret: str = ""
    recovery_codes: list[str] = field(default_factory=list)

    def code(self, seconds_from_now: int = 0) -> str:
        return pyotp.TOTP(self.secret).at(self.clock.now + timedelta(seconds=seconds_from_now))

    def setup_page(self) -> str:
        response = self.client.get("/account/two-factor", follow_redirects=True)
        assert response.status_code == 200
        page = response.get_data(as_text=True)
        self.secret = secret_on(page)
        return page

    def turn_on(self) -> list[str]:
        """Set up, confirm with the current code, and read the codes from the once-only page."""
        self.setup_page()
        response = self.client.post("/account/two-factor", data={"code": self.code()})
        assert response.headers["Location"] == "/account/two-factor/recovery-codes"
        self.recovery_codes = codes_on(
            self.client.get(response.headers["Location"]).get_data(as_text=True)
        )
        assert len(self.recovery_codes) == 10
        return self.recovery_codes

    def log_in(self, code: str, email: str = "seller@example.com", password: str | None = None):
        """Both steps of a log-in; returns the answer to the second."""
        from tests.support import PASSWORD

        first = self.client.post(
            "/auth/login", data={"email": email, "password": password or PASSWORD}
        )
        assert first.headers["Location"] == "/auth/two-factor"
        return self.client.post("/auth/two-factor", data={"code": code})

    def user(self, user_id: int) -> User:
        with self.app.app_context():
            user = db.session.get(User, user_id)
            db.session.expunge(user)
            return user

    def age_reauth(self, minutes: int = 11) -> None:
        """Make every login session's last proof of identity ``minutes`` old."""
        with self.app.app_context():
            db.session.execute(
                update(LoginSession).values(authenticated_at=utcnow() - timedelta(minutes=minutes))
            )
            db.session.commit()

    def session_rows(self) -> list[LoginSession]:
        with self.app.app_context():
            rows = list(db.session.scalars(select(LoginSession).order_by(LoginSession.id)))
            db.session.expunge_all()
            return rows


@pytest.fixture
def two_factor(app, client, clock) -> TwoFactorActions:
    return TwoFactorActions(app, client, clock)
