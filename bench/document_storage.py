"""Where a benchmark's portal processes keep documents: ``--storage local|s3``.

``local`` is the instance folder, as in the tests. ``s3`` is a fresh bucket on moto's S3
server on loopback (:func:`tests.objectstore.moto_server`), run in the benchmark's own
process, the client: moto keeps every object in memory, and that memory must not be counted
as the portal's. The portal's processes are pointed at the bucket through the environment
(``PORTAL_DOCUMENT_STORAGE=s3``, ``PORTAL_S3_*`` and the test AWS credentials), as an
operator would point production at a real service.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Iterator
from contextlib import contextmanager

from tests import objectstore

CHOICES = ("local", "s3")


def add_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--storage",
        choices=CHOICES,
        default="local",
        help="where the portal keeps documents: the instance folder, or S3 (moto on loopback)",
    )


@contextmanager
def portal_environment(storage: str) -> Iterator[dict[str, str]]:
    """The environment variables that give a portal process the documents' store named by
    ``storage``, which lasts as long as the context; none for ``local``."""
    if storage == "local":
        yield {}
        return
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto's log of every request
    with objectstore.moto_server() as endpoint:
        settings = objectstore.portal_config(endpoint, objectstore.new_bucket(endpoint))
        yield objectstore.TEST_ENVIRONMENT | {f"PORTAL_{k}": v for k, v in settings.items()}


def described(storage: str) -> str:
    """How the benchmarks' headings name the store."""
    if storage == "local":
        return "documents in the instance folder"
    return "documents in S3 (moto's server on loopback, in the client's process)"
