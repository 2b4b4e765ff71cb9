"""The store's tests, over real HTTP: the portal on a loopback server with CSRF on, a seller's
browser without JavaScript (cookies, pages, forms filled by their visible labels, the CSRF
token they carry), and a WooCommerce store on loopback HTTPS that checks every request
against WooCommerce's published schema (tests/contracts/woocommerce.py). A test whose
requests the schema refused fails at teardown."""

from __future__ import annotations

import http.cookiejar
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

import lxml.html
import pytest

from portal.extensions import db
from portal.profile.models import SellerProfile
from tests.contracts.woocommerce import serve_woocommerce, store_url
from tests.livesite import serve
from tests.support import PASSWORD, make_seller

KEY = "ck_" + "4f1c9a0b7d2e" * 3 + "a1b2"  # 40 characters after ck_, as WooCommerce makes them
SECRET = "cs_" + "9e8d7c6b5a40" * 3 + "c3d4"
EMAIL = "meiling@batik.example"
SHOP = "Mei Ling Batik"
PHONE = "+60123456789"


@pytest.fixture
def store(tmp_path):
    """The seller's WooCommerce store; fails the test if any request broke the schema."""
    with serve_woocommerce(tmp_path, key=KEY, secret=SECRET) as api:
        yield api
        assert api.violations == [], api.violations


@pytest.fixture
def app(make_app, store):
    return make_app(
        WTF_CSRF_ENABLED=True,
        SHARING_CA_FILE=store.ca_file,
        SHARING_TIMEOUT=1.0,
        SHARING_RETRY_DELAY=0.01,
        SHARING_MAX_WAIT=0.2,
        SHARING_STORE_PRIVATE_ADDRESSES=True,  # the test store is on loopback
    )


@pytest.fixture
def seller(app):
    """A seller with every field filled: name, email, phone, shop name, address."""
    with app.app_context():
        user = make_seller(EMAIL, full_name="Tan Mei Ling", phone_e164=PHONE)
        db.session.add(
            SellerProfile(
                user_id=user.id,
                display_name=SHOP,
                address_line1="12 Jalan Bunga Raya",
                address_line2="Taman Melati",
                city="Shah Alam",
                postcode="40000",
                state="MY-10",
                country="MY",
            )
        )
        db.session.commit()
        return {"id": user.id, "email": EMAIL}


@pytest.fixture
def site(app):
    with serve(app) as url:
        yield url


@pytest.fixture
def shop(store):
    """The address the seller types for the store."""
    return store_url(store)


@dataclass
class Page:
    status: int
    url: str
    text: str
    location: str | None = None

    @property
    def doc(self):
        return lxml.html.fromstring(self.text)

    @property
    def shown(self) -> str:
        """What a person reads: the text, without markup or the page's line breaks."""
        return " ".join(self.doc.text_content().split())

    def form(self, action: str):
        """The form that posts to ``action`` (a path)."""
        for form in self.doc.forms:
            if urllib.parse.urlsplit(form.action or "").path == action:
                return form
        raise AssertionError(f"no form posting to {action} on {self.url}")


LOG_IN_LABELS = {"en": ("Email", "Password"), "ms": ("E-mel", "Kata laluan")}
STORE_LABELS = {
    "en": ("Store address", "Consumer key", "Consumer secret"),
    "ms": (
        "Alamat kedai dalam talian",
        "Kunci pengguna (consumer key)",
        "Rahsia pengguna (consumer secret)",
    ),
}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A person's browser without JavaScript: it keeps cookies, follows redirects with GET as
    browsers do, and fills forms by their labels, sending every hidden field (the CSRF token
    among them) as the page gave it."""

    def __init__(self, base: str, language: str = "en"):
        self.base = base
        self.language = language
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
        )
        self.redirects: list[str] = []

    def open(self, path: str, data: dict | None = None) -> Page:
        body = None if data is None else urllib.parse.urlencode(data, doseq=True).encode()
        request = urllib.request.Request(  # noqa: S310 (the portal on loopback, over http)
            self.base + path, data=body, headers={"Accept-Language": self.language}
        )
        try:
            with self.opener.open(request, timeout=10) as response:
                return Page(response.status, path, response.read().decode())
        except urllib.error.HTTPError as error:
            with error:
                text = error.read().decode(errors="replace")
            return Page(error.code, path, text, error.headers.get("Location"))

    def get(self, path: str) -> Page:
        page = self.open(path)
        while page.status in (301, 302, 303) and page.location:
            self.redirects.append(page.location)
            page = self.open(urllib.parse.urlsplit(page.location).path or "/")
        return page

    def submit(self, page: Page, action: str, fill: dict[str, str] | None = None) -> Page:
        """Fill the form posting to ``action`` (labels to values) and send it; a redirect is
        followed."""
        form = page.form(action)
        values = {
            field.name: field.value or ""
            for field in form.inputs
            if field.name and getattr(field, "type", "") not in ("submit", "checkbox", "radio")
        }
        for label, value in (fill or {}).items():
            matches = [x for x in form.xpath(".//label") if x.text_content().strip() == label]
            assert matches, f"no field labelled {label!r} in the form posting to {action}"
            values[page.doc.get_element_by_id(matches[0].get("for")).name] = value
        answer = self.open(action, values)
        if answer.status in (301, 302, 303) and answer.location:
            self.redirects.append(answer.location)
            location = urllib.parse.urlsplit(answer.location)
            return self.get(location.path + (f"?{location.query}" if location.query else ""))
        return answer

    def log_in(self, email: str = EMAIL, password: str = PASSWORD) -> Page:
        page = self.get("/auth/login")
        labels = LOG_IN_LABELS[self.language]
        return self.submit(page, "/auth/login", dict(zip(labels, (email, password), strict=True)))


@pytest.fixture
def browser(site, seller):
    person = Browser(site)
    person.log_in()
    return person


def connect(browser: Browser, shop: str, key: str = KEY, secret: str = SECRET) -> Page:
    """The store form, then the check page (returned), as the seller fills them in."""
    page = browser.get("/integrations/woocommerce")
    fill = dict(zip(STORE_LABELS[browser.language], (shop, key, secret), strict=True))
    return browser.submit(page, "/integrations/woocommerce", fill)
