"""Full-page screenshots of the portal for the docs, taken with Debian's Chromium.

    .venv/bin/python scripts/screenshots.py

Starts the portal on a loopback port in a throwaway instance folder, loads the demo data
(``flask demo load``: the seller comes with photos and a specimen MyKad waiting for review),
and writes PNGs at 1280px width (and the registration form at 390px) into
``docs/screenshots/``. Nothing is downloaded: Playwright drives /usr/bin/chromium.
"""

from __future__ import annotations

import logging
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Browser, Page, sync_playwright  # noqa: E402

from portal.auth.models import Role, User  # noqa: E402
from portal.demo import DEMO_ACCOUNTS  # noqa: E402
from tests.livesite import CHROMIUM, CHROMIUM_ARGS, serve  # noqa: E402
from tests.livesite import build_app as build_site_app  # noqa: E402
from tests.support import PASSWORD  # noqa: E402

OUTPUT = ROOT / "docs" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
MOBILE = {"width": 390, "height": 844}


def demo_account(role: Role) -> tuple[str, str]:
    for email, password, account_role in DEMO_ACCOUNTS:
        if account_role == role:
            return email, password
    raise LookupError(f"no demo account with role {role}")


def build_app(instance: Path):
    app = build_site_app(instance, "screenshots")
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    if result.exit_code != 0:
        raise SystemExit(f"flask demo load failed:\n{result.output}{result.exception or ''}")
    with app.app_context():
        add_unreachable_seller()
    return app


def add_unreachable_seller() -> int:
    """A second seller whose mailbox refuses our mail: flagged, with one contact attempt,
    and their failed emails in the outbox (for the support pages)."""
    import uuid
    from datetime import timedelta

    from portal.extensions import db
    from portal.outbox.models import ContactAttempt, MessageStatus, OutboxMessage
    from portal.sqltypes import utcnow
    from tests.support import make_seller

    seller = make_seller(
        "lim.weijie@example.com", full_name="Lim Wei Jie", phone_e164="+60198765432"
    )
    now = utcnow()
    for days, subject in (
        (9, "Your document was approved"),
        (5, "Is your information still correct?"),
        (2, "Your password was changed"),
    ):
        db.session.add(
            OutboxMessage(
                user_id=seller.id, recipient=seller.email, kind="review_reminder", subject=subject,
                body_text=subject, body_html=f"<p>{subject}</p>", message_id=f"<{uuid.uuid4().hex}@demo>",
                status=MessageStatus.FAILED, attempts=1, last_error="SMTPDataError 550",
                created_at=now - timedelta(days=days),
            )
        )  # fmt: skip
    seller.email_failures, seller.unreachable_since = 3, now - timedelta(days=2)
    admin = db.session.scalar(db.select(User).where(User.role == Role.ADMIN))
    db.session.add(
        ContactAttempt(
            user_id=seller.id, staff_id=admin.id, channel="phone", outcome="no_answer",
            note="Rang at 10:15, no answer; will try WhatsApp.", attempted_at=now - timedelta(hours=20),
        )
    )  # fmt: skip
    db.session.commit()
    return seller.id


def shoot(page: Page, url: str, name: str) -> None:
    page.goto(url)
    snap(page, name)


def close_another_account(app) -> str:
    """A second seller who closed their account: what logging in shows them."""
    from portal.account import termination
    from portal.extensions import db
    from tests.support import make_seller

    with app.test_request_context(base_url="http://127.0.0.1:5000"):
        user = make_seller("closed@example.com", full_name="Lim Wei Jie")
        termination.terminate(user, actor=user)
        db.session.commit()
        return user.email


def snap(page: Page, name: str) -> None:
    """The page as it is now (after a goto, or after clicks)."""
    page.wait_for_load_state("networkidle")
    path = OUTPUT / name
    page.screenshot(path=str(path), full_page=True)
    print(f"{path.relative_to(ROOT)}  ({page.url})")


def logged_in_page(
    browser: Browser,
    base: str,
    email: str,
    password: str,
    viewport: dict = DESKTOP,
    totp_secret: str | None = None,
) -> Page:
    import pyotp

    page = browser.new_context(viewport=viewport).new_page()
    page.goto(f"{base}/auth/login")
    page.get_by_label("Email", exact=True).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state("networkidle")
    if totp_secret and "/auth/two-factor" in page.url:
        page.get_by_label("Authentication code").fill(pyotp.TOTP(totp_secret).now())
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state("networkidle")
    if "/auth/login" in page.url:
        raise SystemExit(f"could not log in as {email}")
    return page


def staff_two_factor(app, email: str) -> str:
    """Staff must use two-factor: give the demo admin an authenticator secret, and the first
    screenshot the page where a new member of staff sets it up."""
    import pyotp

    from portal.auth import services as auth
    from portal.extensions import db
    from portal.sqltypes import utcnow

    secret = pyotp.random_base32()
    with app.app_context():
        user = auth.find_by_email(email)
        user.totp_secret, user.totp_enabled_at = secret, utcnow()
        db.session.commit()
    return secret


def review_url(page: Page, base: str) -> str:
    """The review page of the first document in the queue (the demo seller's MyKad)."""
    page.goto(f"{base}/admin/documents")
    link = page.get_by_role("link", name="Review")
    if link.count() == 0:
        raise SystemExit("no document waiting for review: did `flask demo load` change?")
    return f"{base}{link.first.get_attribute('href')}"


V2_CHANGE = (
    "\n\n## How we tell you about changes\n\nWhen we change this policy we email you a summary "
    "and a link to exactly what changed, and ask you to accept the new version the next time "
    "you use the portal.\n"
)


def publish_version_2(app) -> None:
    """Version 2: version 1 with a section added, in effect now (for the policy pages)."""
    from portal.extensions import db
    from portal.policy import publishing, services

    with app.test_request_context(base_url="http://127.0.0.1:5000"):
        current = services.current_version()
        publishing.publish(
            current.body_markdown.replace("Privay", "Privacy").rstrip() + V2_CHANGE,
            summary="We fixed a typo and now say how we tell you about changes.",
        )
        db.session.commit()


def add_legal_disclosures(app) -> None:
    """Two disclosures required by law about the demo seller: one shown, one withheld."""
    from datetime import timedelta

    from portal.auth import services as auth
    from portal.extensions import db
    from portal.sharing import legal

    with app.test_request_context(base_url="http://127.0.0.1:5000"):
        seller = auth.find_by_email(demo_account(Role.SELLER)[0])
        admin = auth.find_by_email(demo_account(Role.ADMIN)[0])
        today = auth.local_today()
        common = {"seller": seller, "staff": admin, "documents_released": None}
        legal.record(
            **common,
            authority="Lembaga Hasil Dalam Negeri (LHDN)",
            legal_basis="Income Tax Act 1967, section 81: notice to furnish information",
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
            legal_basis="Criminal Procedure Code, section 51: order to produce documents",
            reference="PDRM/IPD/2026/88",
            disclosed_on=today - timedelta(days=1),
            categories=["name", "phone"],
            withheld=True,
            withheld_reason="The investigating officer asked that the seller not be told yet.",
            review_on=today + timedelta(days=30),
        )
        db.session.commit()


def take_all(base: str, app) -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            anonymous = browser.new_context(viewport=DESKTOP).new_page()
            shoot(anonymous, f"{base}/", "home.png")
            shoot(anonymous, f"{base}/auth/register", "register.png")
            shoot(anonymous, f"{base}/auth/login", "login.png")
            shoot(anonymous, f"{base}/privacy", "privacy.png")
            shoot(anonymous, f"{base}/third-parties", "third-parties.png")

            mobile = browser.new_context(
                viewport=MOBILE, device_scale_factor=1, is_mobile=True, has_touch=True
            ).new_page()
            shoot(mobile, f"{base}/auth/register", "register-mobile.png")

            seller = logged_in_page(browser, base, *demo_account(Role.SELLER))
            shoot(seller, f"{base}/dashboard", "dashboard.png")
            shoot(seller, f"{base}/profile", "profile.png")
            shoot(seller, f"{base}/profile/history", "profile-history.png")
            shoot(seller, f"{base}/profile/financial", "profile-financial.png")
            shoot(seller, f"{base}/account", "account.png")
            shoot(seller, f"{base}/account/two-factor", "account-two-factor.png")
            shoot(seller, f"{base}/documents/", "documents.png")
            for picture in ("Your profile photo", "Your identity document"):
                if seller.get_by_role("img", name=picture).count() != 1:
                    raise SystemExit(f"no “{picture}” on the documents page: did demo load change?")
            shoot(seller, f"{base}/notifications/", "notifications.png")

            mobile_seller = logged_in_page(browser, base, *demo_account(Role.SELLER), MOBILE)
            shoot(mobile_seller, f"{base}/profile", "profile-mobile.png")

            publish_version_2(app)
            shoot(anonymous, f"{base}/privacy/changes?from=1&to=2#compare", "privacy-changes.png")
            shoot(seller, f"{base}/dashboard", "policy-accept.png")  # the gate sends it on
            seller.get_by_label("I accept version 2").check()
            seller.get_by_role("button", name="Accept and continue").click()
            seller.wait_for_load_state("networkidle")
            shoot(seller, f"{base}/account/consent", "account-consent.png")

            seller.goto(f"{base}/shipping/pickup")
            seller.get_by_label("Sendparcel").check()
            seller.get_by_label("Pickup date").fill((date.today() + timedelta(days=2)).isoformat())
            seller.get_by_label("Small").check()
            seller.get_by_role("button", name="Check what will be shared").click()
            snap(seller, "sharing-confirm.png")
            seller.get_by_role("button", name="Confirm and share with Sendparcel").click()
            snap(seller, "shipping-pickup.png")
            add_legal_disclosures(app)
            shoot(seller, f"{base}/account/disclosures", "disclosures.png")
            shoot(seller, f"{base}/account/export", "account-export.png")
            shoot(seller, f"{base}/account/terminate", "account-terminate.png")
            shoot(anonymous, f"{base}/retention", "retention.png")
            closed = logged_in_page(browser, base, close_another_account(app), PASSWORD)
            shoot(closed, f"{base}/account/closed", "account-closed.png")

            first = logged_in_page(browser, base, *demo_account(Role.ADMIN))
            shoot(first, f"{base}/admin/", "admin-two-factor.png")  # set up before anything
            secret = staff_two_factor(app, demo_account(Role.ADMIN)[0])
            admin = logged_in_page(browser, base, *demo_account(Role.ADMIN), totp_secret=secret)
            shoot(admin, f"{base}/admin/", "admin.png")
            shoot(admin, review_url(admin, base), "admin-document-review.png")
            shoot(admin, f"{base}/admin/outbox", "admin-outbox.png")
            shoot(admin, f"{base}/admin/third-parties", "admin-third-parties.png")
            shoot(admin, f"{base}/admin/disclosures", "admin-disclosures.png")
            admin.goto(f"{base}/admin/unreachable")
            link = admin.get_by_role("link", name="Contact details").first
            shoot(admin, f"{base}{link.get_attribute('href')}", "admin-unreachable-seller.png")
            shoot(admin, f"{base}/admin/sellers?q=nur", "admin-sellers.png")
            admin.get_by_role("link", name="Nur Aisyah binti Ahmad").first.click()
            admin.get_by_label("Bank account number").check()
            admin.get_by_label("Reason", exact=True).fill("She asked us to check her payout")
            admin.get_by_role("button", name="Show the value").click()
            snap(admin, "admin-seller.png")
            shoot(admin, f"{base}/admin/audit", "admin-audit.png")
            shoot(admin, f"{base}/admin/staff", "admin-staff.png")
            shoot(seller, f"{base}/account/access-log", "account-access-log.png")
        finally:
            browser.close()


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="portal-screenshots-") as tmp:
        app = build_app(Path(tmp) / "instance")
        with serve(app) as base:
            take_all(base, app)


if __name__ == "__main__":
    main()
