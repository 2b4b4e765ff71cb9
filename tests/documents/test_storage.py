"""Files and rows stay together: deleting removes the file, a failure halfway leaves
neither, `documents check` finds what drifted apart, and rotation re-seals every file."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.documents.models import Document
from portal.extensions import db
from tests.documents import samples
from tests.documents.conftest import files_of


def test_deleting_a_document_removes_its_files_from_storage(app, client, upload, stored, counts):
    upload("profile_photo", (samples.jpeg(), "me.jpg"))
    assert len(stored()) == 2
    with app.app_context():
        document_id = db.session.scalar(select(Document.id))
    response = client.post(f"/documents/{document_id}/delete")
    assert response.status_code == 302
    assert stored() == []
    assert counts() == (0, 0)


def test_replacing_a_photo_removes_the_old_files(upload, stored):
    upload("profile_photo", (samples.jpeg(), "me.jpg"))
    before = set(stored())
    upload("profile_photo", (samples.png(), "me.png"))
    after = set(stored())
    assert len(after) == 2 and not before & after


def test_an_upload_that_fails_halfway_leaves_neither_file_nor_row(
    app, upload, stored, counts, monkeypatch
):
    from portal.documents import services

    real_store, calls = services._store, []

    def store_then_fail(item):
        calls.append(item)
        if len(calls) == 3:  # the original and a page are stored; then the disk fails
            raise OSError("disk full")
        return real_store(item)

    monkeypatch.setattr(services, "_store", store_then_fail)
    response = upload(
        "identity",
        (samples.jpeg(), "front.jpg"),
        (samples.jpeg(), "back.jpg"),
        identity_type="mykad",
    )
    assert response.status_code == 500
    assert len(calls) == 3
    assert stored() == []
    assert counts() == (0, 0)


def test_a_commit_that_fails_takes_its_new_files_with_it(app, upload, stored, counts, monkeypatch):
    from portal.extensions import db as database

    def broken_commit():
        raise RuntimeError("database went away")

    monkeypatch.setattr(database.session, "commit", broken_commit)
    assert upload("profile_photo", (samples.jpeg(), "me.jpg")).status_code == 500
    assert stored() == []


def _plant(app, name="ab" * 16, age_seconds=7200) -> Path:
    orphan = Path(app.instance_path) / "documents" / name[:2] / name
    orphan.parent.mkdir(parents=True, exist_ok=True)
    orphan.write_bytes(b"KSF1 left behind")
    old = time.time() - age_seconds
    os.utime(orphan, (old, old))
    return orphan


def test_documents_check_finds_a_planted_orphan_and_fix_removes_it(app, runner, upload):
    upload("profile_photo", (samples.jpeg(), "me.jpg"))
    orphan = _plant(app)

    result = runner.invoke(args=["documents", "check"])
    assert result.exit_code == 1
    assert f"file without a row: {orphan.name}" in result.output
    assert "1 files without a row found, 0 rows without a file found." in result.output
    assert orphan.exists()

    fixed = runner.invoke(args=["documents", "check", "--fix"])
    assert fixed.exit_code == 0
    assert not orphan.exists()
    assert len(files_of(app, "profile_photo")) == 2  # the real files are untouched
    assert runner.invoke(args=["documents", "check"]).exit_code == 0


def test_documents_check_leaves_a_fresh_file_alone(app, runner):
    _plant(app, age_seconds=5)  # an upload whose row is about to commit
    result = runner.invoke(args=["documents", "check"])
    assert result.exit_code == 0
    assert "0 files without a row found" in result.output


def test_documents_check_finds_rows_without_a_file(app, runner, upload, counts):
    upload("profile_photo", (samples.jpeg(), "me.jpg"))
    display = files_of(app, "profile_photo", "display")[0]
    (Path(app.instance_path) / "documents" / display.storage_key[:2] / display.storage_key).unlink()

    result = runner.invoke(args=["documents", "check"])
    assert result.exit_code == 1
    assert f"row without a file: document_files.id={display.id}" in result.output
    assert runner.invoke(args=["documents", "check", "--fix"]).exit_code == 0
    assert counts() == (0, 0)  # a document with nothing to show is removed with its files


def test_key_rotation_reseals_every_stored_file(app, make_app, upload, stored):
    from portal import crypto
    from portal.documents import services

    passport = samples.jpeg()
    upload("identity", (passport, "passport.jpg"), identity_type="passport")
    rotated = make_app(
        ENCRYPTION_KEYS={**app.config["ENCRYPTION_KEYS"], "new": crypto.generate_key()},
        ENCRYPTION_KEY_ID="new",
        HASH_KEY=app.config["HASH_KEY"],
    )
    runner = rotated.test_cli_runner()
    assert "stored files: 3 to rotate" in runner.invoke(args=["keys", "status"]).output
    result = runner.invoke(args=["keys", "rotate", "--batch-size", "2"])
    assert result.exit_code == 0, result.output
    assert "stored files: 3 re-encrypted" in result.output
    assert "stored files: 0 to rotate" in runner.invoke(args=["keys", "status"]).output
    for relative in stored():
        raw = (Path(app.instance_path) / "documents" / relative).read_bytes()
        assert raw[4:8] == b"\x03new"
    original = files_of(app, "identity", "original")[0]
    with rotated.app_context():
        assert b"".join(services.read(original)) == passport


@pytest.mark.parametrize("relative", ["../escape", "AB" * 16, "x"])
def test_storage_refuses_keys_it_did_not_make(app, relative):
    from portal.storage import StorageError, storage

    with app.app_context(), pytest.raises(StorageError):
        storage().save(relative, [b"data"])
