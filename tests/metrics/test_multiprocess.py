"""/metrics under gunicorn with two workers (``PROMETHEUS_MULTIPROC_DIR``): whichever worker
answers the scrape, it reports the requests both workers answered."""

from __future__ import annotations

import os
import socket
import urllib.request
from urllib.parse import urlsplit

from prometheus_client.parser import text_string_to_metric_families

from tests import servers

PAGES = 5


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (loopback)
        return response.read().decode()


def _count(text: str, endpoint: str) -> float:
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "portal_http_requests_total" and sample.labels["endpoint"] == endpoint
    )


def test_both_workers_requests_are_summed(tmp_path):
    env = {
        "PORTAL_ENVIRONMENT": "development",
        "PORTAL_INSTANCE_PATH": str(tmp_path / "instance"),
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
    }
    servers.migrate({**os.environ, **env})
    with servers.gunicorn(env, tmp_path / "gunicorn.log", workers=2) as server:
        address = urlsplit(server.base)
        # A sync worker serves one connection at a time: a request whose headers have not
        # all arrived keeps the first worker busy, so the other worker answers the rest.
        held = socket.create_connection((address.hostname, address.port), timeout=10)
        try:
            held.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            for _ in range(PAGES):
                _get(f"{server.base}/auth/login")
            held.sendall(b"Connection: close\r\n\r\n")
            assert held.recv(100).startswith(b"HTTP/1.1 200")
        finally:
            held.close()
        text = _get(f"{server.base}/metrics")
    assert (_count(text, "main.index"), _count(text, "auth.login")) == (1, PAGES)
