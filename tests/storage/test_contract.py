"""The storage contract: what every backend promises the portal, checked against the local
folder and against an S3 service on loopback (moto's server mode, over real HTTP)."""

from __future__ import annotations

import hashlib
import os

import pytest

from portal.storage import LocalStorage, S3Storage, StorageError, new_key
from tests import objectstore

PART = 5 * 1024 * 1024  # S3's smallest part, so a few MB already span several parts


@pytest.fixture(params=["local", "s3"])
def store(request, tmp_path):
    if request.param == "local":
        return LocalStorage(tmp_path / "documents")
    endpoint = request.getfixturevalue("s3_endpoint")
    bucket = request.getfixturevalue("s3_bucket")
    return S3Storage(objectstore.client(endpoint), bucket, "documents/", part_bytes=PART)


def chunks_of(data: bytes, size: int = 64 * 1024):
    for start in range(0, len(data), size):
        yield data[start : start + size]


def read_all(store, key: str) -> bytes:
    with store.open(key) as body:
        parts = []
        while part := body.read(100_000):
            parts.append(part)
    return b"".join(parts)


@pytest.mark.parametrize("size", [0, 1000, 2 * PART + 12345])
def test_what_is_saved_is_read_back_byte_for_byte(store, size):
    data = os.urandom(size)
    key = new_key()
    assert store.save(key, chunks_of(data)) == size
    assert store.exists(key)
    assert hashlib.sha256(read_all(store, key)).digest() == hashlib.sha256(data).digest()


def test_saving_again_replaces_the_object(store):
    key = new_key()
    store.save(key, [b"first version"])
    store.save(key, [b"second"])
    assert read_all(store, key) == b"second"


def test_a_deleted_object_is_gone_and_deleting_again_is_harmless(store):
    key = new_key()
    store.save(key, [b"sealed bytes"])
    store.delete(key)
    assert not store.exists(key)
    store.delete(key)
    with pytest.raises(StorageError):
        store.open(key)


def test_a_missing_or_malformed_key_is_a_storage_error(store):
    with pytest.raises(StorageError):
        store.open(new_key())
    assert not store.exists(new_key())
    for bad in ("../etc/passwd", "ABC", "0" * 31):
        with pytest.raises(StorageError):
            store.open(bad)
        with pytest.raises(StorageError):
            store.save(bad, [b"x"])


def test_the_listing_names_every_object_with_its_size(store):
    sizes = {new_key(): size for size in (0, 10, PART + 1)}
    for key, size in sizes.items():
        store.save(key, chunks_of(b"k" * size))
    listed = {item.key: item for item in store.listing()}
    assert {key: item.size for key, item in listed.items()} == sizes
    assert all(item.modified_at.tzinfo is not None for item in listed.values())


@pytest.mark.parametrize("fail_after", [3, 200])  # before the first part, after two parts
def test_a_save_that_fails_halfway_leaves_nothing_behind(store, fail_after):
    key = new_key()

    def failing():
        for _ in range(fail_after):
            yield os.urandom(64 * 1024)
        raise OSError("the upload was cut off")

    with pytest.raises(OSError, match="cut off"):
        store.save(key, failing())
    assert not store.exists(key)
    assert list(store.listing()) == []
    if isinstance(store, S3Storage):  # no invisible parts left to pay for either
        uploads = store.client.list_multipart_uploads(Bucket=store.bucket)
        assert uploads.get("Uploads", []) == []


def test_a_failed_save_keeps_the_previous_version(store):
    key = new_key()
    store.save(key, [b"kept"])

    def failing():
        yield b"new"
        raise OSError("cut off")

    with pytest.raises(OSError):
        store.save(key, failing())
    assert read_all(store, key) == b"kept"
