"""Finding 9: a page number of twenty digits answered 500.

``?page=99999999999999999999`` reached the query as an OFFSET no database integer holds:
SQLite's driver raised OverflowError, PostgreSQL "integer out of range". The same number in
a route's id (``/notifications/99999999999999999999``), another query argument or a hidden
field failed the same way. Every list now reads its page through one helper
(``portal.pagination.page_number``) and shows page 1, the last page, or (for a list that
does not count its items) an empty page that says so; every ``<int:...>`` in a route stops
at what the databases hold. Each list is asked here, as the role that may see it, on both
databases.
"""

from __future__ import annotations

import re

import pytest

from tests.support import client_as, date_boxes, make_staff

PAGES = ["99999999999999999999", "9223372036854775808", "-5", "0", "abc", "", "1e3", "²", "٣"]

SELLER_LISTS = [
    "/profile/history",
    "/account/disclosures",
    "/notifications/",
    "/account/access-log",
]
ADMIN_LISTS = [
    "/admin/minor-reports",
    "/admin/outbox",
    "/admin/corrections",
    "/admin/disclosures",
    "/admin/documents",
    "/admin/unreachable",
    "/admin/sellers?q=Tan",
    "/admin/audit",
    "/admin/audit?subject_id=1",
]


def _with_page(url: str, page: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}page={page}"


@pytest.fixture
def admin(app):
    with app.app_context():
        make_staff("admin@example.com", "admin")
    return client_as(app, "admin@example.com")


@pytest.mark.parametrize("url", SELLER_LISTS)
def test_every_seller_list_answers_any_page_number(client, seller, auth, url):
    auth.login()
    for page in PAGES:
        response = client.get(_with_page(url, page))
        assert response.status_code == 200, (url, page)


@pytest.mark.parametrize("url", ADMIN_LISTS)
def test_every_admin_list_answers_any_page_number(admin, url):
    for page in PAGES:
        response = admin.get(_with_page(url, page))
        assert response.status_code == 200, (url, page)


def test_a_page_past_the_end_is_the_last_page_or_says_there_is_nothing_there(
    app, client, seller, auth, admin
):
    """Sane, not only not an error. A list that counts its items (the open reports) shows
    its last page; one that only knows whether more follows (the change history) says the
    page is empty and links to the first, rather than "No changes yet"."""
    app.config["MINOR_REPORT_MIN_SECONDS"] = 0
    form = client.get("/report-minor").get_data(as_text=True)
    started = re.search(r'name="started" type="hidden" value="([^"]+)"', form).group(1)
    thanks = client.post(
        "/report-minor",
        data={
            "reporter_email": "siti@example.com",
            "relationship": "parent",
            "seller_hint": "Kedai Comel",
            "description": "She is 15.",
            "started": started,
        },
    ).get_data(as_text=True)
    reference = re.search(r"MR-[2-9A-Z]{8}", thanks).group(0)
    auth.login()
    client.post(
        "/profile/personal",
        data={
            "personal-full_name": "Tan Mei Ling",
            "personal-display_name": "Kedai Baharu",
            **date_boxes("personal-date_of_birth", "1988-07-01"),
        },
    )

    reports = admin.get("/admin/minor-reports?page=99999999999999999999").get_data(as_text=True)
    history = client.get("/profile/history?page=99999999999999999999").get_data(as_text=True)

    assert reference in reports
    assert "There is nothing on this page." in history
    assert 'href="/profile/history">Go to the first page</a>' in history
    assert "No changes yet." not in history
    assert "Kedai Baharu" in client.get(
        re.search(r'href="(/profile/history)">Go to the first page', history).group(1)
    ).get_data(as_text=True)


@pytest.mark.parametrize(
    "url",
    [
        "/notifications/99999999999999999999",
        "/privacy/99999999999999999999",
        "/account/sessions/99999999999999999999/end",
    ],
)
def test_a_twenty_digit_id_in_a_seller_route_is_not_found(client, seller, auth, url):
    auth.login()
    method = client.post if url.endswith("/end") else client.get
    assert method(url).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/admin/minor-reports/99999999999999999999",
        "/admin/sellers/99999999999999999999",
        "/admin/documents/99999999999999999999",
        "/admin/unreachable/99999999999999999999",
    ],
)
def test_a_twenty_digit_id_in_an_admin_route_is_not_found(admin, url):
    assert admin.get(url).status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        "to=99999999999999999999",
        "from=99999999999999999999&to=2",
        "to=-3&from=abc",
        "to=²",
    ],
)
def test_the_policy_changes_page_answers_any_version_numbers(client, query):
    assert client.get(f"/privacy/changes?{query}").status_code == 200


@pytest.mark.parametrize("subject_id", ["99999999999999999999", "²", "-1"])
def test_the_audit_trail_answers_any_subject_id(admin, subject_id):
    assert admin.get(f"/admin/audit?subject_id={subject_id}").status_code == 200


# --- numbers a form sends back in a hidden field ---------------------------------------------


@pytest.mark.parametrize("version", ["abc", "²", "99999999999999999999"])
def test_registration_with_a_tampered_policy_version_is_refused_not_an_error(client, version):
    from tests.support import registration_form

    response = client.post("/auth/register", data=registration_form(policy_version=version))
    assert response.status_code in (200, 400)


@pytest.mark.parametrize("revision", ["²", "99999999999999999999"])
def test_a_decision_with_a_tampered_revision_is_refused_not_an_error(
    app, client, seller, auth, revision
):
    from tests.documents import samples
    from tests.documents.conftest import Uploader, files_of

    auth.login()
    assert Uploader(client)("bank_proof", (samples.pdf(), "statement.pdf")).status_code == 302
    document_id = files_of(app, "bank_proof")[0].document_id
    with app.app_context():
        make_staff("reviewer@example.com", "reviewer")
    reviewer = client_as(app, "reviewer@example.com")

    response = reviewer.post(
        f"/admin/documents/{document_id}/decision",
        data={"revision": revision, "decision": "approve"},
    )

    assert response.status_code == 400
