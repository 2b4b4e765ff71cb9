"""An S3 service on loopback for tests and benchmarks: moto's server mode, over real HTTP.

Only tests and benchmarks use it. In production the portal talks to a real S3 service (AWS
S3, MinIO, Ceph RGW...) named by ``PORTAL_S3_ENDPOINT_URL`` and the standard AWS variables.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

# Test credentials only: moto accepts any, and they keep boto3 from reading a developer's
# own AWS files or instance role.
TEST_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
}
REGION = "us-east-1"


@contextmanager
def moto_server() -> Iterator[str]:
    """Start moto's S3 server on a free loopback port; yields its endpoint URL."""
    from moto.server import ThreadedMotoServer

    saved = {name: os.environ.get(name) for name in TEST_ENVIRONMENT}
    os.environ.update(TEST_ENVIRONMENT)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        yield f"http://{host}:{port}"
    finally:
        server.stop()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def client(endpoint: str):
    import boto3

    return boto3.session.Session().client("s3", endpoint_url=endpoint, region_name=REGION)


def new_bucket(endpoint: str) -> str:
    """A fresh, empty bucket; returns its name."""
    name = f"portal-test-{secrets.token_hex(6)}"
    client(endpoint).create_bucket(Bucket=name)
    return name


def portal_config(endpoint: str, bucket: str, prefix: str = "documents/") -> dict:
    """The portal's settings for documents in ``bucket``."""
    return {
        "DOCUMENT_STORAGE": "s3",
        "S3_BUCKET": bucket,
        "S3_PREFIX": prefix,
        "S3_ENDPOINT_URL": endpoint,
        "S3_REGION": REGION,
    }
