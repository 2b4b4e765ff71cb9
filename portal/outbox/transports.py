"""Ways a message leaves the portal: SMTP through Flask-Mail, or ``.eml`` files in the
instance folder (the development and single-machine default).

Flask-Mail builds the MIME message (:class:`flask_mail.Message`: plain text first, HTML as
the alternative) and holds the SMTP connection (``Mail.connect()``), one per batch. Its
settings are the portal's own ``MAIL_*`` settings (:func:`configure`).
"""

from __future__ import annotations

import os
import smtplib
import socket
import tempfile
import threading
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from email.charset import QP, Charset
from pathlib import Path

from flask import Flask
from flask_mail import Message

from portal.extensions import mail


def configure(app: Flask) -> None:
    """Register Flask-Mail with the app's current ``MAIL_*`` settings.

    The portal's settings already carry Flask-Mail's names (``MAIL_SERVER``, ``MAIL_PORT``,
    ``MAIL_USE_TLS``, ``MAIL_USE_SSL``, ``MAIL_USERNAME``, ``MAIL_PASSWORD``,
    ``MAIL_DEFAULT_SENDER``). Two of Flask-Mail's own are fixed here: it would suppress
    sending under ``TESTING`` (the outbox, not the test flag, decides where mail goes: no
    ``MAIL_SERVER`` means files), and it would print the SMTP dialogue, log-in included,
    under ``DEBUG``.
    """
    app.config["MAIL_SUPPRESS_SEND"] = False
    app.config["MAIL_DEBUG"] = 0
    mail.init_app(app)


def _quoted_printable() -> Charset:
    # Flask-Mail writes text parts as 8bit, whatever their length; SMTP refuses a line over
    # 998 bytes, which an HTML body can hold. Quoted-printable folds lines and is 7-bit.
    charset = Charset("utf-8")
    charset.body_encoding = QP
    return charset


def build_email(message, sender: str) -> Message:
    """The email for an outbox row (or its :class:`~portal.outbox.worker.Envelope`)."""
    email = Message(
        charset=_quoted_printable(),
        subject=message.subject,
        recipients=[message.recipient],
        body=message.body_text,
        html=message.body_html,
        sender=sender,
        date=message.created_at.timestamp(),
    )
    email.msgId = message.message_id  # the outbox's own: stable across retries
    return email


# Flask-Mail opens its connection without a timeout (pallets-eco/flask-mail#114). A socket
# takes the default timeout when it is created, so the default is set while the connection
# opens (connect, EHLO, STARTTLS, log-in) and put back at once; the lock keeps two senders
# in one process from putting back each other's value.
_opening = threading.Lock()


@contextmanager
def _default_timeout(seconds: float) -> Iterator[None]:
    with _opening:
        previous = socket.getdefaulttimeout()
        socket.setdefaulttimeout(seconds)
        try:
            yield
        finally:
            socket.setdefaulttimeout(previous)


class SMTPTransport:
    """One SMTP connection, reused for every message handed over in a batch."""

    def __init__(self, app: Flask):
        self.config: Mapping = app.config
        self.app = app
        self._open = ExitStack()
        self.connection = None

    def open(self) -> None:
        configure(self.app)  # this batch's settings, should they have changed since start
        with _default_timeout(self.config["MAIL_TIMEOUT"]):
            self.connection = self._open.enter_context(mail.connect())

    def send(self, message) -> None:
        self.connection.send(build_email(message, self.config["MAIL_DEFAULT_SENDER"]))

    def close(self) -> None:
        try:
            self._open.close()  # QUIT
        except smtplib.SMTPException:
            # The server had gone already: nothing to say goodbye to.
            if self.connection is not None and self.connection.host is not None:
                self.connection.host.close()


class FileTransport:
    """Writes each message as ``<time>-<id>.eml``; the development and single-machine default."""

    def __init__(self, config, folder: Path):
        self.config = config
        self.folder = folder

    def open(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)

    def send(self, message) -> None:
        # Flask-Mail writes SMTP's CRLF line ends; a file has plain ones, as it always had
        # (every part is quoted-printable, so no CR is left inside a body).
        email = build_email(message, self.config["MAIL_DEFAULT_SENDER"]).as_bytes()
        name = f"{message.created_at:%Y%m%d-%H%M%S}-{message.id:08d}.eml"
        # Write then rename, so a reader never sees half a message.
        fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
        with os.fdopen(fd, "wb") as out:
            out.write(email.replace(b"\r\n", b"\n"))
        os.replace(tmp, self.folder / name)

    def close(self) -> None:
        pass


def mail_folder(app: Flask) -> Path:
    return Path(app.instance_path) / "mail"


@contextmanager
def transport_for(app: Flask):
    """The transport the configuration names, opened for one batch and closed after it."""
    if app.config["MAIL_SERVER"]:
        transport = SMTPTransport(app)
    else:
        transport = FileTransport(app.config, mail_folder(app))
    transport.open()
    try:
        yield transport
    finally:
        transport.close()
