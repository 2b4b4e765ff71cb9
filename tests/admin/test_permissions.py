"""The permissions matrix: every /admin route × every role, a seller and an anonymous
visitor gets exactly the answer the table in portal/admin/permissions.py says."""

from __future__ import annotations

import pytest

from portal.admin.permissions import ENDPOINTS, MATRIX, Permission, endpoint_allowed
from tests.support import PASSWORD, client_as, make_seller, make_staff

WHO = ["admin", "reviewer", "support", "dpo", "seller", "anonymous"]


def _admin_rules(app):
    return [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/admin")]


def test_every_admin_route_has_a_line_in_the_table(app):
    endpoints = {rule.endpoint for rule in _admin_rules(app)}
    assert endpoints == set(ENDPOINTS), (
        f"missing from ENDPOINTS: {sorted(endpoints - set(ENDPOINTS))}; "
        f"in ENDPOINTS but no route: {sorted(set(ENDPOINTS) - endpoints)}"
    )
    assert set(MATRIX) == set(Permission)


@pytest.fixture
def entered(app):
    """Replace every admin view by a stand-in that records that the guard let it run."""
    calls: list[str] = []
    for rule in _admin_rules(app):

        def stand_in(*args, _endpoint=rule.endpoint, **kwargs):
            calls.append(_endpoint)
            return f"entered {_endpoint}"

        app.view_functions[rule.endpoint] = stand_in
    return calls


def _urls(app):
    for rule in _admin_rules(app):
        url = rule.rule
        for argument in rule.arguments:
            url = url.replace(f"<int:{argument}>", "1").replace(f"<{argument}>", "1")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, url


@pytest.mark.parametrize("who", WHO)
def test_the_whole_matrix(app, entered, who):
    with app.app_context():
        if who == "seller":
            make_seller("who@example.com")
        elif who != "anonymous":
            make_staff("who@example.com", who)
    client = app.test_client() if who == "anonymous" else client_as(app, "who@example.com")
    role = None if who == "anonymous" else who
    checked = 0
    for endpoint, method, url in _urls(app):
        entered.clear()
        response = client.open(url, method=method)
        expected = endpoint_allowed(role, endpoint)
        if expected:
            assert response.status_code == 200, (who, method, url, response.status_code)
            assert entered == [endpoint], (who, method, url)
        else:
            assert response.status_code == 404, (who, method, url, response.status_code)
            assert entered == [], (who, method, url)
        checked += 1
    assert checked == sum(len(r.methods - {"HEAD", "OPTIONS"}) for r in _admin_rules(app))


def test_the_table_says_what_the_issue_expects_of_each_role():
    assert endpoint_allowed("admin", "admin.audit")
    assert not endpoint_allowed("reviewer", "admin.audit")
    assert endpoint_allowed("reviewer", "admin.documents_queue")
    assert not endpoint_allowed("support", "admin.documents_queue")
    assert endpoint_allowed("support", "admin.unreachable")
    assert not endpoint_allowed("reviewer", "admin.unreachable")
    assert endpoint_allowed("support", "admin.sellers")
    assert not endpoint_allowed("support", "admin.seller_reveal")
    assert not endpoint_allowed("seller", "admin.index")
    assert not endpoint_allowed(None, "admin.index")
    assert not endpoint_allowed("admin", "admin.a_route_nobody_listed")
    # Erasing at once: reviewers propose, only admins confirm (and never their own).
    assert endpoint_allowed("reviewer", "admin.minor_report_propose")
    assert not endpoint_allowed("reviewer", "admin.minor_report_confirm")
    assert not endpoint_allowed("reviewer", "admin.document_under_age_confirm")
    assert endpoint_allowed("admin", "admin.minor_report_confirm")
    # What staff did, staff undo: a freeze by reviewers or admins, a closure by admins.
    assert endpoint_allowed("reviewer", "admin.seller_lift_freeze")
    assert not endpoint_allowed("support", "admin.seller_lift_freeze")
    assert not endpoint_allowed("reviewer", "admin.seller_reopen")


def test_staff_without_two_factor_reach_no_admin_page(app, entered):
    with app.app_context():
        make_staff("new@example.com", "admin", two_factor=False)
    client = app.test_client()
    client.post("/auth/login", data={"email": "new@example.com", "password": PASSWORD})
    for endpoint, method, url in _urls(app):
        if endpoint == "admin.two_factor":
            continue
        response = client.open(url, method=method)
        assert response.status_code == 302, (method, url)
        assert response.headers["Location"] == "/admin/two-factor", (method, url)
    assert entered == []
    # Nor a seller's document outside /admin.
    assert client.get("/documents/files/1").headers["Location"] == "/admin/two-factor"
