"""``flask keys``: make encryption keys, see what each column and stored file is under, rotate.

Rotating: add the new key to ``ENCRYPTION_KEYS``, make it ``ENCRYPTION_KEY_ID``, restart the
web processes (new values now use it), then run ``keys rotate``. When ``keys status`` shows
nothing left under the old key, remove it from the configuration.
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from portal import crypto
from portal.documents import maintenance as files
from portal.extensions import db


@click.group(help="Encryption keys for the values stored encrypted.")
def keys():
    pass


@keys.command("generate")
def generate() -> None:
    """Print a new random key, for ENCRYPTION_KEYS or HASH_KEY."""
    click.echo(crypto.generate_key())


@keys.command("status")
@with_appcontext
def status() -> None:
    """How many values of each encrypted column are not yet under the current key."""
    click.echo(f"Current key: {crypto.keyring().current}")
    for column in crypto.encrypted_columns(db.metadata):
        click.echo(f"{column.label}: {crypto.count_stale(db.session, column)} to rotate")
    click.echo(f"stored files: {files.count_stale()} to rotate")


@keys.command("rotate")
@click.option("--batch-size", default=500, show_default=True, type=click.IntRange(1))
@with_appcontext
def rotate(batch_size: int) -> None:
    """Re-encrypt every value under the current key, committing after each batch.

    Safe to stop and run again: each batch is committed, and done values are skipped.
    """
    current = crypto.keyring().current
    total = 0
    for column in crypto.encrypted_columns(db.metadata):
        done, last = 0, None
        try:
            while ids := crypto.rotate_batch(db.session, column, batch_size, after=last):
                db.session.commit()
                done, last = done + len(ids), ids[-1]
        except crypto.DecryptionError as exc:
            db.session.rollback()
            current_app.logger.error("key rotation stopped in %s: %s", column.label, exc)
            raise click.ClickException(
                f"{column.label}: a value cannot be decrypted ({exc}). Is every old key still "
                "in ENCRYPTION_KEYS? Batches before this one are saved."
            ) from None
        click.echo(f"{column.label}: {done} re-encrypted")
        total += done
    total += _rotate_files(batch_size)
    click.echo(f"Done: {total} values now under key {current}.")


def _rotate_files(batch_size: int) -> int:
    """Stored files, re-sealed one by one; each batch's key ids commit together."""
    done, last = 0, 0
    try:
        while ids := files.rotate_batch(batch_size, after=last):
            db.session.commit()
            done, last = done + len(ids), ids[-1]
    except crypto.DecryptionError as exc:
        db.session.rollback()
        current_app.logger.error("key rotation stopped in stored files: %s", exc)
        raise click.ClickException(
            f"stored files: one cannot be decrypted ({exc}). Is every old key still in "
            "ENCRYPTION_KEYS? Batches before this one are saved."
        ) from None
    click.echo(f"stored files: {done} re-encrypted")
    return done
