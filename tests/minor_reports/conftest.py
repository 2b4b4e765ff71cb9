"""Fixtures shared with the documents tests: the storage listing."""

from tests.documents.conftest import stored  # noqa: F401
