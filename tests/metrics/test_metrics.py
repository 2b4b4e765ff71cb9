"""/metrics after a scripted run: log-ins through the form, an upload, mail through the
outbox, a retention run through the CLI; and who may read it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import update

from portal.auth.models import User
from portal.clock import utcnow
from portal.extensions import db
from portal.minor_reports import services as minor_reports
from portal.outbox.models import MessageStatus, OutboxMessage
from portal.requests import services as privacy_requests
from tests.breaches.conftest import a_breach
from tests.documents.conftest import Uploader
from tests.documents.samples import pdf
from tests.metrics.test_alerts import EXPORTED
from tests.support import PASSWORD, make_seller, make_staff

TOKEN = "m" * 40


def scrape(client, **kwargs) -> dict[tuple, float]:
    response = client.get("/metrics", **kwargs)
    assert response.status_code == 200, response.status_code
    assert response.content_type.startswith("text/plain")
    assert "Set-Cookie" not in response.headers
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.get_data(as_text=True))
        for sample in family.samples
    }


def value(samples, name, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


@pytest.fixture
def app(make_app):
    # Mail waits in the outbox for the worker, so the due count can be seen.
    return make_app(
        MAIL_HANDOVER_AFTER_COMMIT=False,
        METRICS_TOKEN=TOKEN,
        RATELIMIT_LOGIN_FAILED_PER_ACCOUNT="2 per minute",
    )


def test_a_scripted_run_shows_in_every_metric(app, client, runner):
    before = scrape(client)
    login = ("portal_http_requests_total", "auth.login", "POST")

    with app.app_context():
        make_seller("seller@example.com")
        make_seller("other@example.com")
        make_seller("gone@example.com", verified=False)
        db.session.execute(
            update(User)
            .where(User.email == "gone@example.com")
            .values(created_at=utcnow() - timedelta(days=8))
        )
        staff_id = make_staff("dpo@staff.example", "dpo").id
        seller = db.session.scalar(db.select(User).where(User.email == "seller@example.com"))
        minor_reports.file_report(
            minor_reports.Report("Siti", "siti@example.com", "parent", "x@example.com", "15.")
        )
        privacy_requests.file_request("access", "A copy, please.", user=seller)
        db.session.commit()
        a_breach(staff_id, discovered_at=utcnow() - timedelta(days=4))  # 72 hours passed

    # Log-ins through the real form: two wrong passwords, then refused (429) for the account.
    wrong = {"email": "other@example.com", "password": "not-the-password-at-all"}
    assert client.post("/auth/login", data=wrong).status_code == 200
    assert client.post("/auth/login", data=wrong).status_code == 200
    assert client.post("/auth/login", data=wrong).status_code == 429
    seller_client = app.test_client()
    ok = {"email": "seller@example.com", "password": PASSWORD}
    assert seller_client.post("/auth/login", data=ok).status_code == 302
    upload = Uploader(seller_client)
    assert upload("identity", (pdf(1), "mykad.pdf"), identity_type="mykad").status_code == 302

    client.post("/auth/reset", data={"email": "seller@example.com"})  # a reset link mailed

    with app.app_context():  # one message retrying, one failed, the rest due
        ids = db.session.scalars(db.select(OutboxMessage.id).order_by(OutboxMessage.id)).all()
        assert len(ids) >= 3
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == ids[0])
            .values(attempts=1, next_attempt_at=utcnow() + timedelta(hours=1))
        )
        db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == ids[1])
            .values(status=MessageStatus.FAILED)
        )
        db.session.commit()
    due = len(ids) - 2

    middle = scrape(client)
    assert value(middle, "portal_outbox_messages", state="due") == due
    assert value(middle, "portal_outbox_messages", state="retrying") == 1
    assert value(middle, "portal_outbox_messages", state="failed") == 1
    assert value(middle, "portal_outbox_oldest_due_age_seconds") >= 0
    assert value(middle, "portal_review_queue_size", queue="documents") == 1
    assert value(middle, "portal_review_queue_size", queue="minor_reports") == 1
    assert value(middle, "portal_review_queue_oldest_age_seconds", queue="documents") < 60
    assert value(middle, "portal_privacy_request_clocks", state="open") == 1
    assert value(middle, "portal_privacy_request_clocks", state="overdue") == 0
    assert value(middle, "portal_breach_clocks", state="open") == 1
    assert value(middle, "portal_breach_clocks", state="overdue") == 1
    assert value(middle, "portal_retention_last_success_timestamp_seconds") == 0
    assert value(middle, "portal_metrics_database_up") == 1

    def delta(name, **labels):
        return value(middle, name, **labels) - value(before, name, **labels)

    assert delta(login[0], endpoint=login[1], method=login[2], status="200") == 2
    assert delta(login[0], endpoint=login[1], method=login[2], status="302") == 1
    assert delta(login[0], endpoint=login[1], method=login[2], status="429") == 1
    assert delta("portal_rate_limit_refusals_total", endpoint="auth.login", kind="response") == 1
    assert (
        delta("portal_http_request_duration_seconds_count", endpoint="auth.login", status="302")
        == 1
    )
    assert (
        delta(
            "portal_http_requests_total",
            endpoint="documents.identity",
            method="POST",
            status="302",
        )
        == 1
    ), sorted(k for k in middle if k[0] == "portal_http_requests_total")

    assert runner.invoke(args=["outbox", "work", "--once"]).exit_code == 0
    started = utcnow().timestamp()
    result = runner.invoke(args=["retention", "run"])
    assert result.exit_code == 0, result.output

    after = scrape(client)
    assert value(after, "portal_outbox_messages", state="due") == 0
    assert value(after, "portal_outbox_oldest_due_age_seconds") == 0
    assert value(after, "portal_retention_last_run_deleted", rule="unverified") == 1
    assert value(after, "portal_retention_last_run_deleted", rule="account") == 0
    finished = value(after, "portal_retention_last_success_timestamp_seconds")
    assert started - 1 <= finished <= utcnow().timestamp() + 1
    assert {name for name, _ in after} >= EXPORTED, EXPORTED - {name for name, _ in after}
    # The raw path, with its ids, is never a label: only endpoint names.
    assert not any("/" in dict(labels).get("endpoint", "") for _, labels in after)


def test_a_dry_run_is_not_a_successful_run(client, runner):
    assert runner.invoke(args=["retention", "run", "--dry-run"]).exit_code == 0
    assert value(scrape(client), "portal_retention_last_success_timestamp_seconds") == 0


def test_from_elsewhere_metrics_do_not_exist_without_the_token(app):
    client = app.test_client()
    outside = {"environ_base": {"REMOTE_ADDR": "203.0.113.9"}}
    refused = client.get("/metrics", **outside)
    assert refused.status_code == 404
    assert "portal_" not in refused.get_data(as_text=True)
    assert "Set-Cookie" not in refused.headers
    for header in (f"Bearer {TOKEN[:-1]}x", f"Basic {TOKEN}", "Bearer ", TOKEN):
        assert (
            client.get("/metrics", headers={"Authorization": header}, **outside).status_code == 404
        )
    assert scrape(client, headers={"Authorization": f"Bearer {TOKEN}"}, **outside)
    assert scrape(client, environ_base={"REMOTE_ADDR": "::1"})


def test_the_allow_list_takes_networks(make_app):
    app = make_app(METRICS_ALLOW="10.0.0.0/8, 192.0.2.7")
    client = app.test_client()
    assert scrape(client, environ_base={"REMOTE_ADDR": "10.20.30.40"})
    assert scrape(client, environ_base={"REMOTE_ADDR": "192.0.2.7"})
    for address in ("127.0.0.1", "192.0.2.8"):
        assert client.get("/metrics", environ_base={"REMOTE_ADDR": address}).status_code == 404


def test_without_a_token_set_no_token_works(make_app):
    client = make_app().test_client()
    outside = {
        "environ_base": {"REMOTE_ADDR": "203.0.113.9"},
        "headers": {"Authorization": "Bearer "},
    }
    assert client.get("/metrics", **outside).status_code == 404


@pytest.mark.parametrize("setting", ["not-an-address", ["10.0.0.0/33"]])
def test_a_wrong_allow_list_stops_the_start(make_app, setting):
    from portal.config import ConfigError

    with pytest.raises(ConfigError, match="METRICS_ALLOW"):
        make_app(METRICS_ALLOW=setting)


def test_a_short_token_stops_the_start(make_app):
    from portal.config import ConfigError

    with pytest.raises(ConfigError, match="METRICS_TOKEN"):
        make_app(METRICS_TOKEN="short")
