"""The delivery worker against a real SMTP server on loopback (aiosmtpd): delivery, a server
that is down then up, refusals, backoff, and two workers that never send a message twice."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.clock import utcnow
from portal.extensions import db
from portal.outbox import worker
from portal.outbox.models import OutboxMessage
from portal.profile import reachability
from tests.support import (
    SMTPRecorder,
    add_messages,
    body_html,
    body_text,
    free_port,
    make_seller,
    smtp_on_loopback,
)


@pytest.fixture
def worker_app(make_app, smtp_server):
    """Mail goes only through the worker (no hand-over after commit), to the SMTP server."""
    return make_app(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp_server.port,
        MAIL_HANDOVER_AFTER_COMMIT=False,
        MAIL_TIMEOUT=5,
    )


def statuses(app) -> Counter:
    with app.app_context():
        return Counter(db.session.scalars(select(OutboxMessage.status)))


def run(app, **options) -> worker.Tally:
    options = {"once": True, "batch_size": 10, "interval": 0, **options}
    with app.app_context():
        return worker.work(**options)


def test_the_worker_delivers_subject_and_both_bodies(worker_app, smtp_server):
    from portal.outbox.services import queue_email

    with worker_app.test_request_context():
        queue_email(
            to="seller@example.com",
            kind="register_existing",
            subject="Someone tried to register",
            login_url="https://portal.example/auth/login",
            reset_url="https://portal.example/auth/reset",
        )
        db.session.commit()
    assert smtp_server.handler.received == []  # no hand-over: the worker's job

    assert run(worker_app).sent == 1
    [(_, recipients, message)] = smtp_server.handler.received
    assert recipients == ["seller@example.com"]
    assert message["Subject"] == "Someone tried to register"
    assert "https://portal.example/auth/reset" in body_text(message)
    assert '<a href="https://portal.example/auth/reset"' in body_html(message)
    with worker_app.app_context():
        row = db.session.scalar(select(OutboxMessage))
        assert message["Message-ID"] == row.message_id
        assert (row.status, row.attempts, row.claim_token) == ("sent", 1, None)
    assert run(worker_app).sent == 0  # nothing twice


def test_a_server_that_is_down_then_up_gets_every_message_exactly_once(make_app):
    port = free_port()
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_HANDOVER_AFTER_COMMIT=False)
    ids = add_messages(app, 25)

    down = run(app)
    assert (down.sent, down.retrying) == (0, 25)
    assert statuses(app) == {"pending": 25}
    with app.app_context():
        first_retry = db.session.scalar(select(func.min(OutboxMessage.next_attempt_at)))
    assert run(app).sent == 0  # not due yet: backing off

    handler = SMTPRecorder()
    with smtp_on_loopback(handler, port):
        later = utcnow() + timedelta(hours=1)
        assert run(app, now=later).sent == 25
        assert run(app, now=later).sent == 0
    assert first_retry is not None
    assert statuses(app) == {"sent": 25}
    delivered = Counter(message["Message-ID"] for _, _, message in handler.received)
    with app.app_context():
        expected = set(
            db.session.scalars(select(OutboxMessage.message_id).where(OutboxMessage.id.in_(ids)))
        )
    assert set(delivered) == expected and set(delivered.values()) == {1}


def test_a_550_fails_the_message_at_once_and_it_is_not_retried(worker_app, smtp_server):
    add_messages(worker_app, 1)
    smtp_server.handler.reply = "550 No such user here"
    assert run(worker_app).failed == 1
    smtp_server.handler.reply = None
    assert run(worker_app, now=utcnow() + timedelta(days=2)).sent == 0
    with worker_app.app_context():
        row = db.session.scalar(select(OutboxMessage))
        assert (row.status, row.attempts, row.last_error) == ("failed", 1, "SMTPDataError 550")
    assert smtp_server.handler.received == []


def test_a_4xx_is_retried_with_growing_delays_until_the_limit(make_app, smtp_server):
    app = make_app(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, MAIL_HANDOVER_AFTER_COMMIT=False,
        OUTBOX_MAX_ATTEMPTS=3, OUTBOX_RETRY_BASE=timedelta(minutes=1),
    )  # fmt: skip
    add_messages(app, 1)
    smtp_server.handler.reply = "451 Try again later"
    now, delays = utcnow(), []
    for _ in range(3):
        run(app, now=now)
        with app.app_context():
            row = db.session.scalar(select(OutboxMessage))
        if row.next_attempt_at:
            delays.append(row.next_attempt_at - now)
            now = row.next_attempt_at
    assert (row.status, row.attempts, row.last_error) == ("failed", 3, "SMTPDataError 451")
    # Equal jitter: the n-th delay is between half and all of 1, 2, 4… minutes.
    assert timedelta(seconds=30) <= delays[0] <= timedelta(minutes=1)
    assert timedelta(minutes=1) <= delays[1] <= timedelta(minutes=2)


@pytest.mark.parametrize("workers", [2])
def test_two_workers_at_once_deliver_each_message_exactly_once(make_app, smtp_server, workers):
    apps = [
        make_app(
            MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, MAIL_HANDOVER_AFTER_COMMIT=False
        )
        for _ in range(workers)
    ]
    add_messages(apps[0], 1000)
    start = threading.Barrier(workers)
    tallies = []

    def one_worker(app):
        start.wait()
        tallies.append(run(app, batch_size=25))

    threads = [threading.Thread(target=one_worker, args=(app,)) for app in apps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    delivered = Counter(message["Message-ID"] for _, _, message in smtp_server.handler.received)
    assert len(delivered) == 1000, "a message is missing"
    assert max(delivered.values()) == 1, "a message was sent twice"
    assert sum(t.sent for t in tallies) == 1000
    assert all(t.sent > 0 for t in tallies), "one worker did all the work: nothing ran at once"
    assert statuses(apps[0]) == {"sent": 1000}


def test_a_claim_keeps_other_senders_away_until_it_runs_out(worker_app):
    add_messages(worker_app, 3)
    with worker_app.app_context():
        first = worker.claim(2)
        second = worker.claim(10)
        assert [m.id for m in first] and not {m.id for m in first} & {m.id for m in second}
        assert len(second) == 1
        later = utcnow() + worker_app.config["OUTBOX_CLAIM_TIMEOUT"] + timedelta(seconds=1)
        assert {m.id for m in worker.claim(10, now=later)} == {m.id for m in first + second}


def test_the_hand_over_after_commit_still_sends_at_once(make_app, smtp_server):
    from tests.support import registration_form

    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port)
    app.test_client().post("/auth/register", data=registration_form())
    assert len(smtp_server.handler.received) == 1
    assert run(app).sent == 0


# --- reaching sellers ---------------------------------------------------------------------------


def _seller(app) -> int:
    with app.app_context():
        return make_seller().id


def _flag(app, seller_id):
    with app.app_context():
        state = reachability.state_of(seller_id)
        return state.email_failures, state.unreachable_since


def test_refusals_in_a_row_flag_the_seller_and_a_delivery_clears_it(worker_app, smtp_server):
    seller_id = _seller(worker_app)
    smtp_server.handler.reply = "550 Mailbox unavailable"
    for expected in (1, 2):
        add_messages(worker_app, 1, user_id=seller_id, to="seller@example.com")
        run(worker_app)
        assert _flag(worker_app, seller_id) == (expected, None)
    add_messages(worker_app, 1, user_id=seller_id, to="seller@example.com")
    run(worker_app)
    failures, since = _flag(worker_app, seller_id)
    assert failures == 3 and since is not None

    smtp_server.handler.reply = None
    add_messages(worker_app, 1, user_id=seller_id, to="seller@example.com")
    assert run(worker_app).sent == 1
    assert _flag(worker_app, seller_id) == (0, None)


def test_reported_bounces_count_too(worker_app):
    seller_id = _seller(worker_app)
    runner = worker_app.test_cli_runner()
    for _ in range(3):
        result = runner.invoke(args=["outbox", "bounce", "Seller@Example.com"])
        assert result.exit_code == 0, result.output
    failures, since = _flag(worker_app, seller_id)
    assert failures == 3 and since is not None
    unknown = runner.invoke(args=["outbox", "bounce", "nobody@example.com"])
    assert unknown.exit_code != 0 and "No account" in unknown.output


def test_outbox_work_once_from_the_command_line(worker_app, smtp_server):
    add_messages(worker_app, 3)
    result = worker_app.test_cli_runner().invoke(args=["outbox", "work", "--once"])
    assert result.exit_code == 0, result.output
    assert "sent 3, to retry 0, failed 0" in result.output
    assert len(smtp_server.handler.received) == 3


class _SessionCounter(SMTPRecorder):
    """Counts SMTP connections (one EHLO each) besides recording messages."""

    def __init__(self):
        super().__init__()
        self.connections = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802
        self.connections += 1
        session.host_name = hostname
        return responses


def test_a_batch_goes_over_one_connection(make_app):
    handler = _SessionCounter()
    with smtp_on_loopback(handler) as controller:
        app = make_app(
            MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_HANDOVER_AFTER_COMMIT=False
        )
        add_messages(app, 30)
        assert run(app, batch_size=10).sent == 30
    assert len(handler.received) == 30
    assert handler.connections == 3  # one per batch of 10
