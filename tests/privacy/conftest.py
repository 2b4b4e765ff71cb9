"""The privacy operations tests share the breach tests' staff."""

from tests.breaches.conftest import staff  # noqa: F401
