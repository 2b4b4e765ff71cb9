"""portal.links.public_url: absolute links from PUBLIC_URL, with or without a path prefix."""

from __future__ import annotations

import pytest

from portal.links import public_url


@pytest.mark.parametrize(
    ("configured", "expected"),
    [
        ("https://sellers.koopseri.example", "https://sellers.koopseri.example/auth/login"),
        ("https://sellers.koopseri.example/", "https://sellers.koopseri.example/auth/login"),
        ("https://koopseri.example/sellers", "https://koopseri.example/sellers/auth/login"),
        ("https://koopseri.example/sellers/", "https://koopseri.example/sellers/auth/login"),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000/auth/login"),
    ],
)
def test_links_start_with_public_url_in_and_out_of_requests(make_app, configured, expected):
    app = make_app(PUBLIC_URL=configured)
    with app.app_context():
        assert public_url("auth.login") == expected
    with app.test_request_context("/", base_url="http://elsewhere.example:9000/other/"):
        assert public_url("auth.login", _external=True) == expected


def test_values_query_and_anchor_as_url_for(make_app):
    app = make_app(PUBLIC_URL="https://sellers.koopseri.example")
    with app.app_context():
        assert (
            public_url("policy.version", number=2, lang="ms", _anchor="section 3")
            == "https://sellers.koopseri.example/privacy/2?lang=ms#section%203"
        )
