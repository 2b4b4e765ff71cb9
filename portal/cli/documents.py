"""``flask documents check [--fix]``: files without a row, rows without a file."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from portal.clock import utcnow
from portal.documents import maintenance
from portal.extensions import db


@click.group(help="Uploaded photographs and documents.")
def documents():
    pass


@documents.command("check")
@click.option("--fix", is_flag=True, help="Remove what is found.")
@with_appcontext
def check(fix: bool) -> None:
    """List stored files that no row names, and rows whose file is missing.

    Files written in the last ``ORPHAN_GRACE`` (an upload about to commit) are left alone.
    Exits with status 1 if anything was found and not fixed, so cron can alert on it.
    """
    older_than = utcnow() - current_app.config["ORPHAN_GRACE"]
    report = maintenance.check(fix=fix, older_than=older_than)
    db.session.commit()
    verb = "removed" if fix else "found"
    for key in report.orphan_files:
        click.echo(f"file without a row: {key}")
    for file_id in report.missing_files:
        click.echo(f"row without a file: document_files.id={file_id}")
    click.echo(
        f"{len(report.orphan_files)} files without a row {verb}, "
        f"{len(report.missing_files)} rows without a file {verb}."
    )
    if report.partial_removed:
        click.echo(f"{report.partial_removed} partial files from interrupted saves removed.")
    if not report.clean and not fix:
        raise SystemExit(1)
