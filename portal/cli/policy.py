"""``flask policy publish FILE --version N [--effective DATE] [--summary TEXT]
[--malay FILE] [--summary-ms TEXT]``."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from portal.auth import services as auth
from portal.clock import local_midnight, portal_zone
from portal.extensions import db
from portal.policy import publishing
from portal.policy import services as policy_services


@click.group(help="The Seller Privacy Policy.")
def policy():
    pass


def _moment(value: str | None) -> datetime | None:
    """A date (midnight in the portal's time zone) or a date and time, as UTC."""
    if value is None:
        return None
    zone = portal_zone()
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("use YYYY-MM-DD or YYYY-MM-DDTHH:MM") from None
    if len(value) == 10:
        return local_midnight(parsed.date())
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return parsed


@policy.command("publish")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--version", "number", type=int, required=True, help="The next version number.")
@click.option("--effective", help="When it takes effect: YYYY-MM-DD (midnight, Malaysia) or later.")
@click.option("--summary", default="", help="A sentence or two on what changed, for the email.")
@click.option(
    "--malay",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The Malay translation (Markdown); by default FILE's sibling NAME.ms.md.",
)
@click.option("--summary-ms", default="", help="The summary in Malay.")
@with_appcontext
def publish(
    file: Path,
    number: int,
    effective: str | None,
    summary: str,
    malay: Path | None,
    summary_ms: str,
) -> None:
    """Publish FILE (Markdown, English) and its Malay translation as version N, then email
    every active seller about it, each in their language.

    A published version can never be changed. The emails go through the outbox in batches,
    committed as they go; if this stops halfway, running `policy notify N` finishes the job.
    """
    malay = malay or file.with_suffix(f".ms{file.suffix}")
    if not malay.is_file():
        raise click.ClickException(
            f"no Malay translation: give --malay FILE, or put it beside the English as {malay}"
        )
    try:
        version = publishing.publish(
            file.read_text(encoding="utf-8"),
            body_ms=malay.read_text(encoding="utf-8"),
            number=number,
            effective_at=_moment(effective),
            summary=summary,
            summary_ms=summary_ms,
        )
    except publishing.PublishError as exc:
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(
        f"Published version {version.version}, in effect from {version.effective_at:%Y-%m-%d %H:%M} UTC."
    )
    _notify(version)


@policy.command("notify")
@click.argument("number", type=int)
@with_appcontext
def notify(number: int) -> None:
    """Queue the change email for every active seller who has not had it for version N."""
    version = policy_services.get_version(number)
    if version is None:
        raise click.ClickException(f"there is no version {number}")
    _notify(version)


def _notify(version) -> None:
    queued = publishing.notify_sellers(
        version, auth.active_sellers, current_app.config["POLICY_NOTIFY_BATCH_SIZE"]
    )
    click.echo(f"{queued} emails queued for the mail worker.")
