"""Every GET page of every role, in a real browser: it fits a 320 px and a 390 px phone, and
axe-core finds no accessibility violation on it, in English and in Malay.

Each person walks twice, once in each language, but a route is opened in only one of them:
the two languages take turns route by route, so every page of every role is checked once and
each language gets half the routes (Malay words are longer, so a page too wide only in Malay
shows on the routes that are Malay's turn). Each person's first page is checked in both
languages, so every menu and banner is seen in each. axe runs on each person's first page
and on every page of every role once (a frozen seller's pages are the seller's, with the
banner already checked); the widths on every page opened.

The routes are read from the portal's own URL map, so a route added later is walked too: a
route this module cannot open (a URL parameter it has no object for) or that no role reaches
as a page fails its test, unless it is listed in ``EXCLUDED`` with the reason.

Each route is one test, so pytest-xdist spreads them; each worker runs one live portal (the
objects made through the portal's own services and the demo loader) and one Chromium, and
logs each person in once. A route a role is sent away from (a redirect) is checked where it
lands, as that page's own route; an error page (403, 404) once per person and status.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from portal import create_app
from tests.e2e.conftest import REQUIRE_SERVICES, LiveServer, log_in
from tests.livesite import CHROMIUM, CHROMIUM_ARGS, build_app, serve

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (320, 390)
AXE_WIDTH = 390
HEIGHT = 844
LANGUAGES = ("en", "ms")
# Whose pages axe takes as another's: a frozen seller sees the seller's pages and a banner.
AXE_AS = {"frozen": "seller"}

# GET routes that are not pages, or that no person opens as one; each with its reason.
EXCLUDED = {
    "static": "stylesheet, logo and other files, not pages",
    "main.healthz": "JSON for the load balancer, not a page",
    "main.readyz": "JSON for the load balancer, not a page; tests/test_readiness.py",
    "metrics.metrics": "Prometheus' text format, not a page; tests/metrics",
    "documents.file": "an image or PDF file the seller uploaded, not a page",
    "admin.minor_report_file": "the file attached to a report, a download, not a page",
    "admin.privacy_requests_csv": "the register as CSV, a download, not a page",
    "admin.processing_csv": "the record of processing as CSV, a download, not a page",
    "api.seller_status": "the marketplace's JSON API with a bearer token, not a page; tests/api",
    "api.openapi_document": "the API's OpenAPI document, JSON, not a page; tests/api",
}

# Pages that still fail, each owned by another part of issue 21 whose fix is on its way: they
# are reported as expected failures (xfail) until then, and pass once fixed. Remove an entry
# when its page passes.
NOT_YET: dict[str, str] = {}

# The people who walk, each once per language. A closed and a frozen seller see other pages
# and another menu than an active one; the reviewer sees less of the back office than an admin.
ROLES = ("visitor", "seller", "frozen", "closed", "due", "admin", "reviewer", "newstaff", "halfway")
# Some walk only where they can be: every other page sends them there.
ONLY = {
    "due": "policy.",  # a seller yet to accept the newer policy version
    "newstaff": "admin.two_factor",  # staff who have not set up two-factor log-in yet
    "halfway": "auth.",  # staff between the password and the code
}


@dataclass
class Person:
    role: str
    language: str
    email: str | None  # None: the anonymous visitor
    ids: dict[str, int | str] = field(default_factory=dict)


def _get_routes() -> list[tuple[str, str]]:
    """(endpoint, rule) of every GET route, read from the portal's URL map."""
    found = {}
    with tempfile.TemporaryDirectory() as instance:  # nothing written into the repository
        app = create_app(
            {"TESTING": True, "SECRET_KEY": "routes-" + "x" * 40, "INSTANCE_PATH": instance}
        )
        for rule in app.url_map.iter_rules():
            if "GET" in (rule.methods or ()):
                found.setdefault(rule.endpoint, rule.rule)
    return sorted(found.items())


ROUTES = _get_routes()


# --- the portal and its people ---------------------------------------------------------------


def _seed(app) -> dict[tuple[str, str], Person]:
    """Sellers (active, frozen, closed, with a policy to accept), staff, and something of
    everything a page lists, made through the portal's services and the demo loader."""
    from sqlalchemy import select

    from portal.account import termination
    from portal.auth import links
    from portal.auth.models import LinkPurpose, User
    from portal.breaches import services as breaches
    from portal.cli.demo import _fill_demo_profile
    from portal.clock import utcnow
    from portal.documents.models import Document, DocumentFile
    from portal.extensions import db
    from portal.minor_reports import services as minor_reports
    from portal.outbox.models import OutboxMessage
    from portal.outbox.services import queue_email
    from portal.policy import services as policy
    from portal.policy.models import PolicyVersion
    from portal.security import make_token, secret_digest
    from portal.sharing import legal
    from portal.sharing.models import Disclosure, ThirdParty
    from portal.shipping.models import Pickup
    from tests.support import make_seller, make_staff, put_in_state

    people: dict[tuple[str, str], Person] = {}
    sellers: dict[tuple[str, str], User] = {}
    with app.test_request_context():
        admin = None
        for language in LANGUAGES:
            people["visitor", language] = Person("visitor", language, None)
            for role in ("admin", "reviewer", "newstaff"):
                email = f"{role}.{language}@staff.example"
                staff = make_staff(
                    email,
                    "reviewer" if role == "reviewer" else "admin",
                    two_factor=role != "newstaff",
                )
                staff.full_name = {"reviewer": "Ravi Kumar"}.get(role, "Farah Aziz")
                admin = admin or staff
                people[role, language] = Person(role, language, email)
            people["halfway", language] = Person(
                "halfway", language, f"admin.{language}@staff.example"
            )
            for role in ("seller", "frozen", "closed", "due"):
                email = f"{role}.{language}@example.com"
                seller = make_seller(email, full_name=f"Nur Aisyah binti Ahmad {role}")
                _fill_demo_profile(seller)  # address, bank, photos, MyKad, a DHL pickup
                queue_email(  # a notification to read, unread
                    to=email, kind="password_changed", subject="Password changed", user=seller
                )
                sellers[role, language] = seller
                people[role, language] = Person(role, language, email, {"seller_id": seller.id})
        db.session.commit()

        seller = sellers["seller", "en"]
        legal.record(
            seller=seller,
            staff=admin,
            authority="Polis Diraja Malaysia",
            legal_basis="Criminal Procedure Code, section 51",
            reference="PDRM/KL/2026/0042",
            disclosed_on=date.today() - timedelta(days=3),
            categories=["name", "email"],
            documents_released=None,
            withheld=False,
            withheld_reason=None,
            review_on=None,
        )
        report = minor_reports.file_report(
            minor_reports.Report(
                reporter_name="Mohd Hafiz",
                reporter_email="hafiz@example.net",
                relationship="parent",
                seller_hint="Aisyah Batik",
                description="I believe this shop is run by my 16-year-old niece.",
            )
        )
        breach = breaches.record_breach(
            admin,
            discovered_at=utcnow() - timedelta(hours=5),
            description="A courier's pickup manifest was exposed on a public link.",
            categories=["name", "address"],
            systems="Pickup manifests",
            containment="The link was revoked.",
            harm={"identity_fraud": True},
        )
        # Two accounts whose erasure another admin proposed (one from an identity document,
        # one from the report), for the pages that confirm it; staff look at them, no one
        # walks as them.
        from portal.account import under_age

        proposer = make_staff("proposer@staff.example", "admin")
        minors = []
        for name in ("Siti Kecil", "Amir Kecil"):
            minor = make_seller(f"{name.split()[0].lower()}@example.com", full_name=name)
            _fill_demo_profile(minor)
            minors.append(minor)
        db.session.flush()
        minor_document = db.session.scalar(
            select(Document.id).where(Document.user_id == minors[0].id, Document.kind == "identity")
        )
        under_age.propose(minors[0], proposer, under_age.from_document(minor_document))
        under_age.propose(minors[1], proposer, under_age.from_report(report.id, report.reference))
        # A newer policy version that all but the "due" sellers have accepted.
        current = policy.current_version()
        newer = PolicyVersion(
            version=current.version + 1,
            body_markdown=current.body_markdown + "\n\nWe also keep your pickup history.\n",
            summary="Pickup history",
            published_at=utcnow() - timedelta(days=1),
            effective_at=utcnow() - timedelta(days=1),
        )
        db.session.add(newer)
        db.session.flush()
        for (role, _language), user in sellers.items():
            if role != "due":
                policy.record_consent(
                    user_id=user.id,
                    version=newer,
                    language="en",
                    ip_address="203.0.113.9",
                    user_agent="pytest",
                    context="update",
                )
        # The links an email carries, each for the page it opens.
        unverified = make_seller("unverified@example.com", verified=False)
        tokens = {
            "auth.verify:token": links.issue(unverified, LinkPurpose.VERIFY),
            "auth.reset:token": links.issue(seller, LinkPurpose.RESET),
            "profile.confirm_email:token": links.issue(
                seller, LinkPurpose.EMAIL_CHANGE, new_email="aisyah.new@example.com"
            ),
            "profile.cancel_email_change:token": links.issue(
                seller, LinkPurpose.EMAIL_CHANGE_CANCEL, new_email="aisyah.new@example.com"
            ),
        }
        db.session.commit()

        # A privacy request of each seller's own, and the emailed link to a copy of the data.
        from portal.requests import services as privacy_requests
        from portal.requests import work as request_work

        own_requests = {
            key: privacy_requests.file_request("access", "A copy, please.", user=user).id
            for key, user in sellers.items()
        }
        answered = privacy_requests.file_request("access", "A copy, please.", user=seller)
        copy_secret = "every-page-walk-copy-secret"
        answered.status, answered.closed_at = "answered", utcnow()
        answered.copy_token_hash = secret_digest(copy_secret)
        answered.copy_expires_at = utcnow() + timedelta(days=3)
        tokens["requests.copy:token"] = make_token(request_work._COPY_PURPOSE, {"k": copy_secret})
        db.session.commit()

        for person in people.values():
            if person.email is None or person.role == "halfway":
                continue
            user = db.session.scalar(select(User).where(User.email == person.email))
            user.locale = person.language
        db.session.commit()

        for language in LANGUAGES:
            put_in_state(sellers["frozen", language].id, "frozen")
            closed = db.session.get(User, sellers["closed", language].id)
            termination.terminate(closed, actor=closed)
            db.session.commit()

        def first(statement):
            return db.session.scalar(statement.limit(1))

        shared = {
            **tokens,
            "report_id": report.id,
            "breach_id": breach.id,
            "disclosure_id": first(select(Disclosure.id).where(Disclosure.kind == "legal")),
            "party_id": first(select(ThirdParty.id).order_by(ThirdParty.id)),
            "number": newer.version,
            # Staff look at the English seller and their identity document.
            "seller_id": seller.id,
            "document_id": first(
                select(Document.id).where(
                    Document.user_id == seller.id, Document.kind == "identity"
                )
            ),
            "staff_id": admin.id,
            "admin.document_under_age_confirm:document_id": minor_document,
            "admin.minor_report_confirm:user_id": minors[1].id,
        }
        shared["request_id"] = own_requests[next(iter(own_requests))]
        for key, person in people.items():
            own = dict(person.ids)
            person.ids = {**shared, **own}
            if key in own_requests:
                person.ids["request_id"] = own_requests[key]
            user_id = sellers[key].id if key in sellers else seller.id
            person.ids["file_id"] = first(
                select(DocumentFile.id)
                .join(Document)
                .where(Document.user_id == user_id)
                .order_by(DocumentFile.id)
            )
            # A seller's own document for the seller's pages (staff look at the English one).
            person.ids["documents.confirm_delete:document_id"] = first(
                select(Document.id).where(Document.user_id == user_id).order_by(Document.id)
            )
            person.ids["message_id"] = first(
                select(OutboxMessage.id)
                .where(OutboxMessage.user_id == user_id)
                .order_by(OutboxMessage.id)
            )
            person.ids["pickup_id"] = first(
                select(Pickup.id).where(Pickup.user_id == user_id).order_by(Pickup.id)
            )

        # An erased seller whose DHL pickup leaves an erasure request not yet answered, for
        # the staff's list of them and its page. Last: the erasure empties the session.
        from portal import erasure

        erased = make_seller("erased@example.com", full_name="Zainab Dipadam")
        _fill_demo_profile(erased)
        db.session.commit()
        (erasure_record,) = erasure.erase_accounts([erased.id], reason="retention")
        db.session.commit()
        erasure_request = first_erasure_request(erasure_record.id)
        for person in people.values():
            person.ids["admin.erasure_request:request_id"] = erasure_request
    return people


def first_erasure_request(erasure_id: int) -> int:
    from sqlalchemy import select

    from portal.erasure import ErasureRequest
    from portal.extensions import db

    return db.session.scalar(
        select(ErasureRequest.id).where(ErasureRequest.erasure_id == erasure_id).limit(1)
    )


def _bounce(app, people) -> None:
    """The active sellers' mail bounces: the banner on their pages, the back office's list.
    Last, once every email the set-up queued has been delivered (a delivery clears it)."""
    from portal.extensions import db
    from portal.profile import reachability

    for language in LANGUAGES:
        for _ in range(app.config["OUTBOX_UNREACHABLE_AFTER"]):
            reachability.record_failure(people["seller", language].ids["seller_id"])
    db.session.commit()


@dataclass
class Walk:
    site: LiveServer
    browser: object
    people: dict[tuple[str, str], Person]
    pages: dict[tuple[str, str], object] = field(default_factory=dict)
    errors_checked: set = field(default_factory=set)
    axed: set = field(default_factory=set)
    # (role, language) of each person whose first page has been checked
    started: set = field(default_factory=set)

    def page_of(self, person: Person):
        """A logged-in tab for ``person``, opened once and kept."""
        key = (person.role, person.language)
        if key not in self.pages:
            # The portal's Content-Security-Policy rightly refuses scripts it did not send:
            # the tab lets axe in all the same.
            context = self.browser.new_context(
                viewport={"width": AXE_WIDTH, "height": HEIGHT}, bypass_csp=True
            )
            context.set_default_timeout(15_000)
            if person.email is None or person.role == "halfway":
                host = urlsplit(self.site.url).hostname
                context.add_cookies(
                    [
                        {
                            "name": "portal_language",
                            "value": person.language,
                            "domain": host,
                            "path": "/",
                        }
                    ]
                )
            page = context.new_page()
            if person.role in ("halfway", "newstaff"):
                _password_only(page, self.site, person)
            elif person.email is not None:
                _log_in_as(page, self.site, person)
            self.pages[key] = page
        return self.pages[key]


def _log_in_as(page, site: LiveServer, person: Person) -> None:
    """The log-in form is in the visitor's language: English for this tab, whatever the
    person's own setting, which applies once logged in."""
    from playwright.sync_api import expect

    log_in(page, site, person.email)
    expect(page).not_to_have_url(re.compile(r"/auth/(login|two-factor)"))


def _password_only(page, site: LiveServer, person: Person) -> None:
    """The first log-in step of a member of staff: the password, not yet the code."""
    from playwright.sync_api import expect

    from tests.support import PASSWORD

    page.goto(f"{site.url}/auth/login")
    page.locator("input[name=email]").fill(person.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/(auth|admin)/two-factor"))


@pytest.fixture(scope="module")
def walk(tmp_path_factory) -> Iterator[Walk]:
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is not installed (apt-get install chromium)"
        if REQUIRE_SERVICES:
            pytest.fail(f"PORTAL_TEST_REQUIRE_SERVICES=1: browser tests must run, but {message}")
        pytest.skip(message)
    if not AXE.exists():
        message = f"{AXE} is missing (npm ci, or make install)"
        if REQUIRE_SERVICES:
            pytest.fail(f"PORTAL_TEST_REQUIRE_SERVICES=1: the axe test must run, but {message}")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    app = build_app(tmp_path_factory.mktemp("every-page") / "instance", "every-page")
    with app.app_context():
        people = _seed(app)
    with app.app_context():
        _bounce(app, people)
    with serve(app) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        site = LiveServer(url=url, instance_path=Path(app.instance_path), app=app)
        try:
            yield Walk(site, browser, people)
        finally:
            browser.close()


# --- what is checked on each page ------------------------------------------------------------

# The element furthest past the right edge, the deepest one if several end there, named.
WIDEST = """() => {
  const width = window.innerWidth;
  let found = null, right = width + 0.5;
  for (const element of document.body.querySelectorAll('*')) {
    const box = element.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    if (box.right >= right) { found = element; right = box.right; }
  }
  if (!found) return null;
  const name = found.tagName.toLowerCase() + (found.id ? '#' + found.id : '') +
    [...found.classList].map(c => '.' + c).join('');
  const text = (found.innerText || found.getAttribute('href') || '').trim().slice(0, 60);
  return `${name} "${text}" (right edge at ${Math.round(right)} px)`;
}"""

AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v =>
    `${v.id} (${v.impact}): ${v.help}: ` + v.nodes.map(n => n.target.join(' ')).join(', '));
}"""


def _width_problems(page, label: str) -> list[str]:
    problems = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": HEIGHT})
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        if scroll_width > width:
            widest = page.evaluate(WIDEST)
            problems.append(
                f"{label} is {scroll_width} px wide on a {width} px screen; widest: {widest}"
            )
    page.set_viewport_size({"width": AXE_WIDTH, "height": HEIGHT})
    return problems


def _axe_problems(page, label: str) -> list[str]:
    page.add_script_tag(path=str(AXE))
    return [f"{label}: axe: {violation}" for violation in page.evaluate(AXE_RUN)]


def _log(endpoint: str, role: str, language: str, outcome: str) -> None:
    """With PORTAL_EVERY_PAGE_LOG=<file>, one line per route and person: what was checked."""
    target = os.environ.get("PORTAL_EVERY_PAGE_LOG")
    if target:
        with open(target, "a", encoding="utf-8") as log:
            log.write(f"{endpoint}\t{role}\t{language}\t{outcome}\n")


def _turn(endpoint: str) -> str:
    """The language a route is opened in, after each person's first page."""
    return LANGUAGES[[e for e, _ in ROUTES].index(endpoint) % len(LANGUAGES)]


def _axe_wanted(walk: Walk, endpoint: str, role: str, language: str) -> bool:
    """Whether axe checks this page: see the module's docstring."""
    first_page = ("person", role, language)
    page_of_role = ("page", endpoint, AXE_AS.get(role, role))
    wanted = first_page not in walk.axed or page_of_role not in walk.axed
    walk.axed.add(first_page)
    walk.axed.add(page_of_role)
    return wanted


def _path(endpoint: str, rule: str, person: Person) -> str:
    """The rule with each <converter:name> filled from the person's objects."""

    def value(match: re.Match) -> str:
        name = match.group(1).rsplit(":", 1)[-1]
        for key in (f"{endpoint}:{name}", name):
            if key in person.ids:
                return str(person.ids[key])
        raise LookupError(name)

    return re.sub(r"<([^>]+)>", value, rule)


@pytest.mark.parametrize(("endpoint", "rule"), ROUTES, ids=[e for e, _ in ROUTES])
def test_every_page_fits_a_phone_and_has_no_axe_violation(walk, endpoint, rule):
    if endpoint in EXCLUDED:
        pytest.skip(f"excluded: {EXCLUDED[endpoint]}")
    problems: list[str] = []
    shown_to: list[str] = []
    for language in LANGUAGES:
        for role in ROLES:
            if role in ONLY and not endpoint.startswith(ONLY[role]):
                continue
            if language != _turn(endpoint) and (role, language) in walk.started:
                continue
            person = walk.people[role, language]
            try:
                path = _path(endpoint, rule, person)
            except LookupError as missing:
                pytest.fail(
                    f"{rule} ({endpoint}) needs a <{missing.args[0]}> this test cannot fill: "
                    "add an object for it in _seed, or list the route in EXCLUDED with a reason"
                )
            page = walk.page_of(person)
            # Only the response first: a page that sends this person elsewhere is not waited for.
            response = page.goto(walk.site.url + path, wait_until="commit")
            assert response is not None
            label = f"{path} as {role} ({language})"
            if response.status >= 500:
                problems.append(f"{label}: status {response.status}")
                continue
            landed = urlsplit(page.url).path
            if landed != urlsplit(path).path:
                _log(endpoint, role, language, f"sent to {landed}")
                continue  # sent elsewhere: that page is checked as its own route
            if response.status >= 400:
                key = (role, language, response.status)
                if key in walk.errors_checked:
                    _log(endpoint, role, language, f"{response.status}, page checked already")
                    continue
                walk.errors_checked.add(key)
            else:
                shown_to.append(f"{role} ({language})")
            page.wait_for_load_state("load")
            walk.started.add((role, language))
            found = _width_problems(page, label)
            if _axe_wanted(walk, endpoint, role, language):
                found += _axe_problems(page, label)
            _log(endpoint, role, language, f"{response.status} checked: {len(found)} problems")
            problems += found
    if problems and endpoint in NOT_YET:
        pytest.xfail(f"known, {NOT_YET[endpoint]}:\n" + "\n".join(problems))
    assert not problems, "\n".join(problems)
    assert shown_to, f"{rule} ({endpoint}) was a page for nobody: every role was sent away"


def test_the_lists_name_only_routes_that_exist():
    """An exclusion or a known failure that names no route is stale: remove it."""
    endpoints = {endpoint for endpoint, _ in ROUTES}
    stale = sorted((set(EXCLUDED) | set(NOT_YET)) - endpoints)
    assert not stale, f"EXCLUDED or NOT_YET name routes that no longer exist: {stale}"
