"""The starter alert rules (docs/alerts.yml) load: each is complete, names only metrics the
portal exports (or Prometheus' own ``up``), and promtool accepts the file when installed."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "docs" / "alerts.yml"

EXPORTED = {  # every name /metrics gives (tests/metrics/test_metrics.py checks each)
    "portal_http_requests_total",
    "portal_http_request_duration_seconds_bucket",
    "portal_http_request_duration_seconds_count",
    "portal_http_request_duration_seconds_sum",
    "portal_rate_limit_refusals_total",
    "portal_metrics_database_up",
    "portal_outbox_messages",
    "portal_outbox_oldest_due_age_seconds",
    "portal_review_queue_size",
    "portal_review_queue_oldest_age_seconds",
    "portal_retention_last_success_timestamp_seconds",
    "portal_retention_last_run_deleted",
    "portal_privacy_request_clocks",
    "portal_breach_clocks",
}


def _rules() -> list[dict]:
    groups = yaml.safe_load(RULES.read_text())["groups"]
    return [rule for group in groups for rule in group["rules"]]


def test_every_rule_is_complete_and_names_exported_metrics():
    rules = _rules()
    assert rules
    for rule in rules:
        assert set(rule) == {"alert", "expr", "for", "labels", "annotations"}, rule["alert"]
        assert rule["labels"]["severity"] in {"page", "ticket"}
        assert {"summary", "description"} <= set(rule["annotations"])
        names = set(re.findall(r"\b(portal_[a-z_]+)", rule["expr"]))
        assert names, rule["alert"]
        assert names <= EXPORTED, (rule["alert"], names - EXPORTED)


def test_every_exported_metric_is_explained_in_the_operations_doc():
    page = (ROOT / "docs" / "operations.md").read_text()
    for name in EXPORTED:
        family = re.sub(r"_(bucket|count|sum)$", "", name)
        assert f"`{family}`" in page, family


@pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool is not installed")
def test_promtool_accepts_the_rules():
    result = subprocess.run(
        ["promtool", "check", "rules", str(RULES)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
