"""A new seller's first visit, in a real browser: register, confirm the email, log in, log out."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from playwright.sync_api import expect

FULL_NAME = "Siti Nurhaliza binti Tarudin"
EMAIL = "siti.e2e@example.com"
PASSWORD = "tropical-durian-harbour-42"
CONSENT = "I have read and accept the Seller Privacy Policy (version 1)"


def test_register_verify_login_logout(live_server, browser_page):
    page = browser_page
    base = live_server.url
    console_errors: list[str] = []
    page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)
    page_errors: list[str] = []
    page.on("pageerror", lambda exc: page_errors.append(str(exc)))

    # Register.
    page.goto(f"{base}/auth/register")
    expect(page.get_by_role("heading", level=1)).to_have_text("Register as a seller")
    page.get_by_label("Full legal name").fill(FULL_NAME)
    page.get_by_label("Email", exact=True).fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    date_of_birth = page.get_by_role("group", name="Date of birth")
    date_of_birth.get_by_label("Day").fill("17")
    date_of_birth.get_by_label("Month").fill("5")
    date_of_birth.get_by_label("Year").fill("1990")
    page.get_by_label("Phone number").fill("012-345 6789")
    page.get_by_label(CONSENT).check()
    page.get_by_role("button", name="Create my account").click()
    expect(page).to_have_url(f"{base}/auth/check-email")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")

    expect(page.get_by_role("button", name="Log out")).to_have_count(0)  # not logged in yet

    # The verification email, read from the .eml the portal wrote.
    message = live_server.wait_for_email(EMAIL)
    text = message.get_body(preferencelist=("plain",)).get_content()
    match = re.search(r"https?://\S+/auth/verify/\S+", text)
    assert match, f"no verification link in:\n{text}"
    link = match.group(0)
    assert urlsplit(link).netloc == urlsplit(base).netloc, link

    # Confirm the address.
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your email address")
    page.get_by_role("button", name="Confirm my email address").click()
    expect(page).to_have_url(f"{base}/auth/login")
    expect(page.get_by_role("status")).to_contain_text(
        "Your email address is confirmed. You can now log in."
    )

    # Log in.
    page.get_by_label("Email", exact=True).fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Keep me logged in for 30 days").check()
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{base}/dashboard")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Welcome, {FULL_NAME}")
    expect(page.get_by_role("heading", name="Your details")).to_be_visible()
    page.get_by_role("link", name="Profile", exact=True).click()
    expect(page.get_by_text(EMAIL, exact=True)).to_be_visible()
    expect(page.locator("main")).to_contain_text(FULL_NAME)
    expect(page.locator("main")).to_contain_text("17 May 1990")

    # Log out.
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(f"{base}/")
    expect(page.get_by_role("status")).to_contain_text("You have logged out.")
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)

    # Logged out for real: the dashboard sends us to the login page.
    page.goto(f"{base}/dashboard")
    expect(page).to_have_url(re.compile(re.escape(f"{base}/auth/login") + r"(\?.*)?$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")

    csp_errors = [m for m in console_errors if "Content Security Policy" in m]
    assert csp_errors == [], csp_errors
    assert page_errors == [], page_errors
