"""`flask documents move --to s3|local`: every file a row names is copied to the other
backend, read back and compared (size and SHA-256 of the sealed bytes), and a second run
after an interruption copies only what is not there yet."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.documents import services
from portal.documents.models import DocumentFile
from portal.extensions import db
from tests import objectstore
from tests.documents import samples


@pytest.fixture
def app(make_app, s3_endpoint, s3_bucket):
    """Documents in the local folder, with the bucket configured for the move."""
    return make_app(
        **{**objectstore.portal_config(s3_endpoint, s3_bucket), "DOCUMENT_STORAGE": "local"}
    )


def keys_of(app) -> list[str]:
    with app.app_context():
        return sorted(db.session.scalars(select(DocumentFile.storage_key)))


def local_bytes(app, key: str) -> bytes:
    return (Path(app.instance_path) / "documents" / key[:2] / key).read_bytes()


def bucket_bytes(s3_client, bucket: str) -> dict[str, bytes]:
    listed = s3_client.list_objects_v2(Bucket=bucket).get("Contents", [])
    return {
        o["Key"].removeprefix("documents/"): s3_client.get_object(Bucket=bucket, Key=o["Key"])[
            "Body"
        ].read()
        for o in listed
    }


def test_moving_to_s3_copies_every_file_sealed_and_verified(
    app, runner, upload, s3_client, s3_bucket, make_app, s3_endpoint
):
    upload("profile_photo", (samples.jpeg(), "me.jpg"))
    upload("identity", (samples.jpeg(), "passport.jpg"))
    keys = keys_of(app)
    assert len(keys) >= 4

    result = runner.invoke(args=["documents", "move", "--to", "s3"])
    assert result.exit_code == 0, result.output
    assert f"{len(keys)} files copied and verified, 0 already there, 0 missing" in result.output
    copied = bucket_bytes(s3_client, s3_bucket)
    assert sorted(copied) == keys
    for key in keys:
        assert (
            hashlib.sha256(copied[key]).digest() == hashlib.sha256(local_bytes(app, key)).digest()
        )

    # The portal switched to the bucket reads every file back, decrypted, as before.
    moved = make_app(**objectstore.portal_config(s3_endpoint, s3_bucket))
    for key in keys:
        with app.app_context():
            before = b"".join(services.read_key(key))
        with moved.app_context():
            assert b"".join(services.read_key(key)) == before


def test_a_second_run_after_an_interruption_copies_only_what_is_missing_or_wrong(
    app, runner, upload, s3_client, s3_bucket
):
    upload("profile_photo", (samples.jpeg(), "me.jpg"))
    upload("shop_photo", (samples.png(), "shop.png"))
    keys = keys_of(app)
    assert runner.invoke(args=["documents", "move", "--to", "s3"]).exit_code == 0
    # As a run cut off halfway leaves it: one object never sent, one cut short.
    s3_client.delete_object(Bucket=s3_bucket, Key=f"documents/{keys[0]}")
    s3_client.put_object(Bucket=s3_bucket, Key=f"documents/{keys[1]}", Body=b"KSF1 cut")

    again = runner.invoke(args=["documents", "move", "--to", "s3"])
    assert again.exit_code == 0, again.output
    assert f"2 files copied and verified, {len(keys) - 2} already there" in again.output
    copied = bucket_bytes(s3_client, s3_bucket)
    assert all(copied[key] == local_bytes(app, key) for key in keys)


def test_a_file_missing_from_the_source_is_reported_and_fails_the_run(app, runner, upload):
    upload("profile_photo", (samples.jpeg(), "me.jpg"))
    lost = keys_of(app)[0]
    (Path(app.instance_path) / "documents" / lost[:2] / lost).unlink()
    result = runner.invoke(args=["documents", "move", "--to", "s3"])
    assert result.exit_code == 1
    assert f"named by a row but not stored: {lost}" in result.output
    assert "1 missing" in result.output


def test_moving_back_from_s3_to_the_local_folder(
    make_app, s3_endpoint, s3_bucket, tmp_path, s3_client
):
    on_s3 = make_app(**objectstore.portal_config(s3_endpoint, s3_bucket))
    from tests.documents.conftest import Uploader
    from tests.support import AuthActions, make_seller

    with on_s3.app_context():
        make_seller()
    client = on_s3.test_client()
    AuthActions(client).login()
    Uploader(client)("profile_photo", (samples.jpeg(), "me.jpg"))
    keys = keys_of(on_s3)
    runner = on_s3.test_cli_runner()
    result = runner.invoke(args=["documents", "move", "--to", "local"])
    assert result.exit_code == 0, result.output
    assert f"{len(keys)} files copied and verified" in result.output
    in_bucket = bucket_bytes(s3_client, s3_bucket)
    assert all(local_bytes(on_s3, key) == in_bucket[key] for key in keys)
    refused = runner.invoke(args=["documents", "move", "--to", "s3"])
    assert refused.exit_code != 0 and "already in s3" in refused.output
