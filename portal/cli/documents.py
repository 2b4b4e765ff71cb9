"""``flask documents check [--fix]``: files without a row, rows without a file;
``flask documents move --to s3|local``: every file copied to the other backend, verified."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from portal.clock import utcnow
from portal.documents import maintenance
from portal.extensions import db
from portal.storage import build_storage, storage


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


@documents.command("move")
@click.option("--to", "backend", type=click.Choice(["s3", "local"]), required=True)
@with_appcontext
def move(backend: str) -> None:
    """Copy every file the database names from the current backend (DOCUMENT_STORAGE) to
    the other, and read each copy back to check its size and SHA-256.

    Files already copied and equal are skipped, so an interrupted run can be run again.
    Nothing is deleted: once a run reports every file done, set DOCUMENT_STORAGE to the
    new backend and restart; `documents check --fix` on the old one is not needed (remove
    its folder or bucket when you no longer want the copy). Exits with status 1 if any file
    is missing or did not copy equal.
    """
    config = current_app.config
    if backend == config["DOCUMENT_STORAGE"]:
        raise click.UsageError(f"the documents are already in {backend} (DOCUMENT_STORAGE).")
    if backend == "s3" and not config.get("S3_BUCKET"):
        raise click.UsageError("set PORTAL_S3_BUCKET (and the other S3 settings) first.")
    target = build_storage(config, backend, instance_path=current_app.instance_path)

    def progress(report: maintenance.MoveReport) -> None:
        done = report.copied + report.already + len(report.missing) + len(report.failed)
        if done % 1000 == 0:
            click.echo(f"{done} files so far...")

    report = maintenance.move(storage(), target, on_file=progress)
    for key in report.missing:
        click.echo(f"named by a row but not stored: {key}")
    for key in report.failed:
        click.echo(f"copy did not read back equal: {key}")
    click.echo(
        f"{report.copied} files copied and verified, {report.already} already there, "
        f"{len(report.missing)} missing, {len(report.failed)} failed."
    )
    if not report.complete:
        raise SystemExit(1)
    click.echo(f"Every file is in {backend}: set PORTAL_DOCUMENT_STORAGE={backend} and restart.")
