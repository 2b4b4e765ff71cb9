"""The portal in Bahasa Melayu, in a real browser: a visitor switches the header to Malay,
registers with the Malay form, gets the verification email in Malay and confirms it; and a
reader switches the privacy policy's text between English and its Malay translation.

The Malay strings are the catalogue's own (portal/translations/ms) and the published
translation of version 1 (portal/policy/content/v1.ms.md).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from playwright.sync_api import expect
from sqlalchemy import select

from portal.auth.models import User
from portal.extensions import db
from portal.policy.models import ConsentRecord

FULL_NAME = "Nurul Izzah binti Kamal"
EMAIL = "nurul.e2e@example.com"
PASSWORD = "pokok-kelapa-di-tepi-pantai-42"
CONSENT_MS = "Saya telah membaca dan menerima Dasar Privasi Penjual (versi 1)"

# A sentence of each text of version 1, and the note shown above a translation.
POLICY_EN = "Your account and information is password protected."
POLICY_MS = "Akaun dan maklumat anda dilindungi oleh kata laluan."
TRANSLATION_NOTE = (
    "Ini ialah terjemahan. Sekiranya terdapat perbezaan dengan teks Bahasa Inggeris, "
    "teks Bahasa Inggeris diguna pakai."
)


def test_switch_to_malay_register_and_verify_in_malay(live_server, browser_page):
    page, base = browser_page, live_server.url
    page_errors: list[str] = []
    page.on("pageerror", lambda exc: page_errors.append(str(exc)))

    # The home page in English; the switch in the header turns the portal into Malay.
    page.goto(f"{base}/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("link", name="Register", exact=True)).to_be_visible()
    page.get_by_role("button", name="Bahasa Melayu").click()
    expect(page).to_have_url(f"{base}/")
    expect(page.locator("html")).to_have_attribute("lang", "ms")
    site_nav = page.get_by_role("navigation", name="Utama")
    expect(site_nav.get_by_role("link", name="Daftar", exact=True)).to_be_visible()
    expect(site_nav.get_by_role("link", name="Log masuk", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Bahasa Melayu")).to_be_disabled()

    # Register with the Malay form: the labels are the catalogue's.
    site_nav.get_by_role("link", name="Daftar", exact=True).click()
    expect(page).to_have_url(f"{base}/auth/register")
    expect(page.get_by_role("heading", level=1)).to_have_text("Daftar sebagai penjual")
    page.get_by_label("Nama penuh mengikut dokumen rasmi").fill(FULL_NAME)
    page.get_by_label("E-mel", exact=True).fill(EMAIL)
    page.get_by_label("Kata laluan", exact=True).fill(PASSWORD)
    date_of_birth = page.get_by_role("group", name="Tarikh lahir")
    date_of_birth.get_by_label("Hari").fill("31")
    date_of_birth.get_by_label("Bulan").fill("8")
    date_of_birth.get_by_label("Tahun").fill("1992")
    page.get_by_label("Nombor telefon").fill("012-345 6789")
    page.get_by_label(CONSENT_MS).check()
    page.get_by_role("button", name="Buat akaun saya").click()
    expect(page).to_have_url(f"{base}/auth/check-email")
    expect(page.get_by_role("heading", level=1)).to_have_text("Semak e-mel anda")

    # The account speaks Malay, and the consent says the policy was offered in Malay.
    with live_server.app.app_context():
        user = db.session.scalar(select(User).where(User.email == EMAIL))
        assert user is not None
        assert user.locale == "ms"
        consents = db.session.scalars(
            select(ConsentRecord).where(ConsentRecord.user_id == user.id)
        ).all()
        assert [(c.context, c.language) for c in consents] == [("registration", "ms")]

    # The verification email is in Malay, text and HTML alike.
    message = live_server.wait_for_email(EMAIL)
    assert message["Subject"] == "Sahkan alamat e-mel anda"
    text = message.get_body(preferencelist=("plain",)).get_content()
    # Sent to an address not yet proven: greeted without the name the registrant typed.
    assert "Salam sejahtera," in text and FULL_NAME not in text, text
    assert "Selamat datang ke Koopseri." in text, text
    assert "Welcome" not in text, text
    html = message.get_body(preferencelist=("html",)).get_content()
    assert '<html lang="ms">' in html
    assert "Salam sejahtera" in html
    match = re.search(r"https?://\S+/auth/verify/\S+", text)
    assert match, f"no verification link in:\n{text}"
    link = match.group(0)
    assert urlsplit(link).netloc == urlsplit(base).netloc, link

    # Its link works, and the confirmation is in Malay.
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Sahkan alamat e-mel anda")
    page.get_by_role("button", name="Sahkan alamat e-mel saya").click()
    expect(page).to_have_url(f"{base}/auth/login")
    expect(page.get_by_role("status")).to_contain_text(
        "Alamat e-mel anda telah disahkan. Anda kini boleh log masuk."
    )

    # Logged in, the pages follow the account's language.
    page.get_by_label("E-mel", exact=True).fill(EMAIL)
    page.get_by_label("Kata laluan", exact=True).fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Log masuk").click()
    expect(page).to_have_url(f"{base}/dashboard")
    expect(page.locator("html")).to_have_attribute("lang", "ms")
    expect(page.get_by_role("button", name="Log keluar")).to_be_visible()
    assert page_errors == [], page_errors


def test_read_the_policy_in_either_language(live_server, browser_page):
    page, base = browser_page, live_server.url
    languages = page.get_by_role("navigation", name="Language of the policy")

    # English pages, English text: no note about a translation.
    page.goto(f"{base}/privacy")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("article.policy")).to_have_attribute("lang", "en")
    expect(page.get_by_text(POLICY_EN)).to_be_visible()
    expect(languages.locator("[aria-current=true]")).to_have_text("English")

    # "Read it in: Bahasa Melayu" shows the translation of version 1, said to be one; the
    # page around it stays in English.
    languages.get_by_role("link", name="Bahasa Melayu").click()
    expect(page).to_have_url(re.compile(r"/privacy\?lang=ms$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("article.policy")).to_have_attribute("lang", "ms")
    expect(page.get_by_text(POLICY_MS)).to_be_visible()
    expect(page.get_by_text(POLICY_EN)).to_have_count(0)
    # The note is in the language of the page, not of the text.
    expect(page.get_by_text(TRANSLATION_NOTE)).to_have_count(0)
    expect(
        page.get_by_text("This is a translation. Where it differs from the English text")
    ).to_be_visible()
    expect(languages.locator("[aria-current=true]")).to_have_text("Bahasa Melayu")

    # And back to English.
    languages.get_by_role("link", name="English").click()
    expect(page).to_have_url(re.compile(r"/privacy\?lang=en$"))
    expect(page.get_by_text(POLICY_EN)).to_be_visible()
    expect(page.get_by_text(POLICY_MS)).to_have_count(0)
    expect(page.get_by_text("This is a translation.")).to_have_count(0)

    # A Malay page shows the Malay text by itself, with the note in Malay; a given version's
    # page has the same switch.
    page.get_by_role("button", name="Bahasa Melayu").click()
    expect(page.locator("html")).to_have_attribute("lang", "ms")
    page.goto(f"{base}/privacy/1")
    malay_languages = page.get_by_role("navigation", name="Bahasa dasar")
    expect(page.get_by_text(POLICY_MS)).to_be_visible()
    expect(page.get_by_text(TRANSLATION_NOTE)).to_be_visible()
    malay_languages.get_by_role("link", name="English").click()
    expect(page).to_have_url(re.compile(r"/privacy/1\?lang=en$"))
    expect(page.locator("article.policy")).to_have_attribute("lang", "en")
    expect(page.get_by_text(POLICY_EN)).to_be_visible()
    expect(page.get_by_text(TRANSLATION_NOTE)).to_have_count(0)
