"""The portal with its documents in an S3 bucket (moto's server on loopback, real HTTP):
uploads through /documents reach the bucket sealed, come back through the reviewer's page and
the export, deletions follow the commit, and `documents check` keeps rows and objects in step."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from portal.documents.models import Document, DocumentFile
from portal.extensions import db
from portal.storage import S3Storage, StorageUnavailable, new_key, s3_client, storage
from tests import objectstore
from tests.documents import samples
from tests.documents.conftest import files_of
from tests.support import AuthActions


@pytest.fixture
def app(make_app, s3_endpoint, s3_bucket):
    return make_app(**objectstore.portal_config(s3_endpoint, s3_bucket))


@pytest.fixture
def in_bucket(s3_client, s3_bucket):
    """Every object in the test's bucket: {name: sealed bytes}."""

    def objects() -> dict[str, bytes]:
        listed = s3_client.list_objects_v2(Bucket=s3_bucket).get("Contents", [])
        return {
            item["Key"]: s3_client.get_object(Bucket=s3_bucket, Key=item["Key"])["Body"].read()
            for item in listed
        }

    return objects


def test_the_app_stores_in_the_bucket_named_by_its_settings(app, s3_bucket):
    with app.app_context():
        store = storage()
        assert isinstance(store, S3Storage)
        assert (store.bucket, store.prefix) == (s3_bucket, "documents/")


def test_an_upload_reaches_the_bucket_sealed_and_nothing_reaches_the_disk(app, upload, in_bucket):
    response = upload("profile_photo", (samples.jpeg(), "me.jpg"))
    assert response.status_code == 302
    objects = in_bucket()
    assert len(objects) == 2  # the picture and its thumbnail
    for name, sealed in objects.items():
        assert name.startswith("documents/")
        assert sealed.startswith(b"KSF1")
        assert b"\xff\xd8\xff" not in sealed[:64] and b"JFIF" not in sealed
    assert not (Path(app.instance_path) / "documents").exists()


def test_a_reviewer_sees_the_identity_document_read_back_from_the_bucket(
    app, client, upload, reviewer
):
    upload("identity", (samples.jpeg(), "passport.jpg"))
    (display,) = files_of(app, "identity", "display")
    client.post("/auth/logout")
    AuthActions(client).login(reviewer["email"], reviewer["password"])
    response = client.get(f"/documents/files/{display.id}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(response.data)).size == (display.width, display.height)


def test_the_export_carries_the_files_read_back_from_the_bucket(client, upload):
    upload("profile_photo", (samples.jpeg(), "me.jpg"))
    upload("bank_proof", (samples.pdf(), "statement.pdf"))
    response = client.post("/account/export")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert archive.testzip() is None
    files = [name for name in archive.namelist() if name.startswith("files/")]
    assert {name.split("/")[1] for name in files} == {"profile_photo", "bank_proof"}
    for name in files:  # decrypted, whole
        Image.open(io.BytesIO(archive.read(name))).verify()


def test_deleting_a_document_removes_its_objects_after_the_commit(app, client, upload, in_bucket):
    upload("profile_photo", (samples.jpeg(), "me.jpg"))
    assert len(in_bucket()) == 2
    with app.app_context():
        document_id = db.session.scalar(select(Document.id))
    assert client.post(f"/documents/{document_id}/delete").status_code == 302
    assert in_bucket() == {}


def test_documents_check_finds_and_fixes_drift_in_the_bucket(
    app, runner, upload, s3_client, s3_bucket
):
    upload("profile_photo", (samples.jpeg(), "me.jpg"))
    orphan = new_key()
    s3_client.put_object(Bucket=s3_bucket, Key=f"documents/{orphan}", Body=b"KSF1 left over")
    (thumbnail,) = files_of(app, "profile_photo", "thumbnail")
    s3_client.delete_object(Bucket=s3_bucket, Key=f"documents/{thumbnail.storage_key}")
    app.config["ORPHAN_GRACE"] = app.config["ORPHAN_GRACE"] * 0  # the orphan counts at once

    found = runner.invoke(args=["documents", "check"])
    assert found.exit_code == 1
    assert f"file without a row: {orphan}" in found.output
    assert f"row without a file: document_files.id={thumbnail.id}" in found.output
    fixed = runner.invoke(args=["documents", "check", "--fix"])
    assert fixed.exit_code == 0, fixed.output
    assert runner.invoke(args=["documents", "check"]).exit_code == 0
    names = {o["Key"] for o in s3_client.list_objects_v2(Bucket=s3_bucket).get("Contents", [])}
    assert f"documents/{orphan}" not in names
    with app.app_context():
        assert db.session.get(DocumentFile, thumbnail.id) is None


def test_an_unreachable_store_fails_as_a_failing_disk_does(tmp_path):
    from tests.support import free_port

    config = {"S3_ENDPOINT_URL": f"http://127.0.0.1:{free_port()}", "S3_REGION": "us-east-1"}
    store = S3Storage(s3_client(config), "no-bucket")
    with pytest.raises(StorageUnavailable) as raised:
        store.save(new_key(), [b"sealed"])
    assert isinstance(raised.value, OSError)  # what the callers already survive


def test_a_missing_bucket_is_unavailable_not_an_empty_store(s3_endpoint):
    store = S3Storage(objectstore.client(s3_endpoint), "no-such-bucket")
    with pytest.raises(StorageUnavailable):
        store.ping()
    with pytest.raises(StorageUnavailable):
        list(store.listing())


def test_readyz_fails_while_the_bucket_is_missing_and_recovers(make_app, s3_endpoint):
    bucket = f"portal-test-ready-{new_key()[:12]}"
    app = make_app(**objectstore.portal_config(s3_endpoint, bucket))
    client = app.test_client()
    answer = client.get("/readyz")
    assert answer.status_code == 503
    assert answer.get_json()["storage"] == "down"
    objectstore.client(s3_endpoint).create_bucket(Bucket=bucket)
    answer = client.get("/readyz")
    assert answer.status_code == 200
    assert answer.get_json()["storage"] == "ok"
