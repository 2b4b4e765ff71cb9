"""``browser`` is a seller logged in to an app that checks CSRF, filling in the real forms."""

from __future__ import annotations

import html
import re

import pytest

from tests.support import PASSWORD

_INPUT = re.compile(r"<input[^>]*csrf_token[^>]*>")
_ATTRIBUTE = re.compile(r'(name|value)="([^"]*)"')


class Browser:
    """A person at a browser: every form is sent with the CSRF token of the page it is on."""

    def __init__(self, client):
        self.client = client

    def get(self, url: str) -> str:
        return html.unescape(self.client.get(url).get_data(as_text=True))

    def submit(self, url: str, data: dict, *, page: str | None = None):
        """Open ``page`` (``url`` unless said), then post ``data`` to ``url`` with the CSRF
        token of the page's form that posts there (named as that form names it)."""
        text = self.client.get(page or url).get_data(as_text=True)
        form = re.search(rf'<form[^>]*action="{re.escape(url)}".*?</form>', text, re.S)
        assert form, f"no form posting to {url} on {page or url}"
        token = dict(_ATTRIBUTE.findall(_INPUT.search(form.group(0)).group(0)))
        return self.client.post(url, data={**data, token["name"]: token["value"]})

    def login(self, email: str, password: str = PASSWORD):
        response = self.submit("/auth/login", {"email": email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:300]
        return response


@pytest.fixture
def browser(make_app, seller):
    app = make_app(WTF_CSRF_ENABLED=True)
    person = Browser(app.test_client())
    person.login(seller["email"])
    return person
