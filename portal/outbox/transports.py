"""Ways a message leaves the portal: SMTP, or ``.eml`` files in the instance folder."""

from __future__ import annotations

import os
import smtplib
import tempfile
from contextlib import contextmanager
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from flask import Flask


def build_email(message, sender: str) -> EmailMessage:
    """The MIME message for an outbox row: plain text first, HTML as the alternative."""
    email = EmailMessage()
    email["Subject"] = message.subject
    email["From"] = sender
    email["To"] = message.recipient
    email["Date"] = format_datetime(message.created_at)
    email["Message-ID"] = message.message_id
    email.set_content(message.body_text)
    email.add_alternative(message.body_html, subtype="html")
    return email


class SMTPTransport:
    """One SMTP connection, reused for every message handed over in a batch."""

    def __init__(self, config):
        self.config = config
        self.connection: smtplib.SMTP | None = None

    def open(self) -> None:
        cfg = self.config
        factory = smtplib.SMTP_SSL if cfg["MAIL_USE_SSL"] else smtplib.SMTP
        self.connection = factory(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=cfg["MAIL_TIMEOUT"])
        if cfg["MAIL_USE_TLS"]:
            self.connection.starttls()
        if cfg["MAIL_USERNAME"]:
            self.connection.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"] or "")

    def send(self, message) -> None:
        self.connection.send_message(build_email(message, self.config["MAIL_DEFAULT_SENDER"]))

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.quit()
            except smtplib.SMTPException:
                self.connection.close()


class FileTransport:
    """Writes each message as ``<time>-<id>.eml``; the development and single-machine default."""

    def __init__(self, config, folder: Path):
        self.config = config
        self.folder = folder

    def open(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)

    def send(self, message) -> None:
        email = build_email(message, self.config["MAIL_DEFAULT_SENDER"])
        name = f"{message.created_at:%Y%m%d-%H%M%S}-{message.id:08d}.eml"
        # Write then rename, so a reader never sees half a message.
        fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
        with os.fdopen(fd, "wb") as out:
            out.write(email.as_bytes())
        os.replace(tmp, self.folder / name)

    def close(self) -> None:
        pass


def mail_folder(app: Flask) -> Path:
    return Path(app.instance_path) / "mail"


@contextmanager
def transport_for(app: Flask):
    """The transport the configuration names, opened for one batch and closed after it."""
    if app.config["MAIL_SERVER"]:
        transport = SMTPTransport(app.config)
    else:
        transport = FileTransport(app.config, mail_folder(app))
    transport.open()
    try:
        yield transport
    finally:
        transport.close()
