"""The counters kept as requests finish: by the Flask endpoint's name and the status, never
the raw path (no ids, no personal data in a label), and the rate limits' refusals."""

from __future__ import annotations

import time

from flask import Flask, g, request
from prometheus_client import Counter, Histogram

from portal import events

REQUESTS = Counter(
    "portal_http_requests_total",
    "Requests answered, by Flask endpoint, method and status.",
    ["endpoint", "method", "status"],
)
LATENCY = Histogram(
    "portal_http_request_duration_seconds",
    "Time from the first request hook to the response, by Flask endpoint and status.",
    ["endpoint", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
RATE_LIMITED = Counter(
    "portal_rate_limit_refusals_total",
    "Requests refused by a rate limit: answered 429 (response) or refused without telling "
    "the client (silent, e.g. a reset email not sent).",
    ["endpoint", "kind"],
)

NO_ENDPOINT = "none"  # a request that matched no route (404, 405)


def _endpoint() -> str:
    return request.endpoint or NO_ENDPOINT


def init_app(app: Flask) -> None:
    @app.before_request
    def _start_clock():
        g.metrics_started = time.perf_counter()

    @app.after_request
    def _count(response):
        endpoint, status = _endpoint(), str(response.status_code)
        REQUESTS.labels(endpoint, request.method, status).inc()
        started = g.get("metrics_started")
        if started is not None:
            LATENCY.labels(endpoint, status).observe(time.perf_counter() - started)
        if response.status_code == 429:
            RATE_LIMITED.labels(endpoint, "response").inc()
        return response

    events.rate_limit_refused.connect(_silent_refusal, weak=False)


def _silent_refusal(sender, **extra) -> None:
    RATE_LIMITED.labels(_endpoint() if request else NO_ENDPOINT, "silent").inc()
