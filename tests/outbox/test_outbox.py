"""The outbox: written with the change, handed over after commit, never lost on failure."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from portal.extensions import db
from portal.outbox import services as outbox
from portal.outbox import worker
from portal.outbox.models import OutboxMessage
from tests.support import body_html, body_text, free_port, make_seller, registration_form


def _queue(to="someone@example.com"):
    return outbox.queue_email(
        to=to,
        kind="register_existing",
        subject="Hello",
        login_url="https://portal.example/auth/login",
        reset_url="https://portal.example/auth/reset",
    )


def _rows(app) -> list[OutboxMessage]:
    with app.app_context():
        return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_a_rolled_back_change_sends_nothing(app, mailbox):
    with app.test_request_context():
        _queue()
        db.session.rollback()
    assert _rows(app) == []
    assert mailbox.messages() == []


def test_committed_mail_is_handed_over_when_the_work_ends(app, mailbox):
    with app.test_request_context():
        _queue()
        db.session.commit()
        assert mailbox.messages() == []  # not before the transaction's work is done
    [row] = _rows(app)
    assert row.status == "sent" and row.sent_at is not None and row.attempts == 1
    [message] = mailbox.messages("someone@example.com")
    assert message["Message-ID"] == row.message_id
    assert message["Subject"] == "Hello"
    assert list(Path(app.instance_path, "mail").glob("*.tmp")) == []


def test_mail_from_a_request_is_written_after_the_response(client, app, mailbox):
    client.post("/auth/register", data=registration_form())
    [row] = _rows(app)
    assert row.status == "sent"
    assert row.kind == "verify_email"
    assert mailbox.last("aisyah@example.com")["Message-ID"] == row.message_id


def test_smtp_delivery_sends_text_and_html_with_a_stable_message_id(make_app, smtp_server):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    app.test_client().post("/auth/register", data=registration_form())

    [(sender, recipients, message)] = smtp_server.handler.received
    [row] = _rows(app)
    assert recipients == ["aisyah@example.com"]
    assert "no-reply@koopseri.com" in sender
    assert message["Message-ID"] == row.message_id
    assert message["Subject"] == "Confirm your email address"
    assert "/auth/verify/" in body_text(message)
    assert "<a href=" in body_html(message)
    assert row.status == "sent"
    assert not Path(app.instance_path, "mail").exists()


def test_when_smtp_is_down_the_message_waits_and_the_seller_sees_no_error(make_app, smtp_server):
    port = free_port()  # nothing listens here
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_TIMEOUT=2)
    response = app.test_client().post("/auth/register", data=registration_form())
    assert response.status_code == 302

    [row] = _rows(app)
    assert row.status == "pending"
    assert row.attempts == 1
    assert row.last_error == "ConnectionRefusedError"

    assert row.next_attempt_at is not None  # backed off, for the worker

    # Once a server answers, the worker sends the same row when it is due.
    app.config["MAIL_PORT"] = smtp_server.port
    with app.app_context():
        tally = worker.work(once=True, batch_size=10, interval=0, now=row.next_attempt_at)
    assert tally.sent == 1
    [row] = _rows(app)
    assert row.status == "sent" and row.attempts == 2 and row.last_error is None
    assert len(smtp_server.handler.received) == 1


def test_a_refused_message_fails_with_the_code_and_no_address(make_app, smtp_server):
    smtp_server.handler.reply = "550 Mailbox unavailable"
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    app.test_client().post("/auth/register", data=registration_form())
    [row] = _rows(app)
    assert row.status == "failed" and row.attempts == 1
    assert row.last_error == "SMTPDataError 550"
    assert "aisyah" not in row.last_error


def test_html_bodies_escape_what_people_typed(client, app, mailbox, auth):
    # Mail to an address not yet proven carries no typed text at all (the verification
    # email greets without the name): a seller's own name, in mail to their own address.
    with app.app_context():
        make_seller("evil@example.com", full_name="<b>Evil</b> & Co")
    auth.login("evil@example.com")
    client.post("/account/export")
    html = body_html(mailbox.last("evil@example.com"))
    assert "<b>Evil</b>" not in html
    assert "&lt;b&gt;Evil&lt;/b&gt; &amp; Co" in html


def test_mail_is_rendered_in_the_recipients_language(app):
    with app.test_request_context(headers={"Accept-Language": "ms"}):
        message = outbox.queue_email(
            to="x@example.com",
            kind="register_existing",
            subject="Hello",
            locale="en",
            login_url="https://portal.example/auth/login",
            reset_url="https://portal.example/auth/reset",
        )
        assert 'lang="en"' in message.body_html
        db.session.rollback()
