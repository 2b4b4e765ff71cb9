"""Publishing versions, telling sellers, and the gate that asks them to accept."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from portal.auth.models import User
from portal.clock import utcnow
from portal.extensions import db
from portal.outbox.models import OutboxMessage
from portal.policy import publishing
from portal.policy.diff import word_diff
from portal.policy.models import ConsentRecord, PolicyVersion
from tests.support import PASSWORD, make_seller, put_in_state

V1 = "We collect your name.\n\nWe keep it while your account is open."
V2 = (
    "We collect your name and email.\n\nWe keep it while your account is open.\n\nWe never sell it."
)
V2_MS = "Kami mengumpul nama dan e-mel anda.\n\nKami tidak pernah menjualnya."


def _publish(app, body=V2, **options) -> int:
    with app.test_request_context():
        options.setdefault("body_ms", "Terjemahan: " + body)
        version = publishing.publish(body, **options)
        db.session.commit()
        return version.version


def test_the_diff_shows_an_added_and_a_removed_sentence():
    diff = word_diff(
        "We collect your name. We sell your data to advertisers. We keep it.",
        "We collect your name. We keep it. We never sell your data.",
    )
    html = str(diff.html)
    assert "<del>We sell your data to advertisers. </del>" in html
    assert "<ins> We never sell your data.</ins>" in html
    assert "We collect your name." in html and "<del>We collect" not in html
    assert (diff.added, diff.removed) == (5, 6)


def test_an_edited_sentence_shows_only_the_words_that_changed():
    diff = word_diff(
        "We keep your data for 3 months after termination.",
        "We keep your data for 6 months after termination.",
    )
    assert (
        str(diff.html) == "We keep your data for <del>3</del><ins>6</ins> months after termination."
    )


def test_the_diff_escapes_what_the_texts_hold():
    html = str(word_diff("plain", "<script>alert(1)</script>").html)
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_the_changes_page_compares_any_two_versions(app, client):
    _publish(app, summary="Email added")
    page = client.get("/privacy/changes?from=1&to=2").get_data(as_text=True)
    assert "Version 1 → version 2" in page and "<ins>" in page and "<del>" in page
    assert "Email added" in page
    assert "Choose two versions that exist." in client.get("/privacy/changes?from=1&to=9").get_data(
        as_text=True
    )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"number": 3}, "the next version is 2"),
        ({"effective_at": utcnow() - timedelta(days=1)}, "before the publication"),
    ],
)
def test_publish_refuses_out_of_sequence_or_backdated(app, options, message):
    with app.test_request_context(), pytest.raises(publishing.PublishError, match=message):
        publishing.publish(V2, body_ms=V2_MS, **options)
    with app.test_request_context(), pytest.raises(publishing.PublishError, match="empty"):
        publishing.publish("  \n", body_ms=V2_MS)
    with app.test_request_context(), pytest.raises(publishing.PublishError, match="Malay"):
        publishing.publish(V2, body_ms=" \n")


def test_cli_publish_emails_every_active_seller_exactly_once(app, runner, tmp_path):
    with app.app_context():
        ids = [make_seller(f"seller{n}@example.com").id for n in range(7)]
        make_seller("ms@example.com", locale="ms")
        put_in_state(make_seller("gone@example.com").id, "closed_by_seller")
    source = tmp_path / "v2.md"
    source.write_text(V2)
    (tmp_path / "v2.ms.md").write_text(V2_MS)
    app.config["POLICY_NOTIFY_BATCH_SIZE"] = 3
    result = runner.invoke(
        args=[
            "policy", "publish", str(source), "--version", "2",
            "--summary", "Email added", "--summary-ms", "E-mel ditambah",
        ]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "8 emails queued" in result.output
    again = runner.invoke(args=["policy", "notify", "2"])
    assert "0 emails queued" in again.output
    with app.app_context():
        rows = db.session.execute(
            select(
                OutboxMessage.user_id,
                OutboxMessage.recipient,
                OutboxMessage.body_text,
                OutboxMessage.kind,
            )
        ).all()
    recipients = Counter(r.recipient for r in rows)
    assert set(recipients.values()) == {1}
    assert "gone@example.com" not in recipients
    assert {r.kind for r in rows} == {"policy_changed"}
    assert all(r.user_id is not None for r in rows) and len({r.user_id for r in rows}) == 8
    english = next(r.body_text for r in rows if r.recipient == "seller0@example.com")
    assert "Email added" in english and "/privacy/changes?from=1&to=2&lang=en" in english
    malay = next(r.body_text for r in rows if r.recipient == "ms@example.com")
    assert "E-mel ditambah" in malay and "/privacy/changes?from=1&to=2&lang=ms" in malay
    assert ids  # the sellers existed before the publish


def test_cli_publish_with_a_future_date_and_a_wrong_number(app, runner, tmp_path):
    source = tmp_path / "v2.md"
    source.write_text(V2)
    alone = runner.invoke(args=["policy", "publish", str(source), "--version", "2"])
    assert alone.exit_code != 0 and "no Malay translation" in alone.output
    (tmp_path / "v2.ms.md").write_text(V2_MS)
    wrong = runner.invoke(args=["policy", "publish", str(source), "--version", "5"])
    assert wrong.exit_code != 0 and "the next version is 2" in wrong.output
    later = runner.invoke(
        args=["policy", "publish", str(source), "--version", "2", "--effective", "2099-01-01"]
    )
    assert later.exit_code == 0, later.output
    with app.app_context():
        version = db.session.scalar(select(PolicyVersion).where(PolicyVersion.version == 2))
        assert version.effective_at.year in (2098, 2099)  # midnight in Kuala Lumpur, in UTC


# --- the gate --------------------------------------------------------------------------------


def test_a_future_version_gates_nobody_until_its_date(app, client, seller, auth):
    start = utcnow()
    _publish(app, effective_at=start + timedelta(minutes=5))
    auth.login()
    assert client.get("/dashboard").status_code == 200
    page = client.get("/privacy").get_data(as_text=True)
    assert "Version 2 takes effect on" in page
    with freeze_time(start + timedelta(minutes=4)):
        assert client.get("/dashboard").status_code == 200
    with freeze_time(start + timedelta(minutes=6)):
        response = client.get("/dashboard")
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/privacy/accept")


@pytest.fixture
def gated(app, client, seller, auth):
    _publish(app, summary="Email added")
    auth.login()
    return seller


@pytest.mark.parametrize(
    "url", ["/dashboard", "/profile", "/documents/", "/notifications/", "/account"]
)
def test_the_gate_sends_every_seller_page_to_the_acceptance_page(client, gated, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/privacy/accept?next=")


@pytest.mark.parametrize(
    "url", ["/privacy", "/privacy/1", "/privacy/changes", "/privacy/accept", "/"]
)
def test_the_policies_stay_readable_while_pending(client, gated, url):
    assert client.get(url).status_code == 200


def test_logging_out_stays_possible_while_pending(client, gated):
    assert client.post("/auth/logout").status_code == 302
    assert client.get("/dashboard").headers["Location"].startswith("/auth/login")


def test_accepting_lifts_the_gate_and_is_recorded(app, client, gated):
    page = client.get("/privacy/accept?next=/profile").get_data(as_text=True)
    assert "I accept version 2" in page and "<ins>" in page and "Email added" in page
    refused = client.post("/privacy/accept?next=/profile", data={"version": "2"})
    assert refused.status_code == 400 and "Tick the box" in refused.get_data(as_text=True)

    done = client.post(
        "/privacy/accept?next=/profile",
        data={"version": "2", "accept": "y"},
        headers={"User-Agent": "Firefox/Test"},
        environ_base={"REMOTE_ADDR": "198.51.100.7"},
    )
    assert done.headers["Location"] == "/profile"
    assert client.get("/dashboard").status_code == 200
    with app.app_context():
        record = db.session.scalars(select(ConsentRecord).order_by(ConsentRecord.id.desc())).first()
        assert (record.policy_version.version, record.ip_address, record.user_agent, record.context) == (
            2, "198.51.100.7", "Firefox/Test", "update",
        )  # fmt: skip


def test_staff_are_not_gated(app, client, auth):
    from tests.support import make_staff

    _publish(app)
    with app.app_context():
        make_staff("admin@example.com", "admin")
    auth.login("admin@example.com", PASSWORD)
    assert client.get("/admin/").status_code == 200


def test_the_consent_page_keeps_the_accepted_text_after_newer_versions(app, client, gated):
    client.post("/privacy/accept", data={"version": "2", "accept": "y"})
    _publish(app, body="Version three words.", summary="Third")
    client.post("/privacy/accept", data={"version": "3", "accept": "y"})
    page = client.get("/account/consent").get_data(as_text=True)
    assert "Version three words." in page
    assert page.count("Version 2") >= 1 and page.count("Version 1") >= 1  # the history
    with app.app_context():
        assert db.session.get(User, gated["id"]) is not None


def test_the_gate_covers_every_seller_page(app, client, gated):
    from tests.support import routes_under

    # Downloading one's data and closing the account stay open: a seller who does not
    # accept the new version must still be able to leave with their data. So does stopping
    # an email change someone else asked for (the page after the cancel link), and making a
    # privacy request (PDPA s.30-31, s.35, s.43A: a right that does not wait for consent).
    exempt = {
        "/account/export",
        "/account/terminate",
        "/profile/email/cancelled",
        "/account/requests",
    }
    pages = [
        url
        for prefix in ("/dashboard", "/profile", "/documents", "/notifications", "/account")
        for method, url in routes_under(app, prefix)
        if method == "GET" and "/1" not in url and "confirm" not in url and url not in exempt
    ]
    assert len(pages) > 10
    for url in pages:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.headers["Location"].startswith("/privacy/accept"), url
    for url in exempt:
        assert client.get(url).status_code == 200, url


def test_the_consent_page_shows_the_accepted_text_while_a_newer_version_waits(app, client, gated):
    client.post("/privacy/accept", data={"version": "2", "accept": "y"})
    _publish(app, body="Version three words.", effective_at=utcnow() + timedelta(days=30))
    page = client.get("/account/consent").get_data(as_text=True)
    assert "We never sell it." in page  # version 2, as accepted
    assert "Version three words." not in page
