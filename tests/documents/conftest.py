"""Fixtures for the documents tests: a logged-in seller, an upload helper, storage views."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import stream_encode_multipart

from portal.documents.models import Document, DocumentFile
from portal.extensions import db
from tests.support import PASSWORD, date_boxes, make_staff

FIELDS = {
    "profile_photo": ("/documents/profile-photo", "profile_photo-file"),
    "shop_photo": ("/documents/shop-photos", "shop_photo-file"),
    "identity": ("/documents/identity", "identity-file"),
    "bank_proof": ("/documents/bank-proof", "bank_proof-file"),
    "business_registration": ("/documents/business-registration", "business_registration-file"),
}

# Numbers that agree with the ``seller`` fixture (born 1 July 1988), for each type.
MYKAD = "880701-14-5678"
PASSPORT = {"number": "A12345678", "country": "MY", "expires_on": "2036-01-31"}


def number_fields(prefix: str, identity_type: str, **typed) -> dict:
    """The number fields as the page sends them; what is not given agrees with the seller."""
    if identity_type == "mykad":
        return {f"{prefix}-mykad_number": typed.get("mykad_number", MYKAD)}
    return {
        f"{prefix}-passport_number": typed.get("passport_number", PASSPORT["number"]),
        f"{prefix}-passport_country": typed.get("passport_country", PASSPORT["country"]),
        **date_boxes(
            f"{prefix}-passport_expires_on",
            typed.get("passport_expires_on", PASSPORT["expires_on"]),
        ),
    }


class Uploader:
    def __init__(self, client):
        self.client = client

    def __call__(
        self, kind: str, *files: tuple[bytes, str], identity_type="passport", extra=None, **typed
    ):
        """Sends ``files`` as ``kind``; an identity document with a number that agrees with
        the seller, unless ``typed`` says otherwise (``mykad_number="..."``...); ``extra``
        fields are sent as they are."""
        url, field = FIELDS[kind]
        fields = MultiDict([(field, FileStorage(io.BytesIO(c), n)) for c, n in files])
        if kind == "identity":
            fields.add("identity-identity_type", identity_type)
            for name, value in number_fields("identity", identity_type, **typed).items():
                fields.add(name, value)
        for name, value in (extra or {}).items():
            fields.add(name, value)
        # Encoded in memory: the test client's own encoding spills bodies over 500 KB into
        # a temporary file that it never closes.
        body, length, boundary = stream_encode_multipart(fields, use_tempfile=False)
        return self.client.post(
            url,
            input_stream=body,
            content_length=length,
            content_type=f'multipart/form-data; boundary="{boundary}"',
        )


@pytest.fixture
def upload(client, seller, auth) -> Uploader:
    """Uploads as the logged-in ``seller``."""
    auth.login()
    return Uploader(client)


@pytest.fixture
def stored(app):
    """Every file in document storage, partial ones too (paths relative to its root)."""
    root = Path(app.instance_path) / "documents"

    def listing() -> list[str]:
        if not root.exists():
            return []
        return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())

    return listing


@pytest.fixture
def counts(app):
    def count() -> tuple[int, int]:
        with app.app_context():
            documents = db.session.scalar(select(func.count()).select_from(Document))
            files = db.session.scalar(select(func.count()).select_from(DocumentFile))
            return documents, files

    return count


@pytest.fixture
def reviewer(app):
    with app.app_context():
        make_staff("reviewer@example.com", "reviewer")
    return {"email": "reviewer@example.com", "password": PASSWORD}


def files_of(app, kind: str, purpose: str | None = None) -> list[DocumentFile]:
    with app.app_context():
        query = select(DocumentFile).join(Document).where(Document.kind == kind)
        if purpose:
            query = query.where(DocumentFile.purpose == purpose)
        rows = db.session.scalars(query.order_by(DocumentFile.id)).all()
        db.session.expunge_all()
        return list(rows)
