"""``/metrics``: only for the addresses in ``METRICS_ALLOW`` or the bearer token in
``METRICS_TOKEN``; everyone else gets the same 404 as a page that does not exist."""

from __future__ import annotations

import hmac
import ipaddress
import os

from flask import Response, current_app, request, session
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    generate_latest,
    multiprocess,
)

from portal.errors import render_error
from portal.metrics import bp
from portal.metrics.collector import PortalCollector


def _from_allowed_address() -> bool:
    try:
        address = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return any(address in network for network in current_app.config["METRICS_ALLOW_NETWORKS"])


def _with_token() -> bool:
    token = current_app.config.get("METRICS_TOKEN")
    header = request.headers.get("Authorization", "")
    scheme, _, given = header.partition(" ")
    if not token or scheme.lower() != "bearer" or not given:
        return False
    return hmac.compare_digest(given.strip().encode(), str(token).encode())


def _exposition() -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        counted = CollectorRegistry()
        multiprocess.MultiProcessCollector(counted)  # every worker's counts, summed
    else:
        counted = REGISTRY  # this process's own, with its CPU and memory
    read = CollectorRegistry()
    read.register(PortalCollector())
    return generate_latest(counted) + generate_latest(read)


def _not_found():
    """The same page as any address that does not exist, but without the cookie that page's
    form token would start: a refused scraper is given nothing to keep."""
    page = render_error(404)
    session.pop("csrf_token", None)
    if not session:
        session.modified = False
    return page


@bp.get("/metrics")
def metrics():
    if not (_from_allowed_address() or _with_token()):
        return _not_found()
    return Response(_exposition(), content_type=CONTENT_TYPE_LATEST)
