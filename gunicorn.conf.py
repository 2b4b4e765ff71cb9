"""gunicorn settings for the portal. ``make serve`` runs them; in production:

    export PORTAL_ENVIRONMENT=production PORTAL_PUBLIC_URL=https://sellers.koopseri.com
    .venv/bin/gunicorn -c gunicorn.conf.py wsgi:app

(with the keys and the rest of the settings in the README). Requests for a Host other than
PUBLIC_URL's get 400 (TRUSTED_HOSTS), so the proxy in front must pass the browser's Host on.

Every value can be changed with an environment variable (``PORTAL_BIND``, ``PORTAL_WORKERS``,
``PORTAL_THREADS``, ``PORTAL_TIMEOUT``). Client addresses and the scheme behind a proxy are
read by the portal's ProxyFix, set with ``PORTAL_PROXY_FIX_X_FOR`` / ``_X_PROTO`` (the
number of proxies in front); gunicorn itself is told to trust none, so there is one place
that decides.
"""

import multiprocessing
import os

from portal.serving import ACCESS_LOG_FORMAT

bind = os.environ.get("PORTAL_BIND", "127.0.0.1:8000")
# Synchronous workers: two per core, plus one; each holds one database connection.
workers = int(os.environ.get("PORTAL_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("PORTAL_THREADS", "1"))
timeout = int(os.environ.get("PORTAL_TIMEOUT", "30"))  # a request over this is killed
graceful_timeout = 30  # on SIGTERM, requests under way may finish
keepalive = 5
max_requests = 5000  # a worker is replaced after this many requests (and jitter)
max_requests_jitter = 500
# Uploads are streamed to disk by the portal, which reads the body itself.
limit_request_line = 8190

# gunicorn's control socket is one path per user (~/.gunicorn/gunicorn.ctl), which several
# servers on one host (tests, benchmarks, a second instance) would fight over. Nothing uses it.
control_socket_disable = True

forwarded_allow_ips = ""  # ProxyFix in the portal decides which forwarded headers to trust
proxy_allow_ips = ""

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("PORTAL_GUNICORN_LOG_LEVEL", "info")
logger_class = "portal.serving.PortalLogger"
access_log_format = ACCESS_LOG_FORMAT

raw_env = [f"PORTAL_LOG_FORMAT={os.environ.get('PORTAL_LOG_FORMAT', 'json')}"]


# Prometheus' multiprocess mode (portal.metrics): with PROMETHEUS_MULTIPROC_DIR set, each
# worker writes its counts to files there and /metrics sums them. The folder is emptied
# when the server starts (counts from a previous run would be summed in), and a worker
# that exits is marked dead so its live gauges stop counting.
def on_starting(server):
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if folder:
        os.makedirs(folder, exist_ok=True)
        for name in os.listdir(folder):
            if name.endswith(".db"):
                os.remove(os.path.join(folder, name))


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
