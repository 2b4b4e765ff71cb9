"""Cross-cutting behaviour: headers, cookies, error pages, CSRF, health, accessible forms."""

from __future__ import annotations

import logging
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.support import PASSWORD, make_seller, registration_form

ROOT = Path(__file__).resolve().parents[1]


def test_security_headers_on_every_page(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_session_cookie_is_httponly_lax_and_secure_behind_https(make_app):
    plain = make_app()
    with plain.app_context():
        make_seller()
    secure = make_app(SESSION_COOKIE_SECURE=True)
    for app, expect_secure in ((plain, False), (secure, True)):
        response = app.test_client().post(
            "/auth/login", data={"email": "seller@example.com", "password": PASSWORD}
        )
        cookies = response.headers.getlist("Set-Cookie")
        for name in ("portal_session=", "portal_device="):
            cookie = next(c for c in cookies if c.startswith(name))
            assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
            assert ("Secure" in cookie) is expect_secure


def test_personal_pages_are_not_cached(client, seller, auth):
    auth.login()
    assert client.get("/dashboard").headers["Cache-Control"] == "no-store"


def test_404_page_is_friendly(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Page not found" in page and "Privacy policy" in page


def test_500_page_reveals_nothing(make_app, caplog):
    app = make_app()

    @app.get("/boom")
    def boom():
        raise RuntimeError("database password is hunter2")

    caplog.set_level(logging.ERROR)
    response = app.test_client().get("/boom")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong on our side" in page
    assert "hunter2" not in page and "Traceback" not in page and "RuntimeError" not in page
    assert "unhandled error" in caplog.text  # but operators are told


def test_405_page(client):
    response = client.delete("/")
    assert response.status_code == 405
    assert "That did not work" in response.get_data(as_text=True)


def _csrf_token(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_csrf_rejects_a_forged_post_and_accepts_the_real_form(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        make_seller()
    client = app.test_client()

    forged = client.post("/auth/login", data={"email": "seller@example.com", "password": PASSWORD})
    assert forged.status_code == 400
    assert "This form has expired" in forged.get_data(as_text=True)

    token = _csrf_token(client.get("/auth/login").get_data(as_text=True))
    real = client.post(
        "/auth/login",
        data={"email": "seller@example.com", "password": PASSWORD, "csrf_token": token},
    )
    assert real.headers["Location"] == "/dashboard"

    # A logged-in seller cannot be logged out (or anything else) by a forged POST.
    assert client.post("/auth/logout").status_code == 400
    assert client.get("/dashboard").status_code == 200


def test_csrf_protects_registration(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    response = app.test_client().post("/auth/register", data=registration_form())
    assert response.status_code == 400


def test_healthz_only_says_the_process_is_alive(client, make_app, tmp_path):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    broken = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing/dir/db.sqlite3")
    response = broken.test_client().get("/healthz")
    assert response.status_code == 200  # a database outage is /readyz's to report


class _FormAudit(HTMLParser):
    """Collects inputs and the ids that labels point at."""

    def __init__(self):
        super().__init__()
        self.inputs: list[dict] = []
        self.label_for: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "label" and attrs.get("for"):
            self.label_for.add(attrs["for"])
        if tag in ("input", "select", "textarea") and attrs.get("type") not in ("hidden", "submit"):
            self.inputs.append(attrs)


@pytest.mark.parametrize(
    "url", ["/auth/register", "/auth/login", "/auth/reset", "/auth/password", "/"]
)
def test_every_input_has_a_label(client, seller, auth, url):
    if url == "/auth/password":
        auth.login()
    audit = _FormAudit()
    audit.feed(client.get(url).get_data(as_text=True))
    for attrs in audit.inputs:
        assert attrs.get("id") in audit.label_for or attrs.get("aria-label"), attrs


def test_errors_are_tied_to_their_fields(client):
    page = client.post("/auth/register", data=registration_form(phone="12")).get_data(as_text=True)
    assert 'id="phone-error"' in page
    assert re.search(r'<input[^>]*aria-describedby="[^"]*phone-error[^"]*"[^>]*id="phone"', page)


def test_templates_load_nothing_from_the_internet_and_run_no_inline_script():
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text()
        if path.parts[-2] != "email":  # emails are not pages; their links are absolute on purpose
            assert not re.search(r'(src|href)="https?://', text), path
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), path
        assert not re.search(r"\son[a-z]+=", text), path


def test_footer_links_the_privacy_pages_and_the_minor_report(client):
    page = client.get("/").get_data(as_text=True)
    for href in (
        'href="/privacy"',
        'href="/third-parties"',
        'href="/retention"',
        'href="/report-minor"',
    ):
        assert href in page
    for url in ("/third-parties", "/retention", "/report-minor"):
        assert client.get(url).status_code == 200


def test_logs_carry_no_personal_data(client, app, caplog):
    caplog.set_level(logging.DEBUG)
    client.post("/auth/register", data=registration_form())
    client.post("/auth/login", data={"email": "aisyah@example.com", "password": "wrong-password-x"})
    client.post("/auth/reset", data={"email": "aisyah@example.com"})
    logged = caplog.text
    assert caplog.records, "expected the outbox to log its work"
    for personal in ("aisyah", "Nur Aisyah", "+60123456789", "wrong-password-x", PASSWORD):
        assert personal not in logged


def test_deferred_work_runs_once_even_if_the_server_never_closes_the_body(app):
    """Werkzeug's development server skips close() when the browser resets the connection;
    the work must still run, when the body's last chunk has been taken, and only once."""
    from portal.deferred import after_response

    ran = []

    @app.get("/test-deferred")
    def deferred_view():
        after_response(ran.append, "done")
        return "answer"

    client = app.test_client()
    response = client.get("/test-deferred", buffered=False)
    assert ran == []
    assert b"".join(response.response) == b"answer"
    assert ran == ["done"]
    response.close()
    assert ran == ["done"]

    unread = client.get("/test-deferred", buffered=False)
    unread.close()  # a body never read still runs its work at close
    assert ran == ["done", "done"]
