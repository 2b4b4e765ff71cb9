"""Every /account route, walked from the URL map: sellers only, everyone else turned away."""

from __future__ import annotations

from urllib.parse import urlsplit

from tests.support import PASSWORD, make_staff, routes_under


def _account_urls(app) -> list[tuple[str, str]]:
    urls = routes_under(app, "/account")
    assert len(urls) >= 8, urls
    return urls


def test_anonymous_visitors_are_sent_to_log_in_from_every_account_route(app, client):
    for method, url in _account_urls(app):
        response = client.open(url, method=method)
        assert response.status_code == 302, (method, url)
        assert urlsplit(response.headers["Location"]).path == "/auth/login", (method, url)


def test_staff_get_404_on_every_account_route(app, client, auth):
    with app.app_context():
        make_staff("admin@example.com", "admin")
    auth.login("admin@example.com", PASSWORD)
    for method, url in _account_urls(app):
        assert client.open(url, method=method).status_code == 404, (method, url)


def test_the_retention_schedule_stays_public(client):
    assert client.get("/retention").status_code == 200
