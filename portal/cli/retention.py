"""``flask retention run [--dry-run]``: apply the retention schedule. Run it daily (cron or
a systemd timer); it is idempotent and safe to stop at any moment and run again."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from portal.retention import job
from portal.retention.rules import RULES


@click.group(help="The retention schedule.")
def retention():
    pass


@retention.command("run")
@click.option("--dry-run", is_flag=True, help="Only count what would be deleted.")
@with_appcontext
def run(dry_run: bool) -> None:
    """Delete what the schedule says is due, and send the deletion reminders."""
    app = current_app._get_current_object()
    plan = job.now_run(dry_run=dry_run, batch_size=app.config["RETENTION_BATCH_SIZE"])
    summary = job.run(plan)  # the reminders' links come from PUBLIC_URL (portal.links)
    verb = "would be" if dry_run else "were"
    click.echo(f"Retention run at {plan.now:%Y-%m-%d %H:%M} UTC{' (dry run)' if dry_run else ''}:")
    for rule in RULES:
        click.echo(f"  {rule.key.value:<12} {summary.counts[rule.key.value]:>7} {verb} deleted")
    click.echo(f"  reminders    {summary.reminders:>7} {verb} sent")
    if not dry_run:
        click.echo(f"  files        {summary.files:>7} pending deletions finished")
        click.echo(
            f"  third-party  {summary.erasure_requests:>7} erasure requests made (API or email)"
        )
        click.echo(f"  corrections  {summary.corrections:>7} passed on to third parties")
