"""Where uploaded files live: a small interface, a local folder and an S3 bucket that implement it.

The rest of the portal only calls ``save``, ``open``, ``delete`` and ``listing`` with keys it
made with :func:`new_key`, so an object store can replace the folder without touching the
features. Files never live under ``static/``: the folder is in the instance path by default
(``DOCUMENT_STORAGE_PATH``), readable only by the portal's user, and nothing serves it.
With ``DOCUMENT_STORAGE = "s3"`` they live in an S3-compatible bucket instead
(:class:`S3Storage`), which every web host reaches alike.

Every file stored is sealed by :mod:`portal.filecrypto` before it gets here; this module only
moves bytes.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, Protocol

from botocore.exceptions import BotoCoreError, ClientError
from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from portal.extensions import db

log = logging.getLogger(__name__)

_KEY = re.compile(r"^[0-9a-f]{32}$")
_EXTENSION = "portal.storage"


class StorageError(Exception):
    """A key that is malformed or names nothing stored."""


class StorageUnavailable(OSError):
    """The store did not answer, or refused: what a full or failing disk is to a folder.
    An ``OSError``, so the callers that already survive a failing disk survive this too."""


# Every column that holds storage keys, so the consistency check knows which stored objects
# are someone's: models register theirs with :func:`holds_storage_keys`.
KEY_COLUMNS: list = []


def holds_storage_keys(column) -> None:
    KEY_COLUMNS.append(column)


def new_key() -> str:
    """A random name for a new object: 128 bits, nothing about the seller or the file."""
    return secrets.token_hex(16)


@dataclass(frozen=True)
class StoredObject:
    key: str
    size: int
    modified_at: datetime


class Storage(Protocol):
    def save(self, key: str, chunks: Iterable[bytes]) -> int:
        """Store ``chunks`` under ``key``, whole or not at all; returns the bytes written.
        An existing object under ``key`` is replaced in one step."""

    def open(self, key: str) -> BinaryIO:
        """Read the object; raises :class:`StorageError` if there is none."""

    def delete(self, key: str) -> None:
        """Remove the object; nothing happens if it is already gone."""

    def exists(self, key: str) -> bool: ...

    def listing(self) -> Iterator[StoredObject]:
        """Every stored object, for the consistency check."""


class LocalStorage:
    """Objects as files in ``root``, spread over 256 sub-folders by the key's first two
    characters. A save writes a temporary file in ``root/.partial`` and renames it into
    place, so a crash halfway leaves no object, only a partial file the check removes."""

    def __init__(self, root: Path):
        self.root = root
        self.partial = root / ".partial"

    def _path(self, key: str) -> Path:
        if not _KEY.match(key):
            raise StorageError("malformed storage key")
        return self.root / key[:2] / key

    def ready(self) -> bool:
        """The folder exists (or can be made) and this process may write in it."""
        try:
            self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError:
            return False
        return os.access(self.root, os.W_OK | os.X_OK)

    def save(self, key: str, chunks: Iterable[bytes]) -> int:
        target = self._path(key)
        self.partial.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary = self.partial / f"{key}.{secrets.token_hex(4)}"
        written = 0
        try:
            with open(temporary, "xb") as out:
                os.chmod(temporary, 0o600)
                for chunk in chunks:
                    out.write(chunk)
                    written += len(chunk)
                out.flush()
                os.fsync(out.fileno())
            target.parent.mkdir(mode=0o700, exist_ok=True)
            os.replace(temporary, target)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        return written

    def open(self, key: str) -> BinaryIO:
        try:
            return open(self._path(key), "rb")
        except FileNotFoundError:
            raise StorageError("no such object") from None

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def listing(self) -> Iterator[StoredObject]:
        if not self.root.is_dir():
            return
        for folder in sorted(self.root.iterdir()):
            if not folder.is_dir() or folder == self.partial:
                continue
            for path in sorted(folder.iterdir()):
                yield StoredObject(path.name, *_size_and_time(path))

    def sweep_partial(self, older_than: datetime) -> int:
        """Remove temporary files that a crash during a save left behind."""
        if not self.partial.is_dir():
            return 0
        removed = 0
        for path in self.partial.iterdir():
            if _size_and_time(path)[1] < older_than:
                path.unlink(missing_ok=True)
                removed += 1
        return removed


def _size_and_time(path: Path) -> tuple[int, datetime]:
    stat = path.stat()
    return stat.st_size, datetime.fromtimestamp(stat.st_mtime, UTC)


PART_BYTES = 8 * 1024 * 1024  # multipart upload part size (S3's minimum is 5 MiB)
_NOT_FOUND = {"404", "NoSuchKey", "NotFound"}


class S3Storage:
    """Objects in an S3-compatible bucket, named ``prefix + key``.

    A save sends the object in parts of :data:`PART_BYTES` (one ``PutObject`` when it is
    smaller than a part), so memory does not grow with the file; the object appears only when
    the upload completes, and a failure aborts the upload so nothing is left behind, not even
    invisible parts. A read streams the response body. Failures of the service or the network
    are raised as :class:`StorageUnavailable` (an ``OSError``), a missing object as
    :class:`StorageError`, as the folder does.
    """

    def __init__(self, client, bucket: str, prefix: str = "", part_bytes: int = PART_BYTES):
        self.client, self.bucket, self.prefix, self.part_bytes = client, bucket, prefix, part_bytes

    def _name(self, key: str) -> str:
        if not _KEY.match(key):
            raise StorageError("malformed storage key")
        return self.prefix + key

    def save(self, key: str, chunks: Iterable[bytes]) -> int:
        name, buffer, written, upload_id, parts = self._name(key), bytearray(), 0, None, []
        try:
            for chunk in chunks:
                buffer += chunk
                written += len(chunk)
                while len(buffer) >= self.part_bytes:
                    if upload_id is None:
                        upload_id = self._call(
                            "create_multipart_upload", Bucket=self.bucket, Key=name
                        )["UploadId"]
                    parts.append(self._part(name, upload_id, len(parts) + 1, buffer))
            if upload_id is None:
                self._call("put_object", Bucket=self.bucket, Key=name, Body=bytes(buffer))
                return written
            if buffer:
                parts.append(self._part(name, upload_id, len(parts) + 1, buffer))
            self._call(
                "complete_multipart_upload",
                Bucket=self.bucket,
                Key=name,
                UploadId=upload_id,
                MultipartUpload={"Parts": parts},
            )
        except BaseException:
            if upload_id is not None:
                try:
                    self._call(
                        "abort_multipart_upload", Bucket=self.bucket, Key=name, UploadId=upload_id
                    )
                except StorageUnavailable:
                    log.exception("could not abort a multipart upload; the bucket's rule will")
            raise
        return written

    def _part(self, name: str, upload_id: str, number: int, buffer: bytearray) -> dict:
        """Send the first part of ``buffer`` and remove it from the buffer."""
        body = bytes(buffer[: self.part_bytes])
        del buffer[: self.part_bytes]
        answer = self._call(
            "upload_part",
            Bucket=self.bucket,
            Key=name,
            UploadId=upload_id,
            PartNumber=number,
            Body=body,
        )
        return {"ETag": answer["ETag"], "PartNumber": number}

    def open(self, key: str) -> BinaryIO:
        answer = self._call("get_object", Bucket=self.bucket, Key=self._name(key))
        return _Body(answer["Body"])

    def delete(self, key: str) -> None:
        self._call("delete_object", Bucket=self.bucket, Key=self._name(key))

    def exists(self, key: str) -> bool:
        try:
            self._call("head_object", Bucket=self.bucket, Key=self._name(key))
        except StorageError:
            return False
        return True

    def listing(self) -> Iterator[StoredObject]:
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self.prefix
        )
        try:
            for page in pages:
                for item in page.get("Contents", ()):
                    key = item["Key"][len(self.prefix) :]
                    if _KEY.match(key):  # anything else in the bucket is not the portal's
                        yield StoredObject(key, item["Size"], item["LastModified"])
        except (BotoCoreError, ClientError) as exc:
            raise StorageUnavailable(f"listing the bucket failed: {exc}") from exc

    def ping(self) -> None:
        """Raise :class:`StorageUnavailable` unless the bucket answers."""
        try:
            self._call("head_bucket", Bucket=self.bucket)
        except StorageError as exc:
            raise StorageUnavailable("the bucket does not exist") from exc

    def ready(self) -> bool:
        """Whether the bucket answers now (``/readyz``): a missing bucket or an unreachable
        service is not ready."""
        try:
            self.ping()
        except StorageUnavailable:
            return False
        return True

    def _call(self, operation: str, **arguments) -> dict:
        try:
            return getattr(self.client, operation)(**arguments)
        except ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", ""))
            if code in _NOT_FOUND or code == "NoSuchBucket" and operation == "head_bucket":
                raise StorageError("no such object") from None
            raise StorageUnavailable(f"{operation} failed: {code}") from exc
        except BotoCoreError as exc:
            raise StorageUnavailable(f"{operation} failed: {type(exc).__name__}") from exc


class _Body:
    """An object's content as it arrives (botocore's StreamingBody), read by ``read(size)``;
    network failures halfway are raised as :class:`StorageUnavailable`."""

    def __init__(self, body):
        self.body = body

    def read(self, size: int = -1) -> bytes:
        try:
            return self.body.read(None if size is None or size < 0 else size)
        except (BotoCoreError, ClientError) as exc:
            raise StorageUnavailable(f"reading an object failed: {type(exc).__name__}") from exc

    def close(self) -> None:
        self.body.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def s3_client(config):
    """A boto3 S3 client for the portal's settings; credentials come from the standard AWS
    sources (environment variables, shared files, instance roles), never from the portal's
    configuration."""
    import boto3  # only when S3 is chosen: loading it costs a fraction of a second
    from botocore.config import Config

    return boto3.session.Session().client(
        "s3",
        endpoint_url=config.get("S3_ENDPOINT_URL") or None,
        region_name=config.get("S3_REGION") or None,
        config=Config(retries={"mode": "standard"}, connect_timeout=5, read_timeout=60),
    )


def build_storage(config, backend: str | None = None, instance_path: str = "") -> Storage:
    """The store named by ``backend`` (default: ``DOCUMENT_STORAGE``) for ``config``."""
    backend = backend or config.get("DOCUMENT_STORAGE", "local")
    if backend == "s3":
        return S3Storage(s3_client(config), config["S3_BUCKET"], config.get("S3_PREFIX") or "")
    configured = config.get("DOCUMENT_STORAGE_PATH")
    root = Path(configured) if configured else Path(instance_path) / "documents"
    return LocalStorage(root.resolve())


# --- keeping files and rows together -------------------------------------------------------
#
# A file is saved before the row that names it is flushed, and deleted only after the
# transaction that removed its row has committed. So a row never names a missing file; a
# crash between the two steps can only leave a file without a row, which the consistency
# check finds. Within a request, a transaction that does not commit takes its new files
# with it.

_NEW = "storage_new"  # keys saved in the open transaction
_DISCARD = "storage_discard"  # keys to delete once the open transaction commits


def saved_in_transaction(key: str) -> None:
    """Delete the object under ``key`` unless the current transaction commits."""
    db.session.info.setdefault(_NEW, []).append((storage(), key))


def delete_after_commit(key: str) -> None:
    """Delete the object under ``key`` once the current transaction has committed."""
    db.session.info.setdefault(_DISCARD, []).append((storage(), key))


def _delete_all(entries) -> None:
    for store, key in entries or ():
        try:
            store.delete(key)
        except OSError:
            log.exception("could not delete a stored object; the consistency check will")


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    session.info.pop(_NEW, None)
    _delete_all(session.info.pop(_DISCARD, None))


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the whole transaction, not a savepoint
        _delete_all(session.info.pop(_NEW, None))
        session.info.pop(_DISCARD, None)


def init_app(app: Flask) -> None:
    app.extensions[_EXTENSION] = build_storage(app.config, instance_path=app.instance_path)

    @app.teardown_appcontext
    def _never_committed(exc):
        # Registered after Flask-SQLAlchemy, so this runs before its session is removed:
        # files saved by a transaction that neither committed nor rolled back go too.
        if db.session.registry.has():  # no session was opened: nothing was saved
            _delete_all(db.session.info.pop(_NEW, None))
            db.session.info.pop(_DISCARD, None)


def storage() -> Storage:
    return current_app.extensions[_EXTENSION]


def ready() -> bool:
    """Whether the storage can take files now (``/readyz``). A backend says so with its own
    ``ready()``; one without it is taken as ready."""
    check = getattr(storage(), "ready", None)
    return bool(check()) if check is not None else True
