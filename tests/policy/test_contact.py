"""/privacy/contact: the Data Protection Officer's contact (PDPA s.12A), from the settings, in
both languages, linked from every page's footer and from the policy."""

from __future__ import annotations

import lxml.html
import pytest

from tests.support import client_as

DPO = {
    "DPO_NAME": "Nurul Aina binti Hassan",
    "DPO_EMAIL": "dpo@koopseri.example",
    "DPO_PHONE": "+60 3-2712 0000",
}


@pytest.fixture
def app(make_app):
    return make_app(**DPO)


def _page(response) -> lxml.html.HtmlElement:
    assert response.status_code == 200
    return lxml.html.fromstring(response.get_data(as_text=True))


@pytest.mark.parametrize(
    ("language", "heading", "answers"),
    [
        ("en", "Contact our Data Protection Officer", "They answer in Bahasa Melayu and English."),
        (
            "ms",
            "Hubungi Pegawai Perlindungan Data kami",
            "Mereka menjawab dalam Bahasa Melayu dan Bahasa Inggeris.",
        ),
    ],
)
def test_the_page_shows_the_settings_in_both_languages(client, language, heading, answers):
    page = _page(client.get("/privacy/contact", headers={"Accept-Language": language}))
    assert page.xpath("string(//h1)").strip() == heading
    contact = page.get_element_by_id("dpo").text_content()
    assert "Nurul Aina binti Hassan" in contact
    assert "03-2712 0000" in contact  # the phone filter: Malaysian national format
    assert answers in " ".join(contact.split())
    [mail] = page.xpath('//a[starts-with(@href, "mailto:")]')
    assert mail.get("href") == "mailto:dpo@koopseri.example"
    assert page.xpath('//a[@href="tel:+60327120000"]')


def test_the_page_says_how_to_make_a_request(client):
    page = _page(client.get("/privacy/contact"))
    hrefs = set(page.xpath("//main//a/@href") or page.xpath("//a/@href"))
    assert {"/account/requests", "/privacy/request"} <= hrefs


def test_another_dpo_is_shown_when_the_settings_change(make_app):
    client = make_app(DPO_NAME="Tan Wei Ming", DPO_EMAIL="privacy@koopseri.example").test_client()
    page = _page(client.get("/privacy/contact"))
    assert "Tan Wei Ming" in page.text_content()
    assert page.xpath('//a[@href="mailto:privacy@koopseri.example"]')


@pytest.mark.parametrize("path", ["/", "/privacy", "/auth/login", "/third-parties", "/retention"])
def test_every_page_links_it_from_the_footer(client, path):
    page = _page(client.get(path))
    assert page.xpath('//footer//a[@href="/privacy/contact"]'), path


def test_the_policy_links_it(client):
    page = _page(client.get("/privacy"))
    assert page.xpath('//article//a[@href="/privacy/contact"]')


def test_a_seller_reaches_it_and_its_footer_link(app, seller):
    page = _page(client_as(app, seller["email"]).get("/dashboard"))
    assert page.xpath('//footer//a[@href="/privacy/contact"]')
    assert client_as(app, seller["email"]).get("/privacy/contact").status_code == 200
