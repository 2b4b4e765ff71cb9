"""The back office is for staff only: every /admin route, walked from the URL map."""

from __future__ import annotations

import pytest

from tests.support import PASSWORD, make_staff, routes_under


def _admin_urls(app) -> list[tuple[str, str]]:
    urls = routes_under(app, "/admin")
    assert urls, "no /admin routes found"
    return urls


def test_anonymous_visitors_get_404_on_every_admin_route(app, client):
    for method, url in _admin_urls(app):
        response = client.open(url, method=method)
        assert response.status_code == 404, (method, url)


def test_sellers_get_404_on_every_admin_route(app, client, seller, auth):
    auth.login()
    for method, url in _admin_urls(app):
        response = client.open(url, method=method)
        assert response.status_code in (403, 404), (method, url)
        assert "Back office" not in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["admin", "reviewer", "support", "dpo"])
def test_every_staff_role_reaches_the_back_office(app, client, auth, role):
    with app.app_context():
        make_staff(f"{role}@example.com", role)
    auth.login(f"{role}@example.com", PASSWORD)
    page = client.get("/admin/")
    assert page.status_code == 200
    assert "Back office" in page.get_data(as_text=True)
    assert client.get("/dashboard").headers["Location"] == "/admin/"
