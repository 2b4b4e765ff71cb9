"""``flask reports purge [--dry-run]``: reporters' data goes six months after a report closes.

``flask retention run`` applies the same rule with the rest of the schedule; this command
runs that one rule alone.
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from portal.clock import utcnow
from portal.extensions import db
from portal.minor_reports import review


@click.group(help="Reports about minors.")
def reports():
    pass


@reports.command("purge")
@click.option("--dry-run", is_flag=True, help="Only count what would be cleared.")
@with_appcontext
def purge(dry_run: bool) -> None:
    """Clear the reporter's name, email, text and file from reports closed over six months ago."""
    older_than = utcnow() - current_app.config["MINOR_REPORT_KEEP_REPORTER"]
    count = review.purge_reporter_data(older_than, dry_run=dry_run)
    db.session.commit()
    click.echo(
        f"{count} closed reports {'would be' if dry_run else 'were'} cleared of the reporter's data."
    )
