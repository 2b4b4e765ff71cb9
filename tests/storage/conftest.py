"""An S3 server on loopback for the whole session (moto's server mode, real HTTP), and a
fresh bucket for each test."""

from __future__ import annotations

import pytest

from tests import objectstore
from tests.documents.conftest import reviewer, upload  # noqa: F401 (the documents' fixtures)


@pytest.fixture(scope="session")
def s3_endpoint():
    with objectstore.moto_server() as endpoint:
        yield endpoint


@pytest.fixture
def s3_bucket(s3_endpoint) -> str:
    return objectstore.new_bucket(s3_endpoint)


@pytest.fixture
def s3_client(s3_endpoint):
    return objectstore.client(s3_endpoint)
