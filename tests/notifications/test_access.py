"""Who reaches the notification centre: every /notifications route, walked from the URL map,
for anonymous visitors and staff; and a second seller trying to reach the first one's mail."""

from __future__ import annotations

from portal.extensions import db
from portal.outbox.models import OutboxMessage
from tests.support import PASSWORD, make_staff, routes_under


def _routes(app):
    routes = routes_under(app, "/notifications")
    assert len(routes) >= 3, routes
    return routes


def test_anonymous_visitors_are_sent_to_log_in(app, client):
    for method, url in _routes(app):
        response = client.open(url, method=method)
        assert response.status_code == 302, (method, url)
        assert response.headers["Location"].startswith("/auth/login"), (method, url)


def test_staff_have_no_notification_centre(app, client, auth):
    with app.app_context():
        make_staff("support@example.com", "support")
    auth.login("support@example.com", PASSWORD)
    for method, url in _routes(app):
        assert client.open(url, method=method).status_code == 404, (method, url)
    page = client.get("/admin/").get_data(as_text=True)
    assert "/notifications" not in page  # no link and no count in the staff navigation


def test_a_seller_sees_only_their_own_notifications(
    app, client, auth, seller, other_seller, add_messages
):
    (mine,) = add_messages(seller["id"], subject="Owner's secret notice", body="Owner's body")
    add_messages(other_seller["id"], subject="Intruder's own notice")

    auth.login(other_seller["email"], PASSWORD)
    page = client.get("/notifications/").get_data(as_text=True)
    assert "Intruder&#39;s own notice" in page
    assert "Owner&#39;s" not in page
    assert client.get(f"/notifications/{mine}").status_code == 404
    assert client.get("/notifications/999999").status_code == 404
    assert client.post("/notifications/read-all").status_code == 302

    with app.app_context():
        rows = {m.user_id: m.read_at for m in db.session.scalars(db.select(OutboxMessage))}
    assert rows[seller["id"]] is None  # neither the look nor "mark all read" touched it
    assert rows[other_seller["id"]] is not None


def test_the_nav_count_is_the_sellers_own(client, auth, seller, other_seller, add_messages):
    add_messages(seller["id"], 4)
    add_messages(other_seller["id"], 2)
    auth.login(other_seller["email"], PASSWORD)
    page = client.get("/dashboard").get_data(as_text=True)
    assert '<span class="badge" aria-hidden="true">2</span>' in page
    assert "(2 unread)" in page
