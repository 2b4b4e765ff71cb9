"""What the account page shows of a seller's security: two-factor status and logged-in devices.

Read-only summaries over ``portal.auth``'s records; the changes themselves (turning two-factor
on and off, ending sessions) are made by ``portal.auth.twofactor`` and ``portal.auth.sessions``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _

from portal.auth import sessions, twofactor
from portal.auth.models import User


@dataclass(frozen=True)
class TwoFactorStatus:
    enabled_at: datetime | None
    unused_recovery_codes: int

    @property
    def enabled(self) -> bool:
        return self.enabled_at is not None


def two_factor_status(user: User) -> TwoFactorStatus:
    if not user.two_factor_enabled:
        return TwoFactorStatus(None, 0)
    return TwoFactorStatus(user.totp_enabled_at, twofactor.unused_recovery_codes(user))


@dataclass(frozen=True)
class DeviceSession:
    """One logged-in browser as the seller sees it in the list."""

    id: int
    device: str
    ip_address: str | None
    last_seen_at: datetime
    created_at: datetime
    current: bool


def device_sessions(user: User) -> list[DeviceSession]:
    """``user``'s active sessions, this browser's first, then the most recently used."""
    rows = [
        DeviceSession(
            id=row.id,
            device=describe_device(row.user_agent),
            ip_address=row.ip_address,
            last_seen_at=row.last_seen_at,
            created_at=row.created_at,
            current=sessions.is_current(user, row),
        )
        for row in sessions.active_for(user)
    ]
    return sorted(rows, key=lambda row: not row.current)  # stable: keeps the recency order


# Substrings of the User-Agent header, checked in order: browsers also claim to be the ones
# they descend from (Edge says Chrome and Safari, Chrome says Safari), so the specific first.
_BROWSERS = (
    ("Edg/", "Edge"),
    ("EdgA/", "Edge"),
    ("EdgiOS/", "Edge"),
    ("Edge/", "Edge"),
    ("OPR/", "Opera"),
    ("Opera", "Opera"),
    ("SamsungBrowser/", "Samsung Internet"),
    ("FxiOS/", "Firefox"),
    ("Firefox/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Chrome/", "Chrome"),
    ("MSIE ", "Internet Explorer"),
    ("Trident/", "Internet Explorer"),
    ("Safari/", "Safari"),
)
# Android says Linux, and iOS says "like Mac OS X".
_SYSTEMS = (
    ("Windows", "Windows"),
    ("Android", "Android"),
    ("iPhone", "iOS"),
    ("iPod", "iOS"),
    ("iPad", "iPadOS"),
    ("CrOS", "ChromeOS"),
    ("Macintosh", "macOS"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
)


def _first_match(user_agent: str, table: tuple[tuple[str, str], ...]) -> str | None:
    return next((name for marker, name in table if marker in user_agent), None)


def describe_device(user_agent: str | None) -> str:
    """A short, readable name for a browser, e.g. "Chrome on Windows".

    Good enough to recognise one's own devices; the header is the browser's claim, not proof.
    """
    user_agent = user_agent or ""
    browser = _first_match(user_agent, _BROWSERS)
    system = _first_match(user_agent, _SYSTEMS)
    if browser and system:
        return _("%(browser)s on %(system)s", browser=browser, system=system)
    return browser or system or _("Unknown device")
