"""The SendParcel tests' set-up: the portal served over real HTTP on loopback with CSRF on,
SendParcel's schema-validating API beside it (tests/contracts/sendparcel.py), a seller with
every field of their profile filled in, and a person's way through the portal's forms."""

from __future__ import annotations

import html
import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest

from portal.clock import local_today
from portal.extensions import db
from portal.profile.models import BankAccount
from portal.profile.services import account_number_digest
from tests.contracts.sendparcel import sendparcel_api as sendparcel_api
from tests.contracts.sendparcel import sendparcel_config
from tests.livesite import serve
from tests.sharing.conftest import give_address
from tests.support import PASSWORD, make_seller

EMAIL = "aishah.sendparcel@example.com"
PROFILE = {
    "full_name": "Nur Aishah binti Kamaruddin",
    "phone_e164": "+60197654321",
    "date_of_birth": date(1990, 3, 14),
}
ADDRESS = {
    "display_name": "Aishah Kraf Batik",
    "address_line1": "21 Jalan Kenanga 3",
    "address_line2": "Taman Sri Muda",
    "city": "Shah Alam",
    "postcode": "40400",
    "state": "MY-10",
    "country": "MY",
}
BANK_NUMBER = "164455667788"


@pytest.fixture
def app(make_app, sendparcel_api):
    """SendParcel is reached through its own connector (the registry's), CSRF is on."""
    return make_app(**sendparcel_config(sendparcel_api), WTF_CSRF_ENABLED=True)


@pytest.fixture
def site(app):
    with serve(app) as url:
        yield url


@pytest.fixture
def full_seller(app) -> int:
    """A seller with everything filled in: name, email, phone, date of birth, shop name,
    address and bank account."""
    with app.app_context():
        user = make_seller(EMAIL, **PROFILE)
        give_address(user.id, **ADDRESS)
        db.session.add(
            BankAccount(
                user_id=user.id,
                bank_code="maybank",
                holder_name=PROFILE["full_name"],
                account_number=BANK_NUMBER,
                account_number_last4=BANK_NUMBER[-4:],
                account_number_digest=account_number_digest(BANK_NUMBER),
            )
        )
        db.session.commit()
        return user.id


def personal_values() -> list[str]:
    """Every value of the seller's that is personal data, as the portal holds it."""
    return [
        PROFILE["full_name"],
        EMAIL,
        PROFILE["phone_e164"],
        PROFILE["phone_e164"].replace("+60", "0"),
        PROFILE["date_of_birth"].isoformat(),
        *(ADDRESS[name] for name in ("display_name", "address_line1", "address_line2")),
        ADDRESS["city"],
        ADDRESS["postcode"],
        BANK_NUMBER,
    ]


def in_days(app, days: int) -> date:
    with app.app_context():
        return local_today() + timedelta(days=days)


class _Forms(HTMLParser):
    """Each form's action and its hidden fields (the CSRF token, the door's digest)."""

    def __init__(self):
        super().__init__()
        self.forms: dict[str, dict[str, str]] = {}
        self._current: dict[str, str] | None = None

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if tag == "form":
            self._current = self.forms.setdefault(found.get("action") or "", {})
        elif tag == "input" and self._current is not None and found.get("type") == "hidden":
            self._current[found["name"]] = found.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


class Browser:
    """One person at the portal: cookies kept, redirects not followed, forms sent with the
    hidden fields the page gave them."""

    def __init__(self, site: str):
        self.site = site
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def get(self, path: str) -> tuple[int, str]:
        return self._open(urllib.request.Request(self.site + path))  # noqa: S310 (loopback)

    def submit(self, page: str, action: str, fields: dict | None = None) -> tuple[int, str]:
        """Send the form of ``page`` that posts to ``action``, with ``fields`` filled in."""
        parser = _Forms()
        parser.feed(page)
        assert action in parser.forms, f"no form posting to {action}"
        data = urllib.parse.urlencode({**parser.forms[action], **(fields or {})}).encode()
        request = urllib.request.Request(self.site + action, data=data, method="POST")  # noqa: S310
        return self._open(request)

    def _open(self, request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=15) as response:
                return response.status, html.unescape(response.read().decode())
        except urllib.error.HTTPError as error:
            with error:
                return error.code, html.unescape(error.read().decode())


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def log_in(site: str) -> Browser:
    person = Browser(site)
    _, page = person.get("/auth/login")
    status, _ = person.submit(page, "/auth/login", {"email": EMAIL, "password": PASSWORD})
    assert status == 302
    return person


def book(person: Browser, day: date, size: str = "small") -> tuple[int, str]:
    """Fill in the pickup form, read what SendParcel will get, confirm; the answer's status
    and the page then shown (the pickup page after a redirect, or the refusal)."""
    _, page = person.get("/shipping/pickup")
    fields = {"courier": "sendparcel", "pickup_date": day.isoformat(), "parcel_size": size}
    status, check = person.submit(page, "/shipping/pickup", fields)
    assert status == 200 and 'name="digest"' in check, check
    status, answer = person.submit(check, "/shipping/pickup/confirm")
    if status == 302:
        return status, person.get("/shipping/pickup")[1]
    return status, answer


def flash_text(page: str) -> str:
    """The page's text without its tags, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
