"""What is read from the database at scrape time, through each room's services: the
outbox, the review queues, the retention job's last run, the privacy clocks. Gauges, so
every web process reports the same figures (in multiprocess mode they are not summed:
this collector is added to the scrape's own registry, not written to the shared files)."""

from __future__ import annotations

import logging
from datetime import datetime

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from portal.breaches import services as breaches
from portal.clock import utcnow
from portal.documents import review as documents
from portal.extensions import db
from portal.minor_reports import review as minor_reports
from portal.outbox import monitor as outbox
from portal.requests import services as requests
from portal.retention import job as retention

log = logging.getLogger(__name__)


def _age(since: datetime | None, now: datetime) -> float:
    return max((now - since).total_seconds(), 0.0) if since else 0.0


class PortalCollector(Collector):
    """Called within the app context of the scrape's request."""

    def collect(self):
        up = GaugeMetricFamily(
            "portal_metrics_database_up", "1 when the scrape could read the database."
        )
        try:
            found = list(self._read(utcnow()))
        except Exception:
            db.session.rollback()
            log.exception("metrics: the database could not be read")
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from found

    def _read(self, now: datetime):
        counts = outbox.counts()
        messages = GaugeMetricFamily(
            "portal_outbox_messages",
            "Outbox messages by state: due (to send now), retrying (waiting after a "
            "temporary failure), failed (gave up; staff may retry).",
            labels=["state"],
        )
        messages.add_metric(["due"], counts.due)
        messages.add_metric(["retrying"], counts.waiting)
        messages.add_metric(["failed"], counts.failed)
        yield messages
        yield GaugeMetricFamily(
            "portal_outbox_oldest_due_age_seconds",
            "How long the oldest message due now has waited (0: none due).",
            value=_age(outbox.oldest_due(), now),
        )

        size = GaugeMetricFamily(
            "portal_review_queue_size", "Items waiting for staff, by queue.", labels=["queue"]
        )
        oldest = GaugeMetricFamily(
            "portal_review_queue_oldest_age_seconds",
            "How long the longest-waiting item has waited, by queue (0: empty).",
            labels=["queue"],
        )
        for name, summary in (
            ("documents", documents.queue_summary()),
            ("minor_reports", minor_reports.queue_summary()),
        ):
            size.add_metric([name], summary.count)
            oldest.add_metric([name], _age(summary.oldest, now))
        yield size
        yield oldest

        last = retention.last_run()
        yield GaugeMetricFamily(
            "portal_retention_last_success_timestamp_seconds",
            "When the last retention run (not a dry run) finished, Unix time (0: never).",
            value=last.finished_at.timestamp() if last else 0,
        )
        deleted = GaugeMetricFamily(
            "portal_retention_last_run_deleted",
            "What the last retention run deleted, by rule (accounts for account rules, "
            "rows for the others).",
            labels=["rule"],
        )
        for rule, count in sorted((last.counts if last else {}).items()):
            deleted.add_metric([rule], count)
        yield deleted

        request_clocks = requests.open_clocks(now)
        yield _clocks(
            "portal_privacy_request_clocks",
            "Open data-subject requests (PDPA 21 + 14 days): open, and overdue.",
            len(request_clocks),
            sum(clock.overdue for clock in request_clocks),
        )
        breach_clocks = breaches.open_clocks()
        yield _clocks(
            "portal_breach_clocks",
            "Running breach clocks (72-hour notice, 30-day follow-up): open, and overdue.",
            len(breach_clocks),
            sum(clock.overdue(now) for clock in breach_clocks),
        )


def _clocks(name: str, documentation: str, running: int, overdue: int) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, documentation, labels=["state"])
    family.add_metric(["open"], running)
    family.add_metric(["overdue"], overdue)
    return family
