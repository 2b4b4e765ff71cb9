"""Prometheus metrics at ``/metrics`` (issue 25): what operators watch and alert on.

Request counts and latencies are counted as requests finish (:mod:`.instruments`); the
queues, the outbox, the retention job's last run and the privacy clocks are read from the
database at scrape time through each room's services (:mod:`.collector`). Under gunicorn,
``PROMETHEUS_MULTIPROC_DIR`` makes every worker's counts one sum (prometheus-client's
multiprocess mode; ``gunicorn.conf.py`` marks dead workers). ``docs/operations.md`` says
what each metric means and which alerts to start with.
"""

from flask import Blueprint

bp = Blueprint("metrics", __name__)

from portal.metrics import instruments, views  # noqa: E402,F401  (routes attach themselves to bp)

bp.record_once(lambda state: instruments.init_app(state.app))
