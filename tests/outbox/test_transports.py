"""Flask-Mail builds and sends the outbox's mail: long lines, non-ASCII text, the timeout."""

from __future__ import annotations

import socket

from sqlalchemy import update

from portal.extensions import db
from portal.outbox import transports
from portal.outbox.models import OutboxMessage
from tests.outbox.test_worker import add_messages, run
from tests.support import body_html, body_text


def test_a_body_line_longer_than_smtp_allows_still_goes(make_app, smtp_server):
    app = make_app(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, MAIL_HANDOVER_AFTER_COMMIT=False
    )
    add_messages(app, 1)
    long_line = "Kedai Mak Cik Siti — " + "x" * 2000
    with app.app_context():
        db.session.execute(update(OutboxMessage).values(body_text=long_line, body_html=long_line))
        db.session.commit()
    assert run(app).sent == 1
    [(_, _, message)] = smtp_server.handler.received
    assert body_text(message).rstrip("\n") == long_line
    assert body_html(message).rstrip("\n") == long_line


def test_the_timeout_applies_while_connecting_and_is_put_back(make_app, smtp_server):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, MAIL_TIMEOUT=3)
    before = socket.getdefaulttimeout()
    with app.app_context(), transports.transport_for(app) as transport:
        assert transport.connection.host.sock.gettimeout() == 3
        assert socket.getdefaulttimeout() == before
