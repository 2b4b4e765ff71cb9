"""Full-page screenshots of the portal for the docs, in English and in Bahasa Melayu, taken
with Debian's Chromium.

    .venv/bin/python scripts/screenshots.py

For each language, starts the portal on a loopback port in a throwaway instance folder, loads
the demo data (``flask demo load``: the seller comes with photos and a specimen MyKad, its
number typed, waiting for review; a second seller sells as a company and is asked for the
proof of bank account within a week) and walks the same pages, writing PNGs at 1280px width (and the registration form
and profile at 390px): English into ``docs/screenshots/``, Malay into ``docs/screenshots/ms/``.
Each language gets its own instance because the walk changes things (it publishes version 2,
closes an account, records disclosures), so that each runs once on fresh data. In the Malay
walk every account speaks Malay, as if registered from a Malay page, and the browser carries
the language switch's cookie. Nothing is downloaded: Playwright drives /usr/bin/chromium.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from playwright.sync_api import Browser, Page, sync_playwright  # noqa: E402
from sqlalchemy import event  # noqa: E402

from portal.auth.models import Role, User  # noqa: E402
from portal.cli.demo import DEMO_ACCOUNTS  # noqa: E402
from portal.clock import local_today  # noqa: E402
from portal.i18n import COOKIE  # noqa: E402
from tests.livesite import CHROMIUM, CHROMIUM_ARGS, serve  # noqa: E402
from tests.livesite import build_app as build_site_app  # noqa: E402
from tests.support import PASSWORD  # noqa: E402

OUTPUT = ROOT / "docs" / "screenshots"
# PORTAL_SCREENSHOTS_HTML=folder also saves each page's HTML there (scripts/compare_pages.py
# compares two such folders, with times and one-time tokens masked).
HTML_FOLDER = (
    Path(os.environ["PORTAL_SCREENSHOTS_HTML"])
    if os.environ.get("PORTAL_SCREENSHOTS_HTML")
    else None
)
DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 390, "height": 844}
LANGUAGES = ("en", "ms")
# The browser's own language too (Accept-Language, navigator.language); English keeps the
# default. (Chromium draws its date and file inputs in US English whatever this says.)
BROWSER_LOCALE = {"en": {}, "ms": {"locale": "ms-MY"}}

# What staff and sellers type in the walk, in the walk's language. The portal's own words come
# from its catalogue (Camera._), so that the walk clicks what the page really says.
TYPED = {
    "en": {
        "call_note": "Rang at 10:15, no answer; will try WhatsApp.",
        "reveal_reason": "She asked us to check her payout",
        "tax_basis": "Income Tax Act 1967, section 81: notice to furnish information",
        "police_basis": "Criminal Procedure Code, section 51: order to produce documents",
        "withheld": "The investigating officer asked that the seller not be told yet.",
        "request": "Please send me a copy of everything you keep about me and my shop.",
    },
    "ms": {
        "call_note": "Telefon pada 10:15, tiada jawapan; akan cuba WhatsApp.",
        "reveal_reason": "Beliau meminta kami menyemak pembayarannya",
        "tax_basis": "Akta Cukai Pendapatan 1967, seksyen 81: notis untuk memberikan maklumat",
        "police_basis": "Kanun Tatacara Jenayah, seksyen 51: perintah mengemukakan dokumen",
        "withheld": "Pegawai penyiasat meminta supaya penjual belum dimaklumkan.",
        "request": "Sila hantar salinan semua maklumat yang disimpan tentang saya dan kedai saya.",
    },
}

# Version 2: version 1 with a section added, published in both languages as it must be.
V2_CHANGE = (
    "\n\n## How we tell you about changes\n\nWhen we change this policy we email you a summary "
    "and a link to exactly what changed, and ask you to accept the new version the next time "
    "you use the portal.\n"
)
V2_CHANGE_MS = (
    "\n\n## Cara kami memaklumkan perubahan\n\nApabila kami mengubah dasar ini, kami menghantar "
    "e-mel kepada anda dengan ringkasan dan pautan kepada perubahan yang sebenar, dan meminta "
    "anda menerima versi baharu apabila anda menggunakan portal pada kali seterusnya.\n"
)
V2_SUMMARY = "We fixed a typo and now say how we tell you about changes."
V2_SUMMARY_MS = (
    "Kami membetulkan kesilapan ejaan dan kini menyatakan cara kami memaklumkan perubahan."
)


def demo_account(role: Role) -> tuple[str, str]:
    """The first demo account with ``role`` (for a seller: the one who sells as an individual)."""
    for email, password, account_role in DEMO_ACCOUNTS:
        if account_role == role:
            return email, password
    raise LookupError(f"no demo account with role {role}")


def demo_company_seller() -> tuple[str, str]:
    """The demo seller who sells as a company."""
    for email, password, _role in DEMO_ACCOUNTS:
        if email == "company@example.com":
            return email, password
    raise SystemExit("no demo company seller: did `flask demo load` change?")


@contextmanager
def accounts_speaking(language: str) -> Iterator[None]:
    """Every account made meanwhile has ``language`` as its own, as if it had registered from
    a page in that language: its emails, and so its notifications, are in it from the start."""

    def speak(target, args, kwargs):
        kwargs.setdefault("locale", language)

    event.listen(User, "init", speak)
    try:
        yield
    finally:
        event.remove(User, "init", speak)


@dataclass
class Camera:
    """One walk: the portal in one language, shot into that language's folder."""

    browser: Browser
    base: str
    app: Flask
    language: str

    @property
    def folder(self) -> Path:
        return OUTPUT if self.language == "en" else OUTPUT / self.language

    def _(self, msgid: str, **variables) -> str:
        """``msgid`` as the catalogue words it in the walk's language: what the page says."""
        from flask_babel import force_locale, gettext

        with self.app.test_request_context(), force_locale(self.language):
            return gettext(msgid, **variables)

    def new_page(self, viewport: dict = DESKTOP, **options) -> Page:
        context = self.browser.new_context(
            viewport=viewport, **BROWSER_LOCALE[self.language], **options
        )
        context.add_cookies([{"name": COOKIE, "value": self.language, "url": self.base}])
        return context.new_page()

    def shoot(self, page: Page, path: str, name: str) -> None:
        page.goto(f"{self.base}{path}")
        self.snap(page, name)

    def snap(self, page: Page, name: str) -> None:
        """The page as it is now (after a goto, or after clicks)."""
        page.wait_for_load_state("networkidle")
        if page.locator("html").get_attribute("lang") != self.language:
            raise SystemExit(f"{page.url} is not in {self.language}")
        path = self.folder / name
        page.screenshot(path=str(path), full_page=True)
        if HTML_FOLDER:  # the page's markup too, to compare a refactoring page for page
            markup = HTML_FOLDER / path.relative_to(OUTPUT).with_suffix(".html")
            markup.parent.mkdir(parents=True, exist_ok=True)
            markup.write_text(page.content())
        print(f"{path.relative_to(ROOT)}  ({page.url})")

    def logged_in_page(
        self,
        email: str,
        password: str,
        viewport: dict = DESKTOP,
        totp_secret: str | None = None,
    ) -> Page:
        import pyotp

        _ = self._
        page = self.new_page(viewport)
        page.goto(f"{self.base}/auth/login")
        page.get_by_label(_("Email"), exact=True).fill(email)
        page.get_by_label(_("Password"), exact=True).fill(password)
        page.get_by_role("main").get_by_role("button", name=_("Log in")).click()
        page.wait_for_load_state("networkidle")
        if totp_secret and "/auth/two-factor" in page.url:
            page.get_by_label(_("Authentication code")).fill(pyotp.TOTP(totp_secret).now())
            page.get_by_role("main").get_by_role("button", name=_("Log in")).click()
            page.wait_for_load_state("networkidle")
        if "/auth/login" in page.url:
            raise SystemExit(f"could not log in as {email}")
        return page


def build_app(instance: Path, language: str) -> Flask:
    app = build_site_app(instance, "screenshots")
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    if result.exit_code != 0:
        raise SystemExit(f"flask demo load failed:\n{result.output}{result.exception or ''}")
    with app.test_request_context(base_url="http://127.0.0.1:5000"):
        add_unreachable_seller(language)
        add_restricted_seller()
    return app


def add_unreachable_seller(language: str) -> int:
    """A second seller whose mailbox refuses our mail: flagged, with one contact attempt,
    and their failed emails in the outbox (for the support pages)."""
    import uuid

    from flask_babel import force_locale, gettext

    from portal.clock import utcnow
    from portal.extensions import db
    from portal.outbox.models import MessageStatus, OutboxMessage
    from portal.profile.models import ContactAttempt, SellerReachability
    from tests.support import make_seller

    seller = make_seller(
        "lim.weijie@example.com", full_name="Lim Wei Jie", phone_e164="+60198765432"
    )
    now = utcnow()
    for days, msgid in (
        (9, "Your document was approved"),
        (5, "Please check that your Koopseri details are still correct"),
        (2, "Your Koopseri password was changed"),
    ):
        with force_locale(language):
            subject = gettext(msgid)
        db.session.add(
            OutboxMessage(
                user_id=seller.id, recipient=seller.email, kind="review_reminder", subject=subject,
                body_text=subject, body_html=f"<p>{subject}</p>", message_id=f"<{uuid.uuid4().hex}@demo>",
                status=MessageStatus.FAILED, attempts=1, last_error="SMTPDataError 550",
                created_at=now - timedelta(days=days),
            )
        )  # fmt: skip
    db.session.add(
        SellerReachability(
            user_id=seller.id, email_failures=3, unreachable_since=now - timedelta(days=2)
        )
    )
    admin = db.session.scalar(db.select(User).where(User.role == Role.ADMIN))
    db.session.add(
        ContactAttempt(
            user_id=seller.id, staff_id=admin.id, channel="phone", outcome="no_answer",
            note=TYPED[language]["call_note"], attempted_at=now - timedelta(hours=20),
        )
    )  # fmt: skip
    db.session.commit()
    return seller.id


def add_restricted_seller() -> int:
    """A seller who gave the same MyKad number as the demo seller (so her document's review
    shows it on another account), sent nothing else, and was first asked for it a day more
    than the deadline allows ago: restricted, first in the verification queue."""
    from flask import current_app

    from portal.auth import services as auth
    from portal.documents import services as documents
    from portal.extensions import db
    from portal.verification import services as verification
    from tests.support import give_identity, make_seller

    demo_seller = auth.find_by_email(demo_account(Role.SELLER)[0])
    seller = make_seller(
        "ganesh@example.com",
        full_name="Ganesh a/l Subramaniam",
        phone_e164="+60162345678",
        date_of_birth=demo_seller.date_of_birth,
    )
    number = documents.overview(demo_seller.id).identity_number.number
    give_identity(seller, "pending", number=number)
    today = verification.today_for(seller)
    deadline_days = current_app.config["VERIFICATION_DEADLINE_DAYS"]
    verification.refresh(seller.id, today - timedelta(days=deadline_days + 1))  # first asked
    verification.refresh(seller.id, today)  # past due since yesterday
    db.session.commit()
    return seller.id


def close_another_account(app: Flask) -> str:
    """A second seller who closed their account: what logging in shows them."""
    from portal.account import termination
    from portal.extensions import db
    from tests.support import make_seller

    with app.test_request_context(base_url="http://127.0.0.1:5000"):
        user = make_seller("closed@example.com", full_name="Lim Wei Jie")
        termination.terminate(user, actor=user)
        db.session.commit()
        return user.email


def erase_a_seller_with_a_pickup(app: Flask) -> None:
    """A seller with a DHL pickup still to come, erased: the request to DHL waits for the
    next retention run, on the staff's list of requests not yet answered."""
    from portal import erasure
    from portal.extensions import db
    from portal.sharing import services as sharing
    from portal.shipping import services as shipping
    from tests.sharing.conftest import give_address
    from tests.support import make_seller

    with app.test_request_context(base_url="http://127.0.0.1:5000"):
        user = make_seller("erased@example.com", full_name="Tan Ah Kow", phone_e164="+60123334455")
        give_address(user.id, display_name="Ah Kow Hardware")
        day = local_today() + timedelta(days=5)
        shipping.book_pickup(user, sharing.party_by_slug("dhl"), day, "small")
        db.session.commit()
        erasure.erase_accounts([user.id], reason="retention")
        db.session.commit()


def staff_two_factor(app: Flask, email: str) -> str:
    """Staff must use two-factor: give the demo admin an authenticator secret, and the first
    screenshot the page where a new member of staff sets it up."""
    import pyotp

    from portal.auth import services as auth
    from portal.clock import utcnow
    from portal.extensions import db

    secret = pyotp.random_base32()
    with app.app_context():
        user = auth.find_by_email(email)
        user.totp_secret, user.totp_enabled_at = secret, utcnow()
        db.session.commit()
    return secret


def review_url(camera: Camera, page: Page) -> str:
    """The review page of the first document in the queue (the demo seller's MyKad)."""
    page.goto(f"{camera.base}/admin/documents")
    link = page.get_by_role("link", name=camera._("Review"), exact=True)
    if link.count() == 0:
        raise SystemExit("no document waiting for review: did `flask demo load` change?")
    return link.first.get_attribute("href")


def publish_version_2(app: Flask) -> None:
    """Version 2, in both languages: version 1 with a section added, in effect now."""
    from portal.extensions import db
    from portal.policy import publishing, services

    with app.test_request_context(base_url="http://127.0.0.1:5000"):
        current = services.current_version()
        publishing.publish(
            current.body_markdown.replace("Privay", "Privacy").rstrip() + V2_CHANGE,
            body_ms=services.text_of(current, "ms").body_markdown.rstrip() + V2_CHANGE_MS,
            summary=V2_SUMMARY,
            summary_ms=V2_SUMMARY_MS,
        )
        db.session.commit()


def add_legal_disclosures(app: Flask, language: str) -> None:
    """Two disclosures required by law about the demo seller: one shown, one withheld."""
    from portal.auth import services as auth
    from portal.extensions import db
    from portal.sharing import legal

    typed = TYPED[language]
    with app.test_request_context(base_url="http://127.0.0.1:5000"):
        seller = auth.find_by_email(demo_account(Role.SELLER)[0])
        admin = auth.find_by_email(demo_account(Role.ADMIN)[0])
        today = local_today()
        common = {"seller": seller, "staff": admin, "documents_released": None}
        legal.record(
            **common,
            authority="Lembaga Hasil Dalam Negeri (LHDN)",
            legal_basis=typed["tax_basis"],
            reference="LHDN/KL/2026/0412",
            disclosed_on=today - timedelta(days=3),
            categories=["name", "address", "financial"],
            withheld=False,
            withheld_reason=None,
            review_on=None,
        )
        legal.record(
            **common,
            authority="Polis Diraja Malaysia",
            legal_basis=typed["police_basis"],
            reference="PDRM/IPD/2026/88",
            disclosed_on=today - timedelta(days=1),
            categories=["name", "phone"],
            withheld=True,
            withheld_reason=typed["withheld"],
            review_on=today + timedelta(days=30),
        )
        db.session.commit()


def take_all(camera: Camera) -> None:
    camera.folder.mkdir(parents=True, exist_ok=True)
    app, base, _, typed = camera.app, camera.base, camera._, TYPED[camera.language]
    shoot, snap = camera.shoot, camera.snap

    anonymous = camera.new_page()
    shoot(anonymous, "/", "home.png")
    shoot(anonymous, "/auth/register", "register.png")
    shoot(anonymous, "/auth/login", "login.png")
    shoot(anonymous, "/privacy", "privacy.png")
    shoot(anonymous, "/third-parties", "third-parties.png")
    shoot(anonymous, "/privacy/contact", "privacy-contact.png")
    shoot(anonymous, "/privacy/request", "privacy-request.png")

    mobile = camera.new_page(MOBILE, device_scale_factor=1, is_mobile=True, has_touch=True)
    shoot(mobile, "/auth/register", "register-mobile.png")

    seller = camera.logged_in_page(*demo_account(Role.SELLER))
    shoot(seller, "/dashboard", "dashboard.png")
    shoot(seller, "/profile", "profile.png")
    shoot(seller, "/profile/history", "profile-history.png")
    shoot(seller, "/profile/financial", "profile-financial.png")
    shoot(seller, "/account", "account.png")
    shoot(seller, "/account/two-factor", "account-two-factor.png")
    shoot(seller, "/documents/", "documents.png")
    for picture in (_("Your profile photo"), _("Your identity document")):
        # Each page of a document is a link to its full-size copy, named after the document.
        if seller.get_by_role("link", name=picture).count() < 1:
            raise SystemExit(f"no “{picture}” on the documents page: did demo load change?")
    shoot(seller, "/notifications/", "notifications.png")

    company = camera.logged_in_page(*demo_company_seller())
    shoot(company, "/dashboard", "dashboard-company.png")
    shoot(company, "/profile/business", "profile-business.png")
    shoot(company, "/profile/financial", "profile-financial-company.png")
    shoot(company, "/documents/", "documents-company.png")

    mobile_seller = camera.logged_in_page(*demo_account(Role.SELLER), MOBILE)
    shoot(mobile_seller, "/profile", "profile-mobile.png")

    publish_version_2(app)
    shoot(anonymous, "/privacy/changes?from=1&to=2#compare", "privacy-changes.png")
    shoot(seller, "/dashboard", "policy-accept.png")  # the gate sends it on
    seller.get_by_label(_("I accept version %(n)s", n=2)).check()
    seller.get_by_role("button", name=_("Accept and continue")).click()
    seller.wait_for_load_state("networkidle")
    shoot(seller, "/account/consent", "account-consent.png")

    seller.goto(f"{base}/shipping/pickup")
    seller.get_by_label("Sendparcel").check()
    seller.get_by_label(_("Pickup date")).fill((date.today() + timedelta(days=2)).isoformat())
    seller.get_by_label(_("Small: up to 2 kg, fits in a shoebox")).check()
    seller.get_by_role("button", name=_("Check what will be shared")).click()
    snap(seller, "sharing-confirm.png")
    seller.get_by_role(
        "button", name=_("Confirm and share with %(name)s", name="Sendparcel")
    ).click()
    snap(seller, "shipping-pickup.png")
    add_legal_disclosures(app, camera.language)
    shoot(seller, "/account/disclosures", "disclosures.png")
    shoot(seller, "/integrations/woocommerce", "integrations-woocommerce.png")
    shoot(seller, "/account/export", "account-export.png")
    shoot(seller, "/account/terminate", "account-terminate.png")
    shoot(anonymous, "/retention", "retention.png")
    closed = camera.logged_in_page(close_another_account(app), PASSWORD)
    shoot(closed, "/account/closed", "account-closed.png")

    first = camera.logged_in_page(*demo_account(Role.ADMIN))
    shoot(first, "/admin/", "admin-two-factor.png")  # set up before anything
    secret = staff_two_factor(app, demo_account(Role.ADMIN)[0])
    admin = camera.logged_in_page(*demo_account(Role.ADMIN), totp_secret=secret)
    shoot(admin, "/admin/", "admin.png")
    shoot(admin, "/admin/verification", "admin-verification.png")
    shoot(admin, review_url(camera, admin), "admin-document-review.png")
    shoot(admin, "/admin/outbox", "admin-outbox.png")
    shoot(admin, "/admin/third-parties", "admin-third-parties.png")
    shoot(admin, "/admin/disclosures", "admin-disclosures.png")
    admin.goto(f"{base}/admin/unreachable")
    link = admin.get_by_role("link", name=_("Contact details"), exact=True).first
    shoot(admin, link.get_attribute("href"), "admin-unreachable-seller.png")
    shoot(admin, "/admin/sellers?q=nur", "admin-sellers.png")
    admin.get_by_role("link", name="Nur Aisyah binti Ahmad").first.click()
    admin.get_by_label(_("Bank account number")).check()
    admin.get_by_label(_("Reason"), exact=True).fill(typed["reveal_reason"])
    admin.get_by_role("button", name=_("Show the value")).click()
    snap(admin, "admin-seller.png")
    admin.goto(f"{base}/admin/sellers?q=hafiz")
    admin.get_by_role("link", name="Mohd Hafiz bin Ismail").first.click()
    snap(admin, "admin-seller-company.png")  # business details, verification with a deadline
    shoot(admin, "/admin/audit", "admin-audit.png")
    shoot(admin, "/admin/staff", "admin-staff.png")
    shoot(seller, "/account/access-log", "account-access-log.png")

    seller.goto(f"{base}/account/requests")
    seller.get_by_label(_("A copy of my data")).check()
    seller.get_by_label(_("Details")).fill(typed["request"])
    seller.get_by_role("button", name=_("Send request")).click()
    snap(seller, "account-request.png")
    shoot(admin, "/admin/requests", "admin-requests.png")
    shoot(admin, "/admin/breaches/new", "admin-breach-new.png")
    shoot(admin, "/admin/processing", "admin-processing.png")
    erase_a_seller_with_a_pickup(app)
    shoot(admin, "/admin/erasure-requests", "admin-erasure-requests.png")


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    with sync_playwright() as playwright:
        for language in LANGUAGES:
            with (
                tempfile.TemporaryDirectory(prefix=f"portal-screenshots-{language}-") as tmp,
                accounts_speaking(language),
            ):
                app = build_app(Path(tmp) / "instance", language)
                browser = playwright.chromium.launch(
                    executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
                )
                try:
                    with serve(app) as base:
                        take_all(Camera(browser, base, app, language))
                finally:
                    browser.close()


if __name__ == "__main__":
    main()
