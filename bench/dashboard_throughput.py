"""Dashboard throughput: the portal's dashboard under gunicorn, against a minimal Flask app.

``GET /dashboard`` is the page every seller lands on after logging in. This benchmark serves
it as in production, under gunicorn with the repository's ``gunicorn.conf.py`` (synchronous
workers, JSON access log), and loads it with wrk, side by side in the same run with a
reference: ``bench/reference_app.py``, a minimal Flask app (no portal code) doing a
dashboard's work once each: the user from a signed session cookie with one query, a list of
five rows with one query, one template of about the same size (5 KB). Both servers run with
the same settings: ``--workers`` workers each (``PORTAL_WORKERS``), the same configuration
file and access log, ``--max-requests 0`` (so that no worker restarts in the middle of a
round: that would time start-up, not the page) and no control socket.

The portal gets a throwaway instance folder: its schema by ``flask --app wsgi db upgrade``
and the demo seller by ``flask --app wsgi demo load`` (a full profile, photographs, an
identity document waiting for review). This process logs in as that seller over HTTP, as a
browser does (CSRF token from the form, ``POST /auth/login``, cookies kept), opens the
dashboard once (the page adds a CSRF token to the session, so the browser's cookie changes
once), and checks that the next opening answers 200 with the seller's dashboard. That cookie
is then sent with every request of the load. The reference's cookie is signed with its own
key (``session_cookie``), for a seller of the same name among 20 sellers of 50 orders each.

The load: wrk, ``--connections`` connections on one thread. ``bench/wrk_dashboard.lua``
counts as wrong every response that is not a 200 holding the seller's name (a redirect to
the log-in page is wrong), and prints the figures as JSON. First ``--warmup`` seconds of
each app (unmeasured), then ``--rounds`` rounds of ``--duration`` seconds of each, the two
apps alternating, the order swapped every round. For each app it prints the requests per
second of every round and their median, the median p50 and p99 latency of the rounds, and
the CPU time the server's workers spent per request (from /proc, which other work on the
machine inflates less than it does the time). The figure is the ratio of the median
requests per second, portal / reference; the ratio of the CPU times per request follows it,
steadier when other work shares the machine. Without wrk (``apt-get install wrk``), or with ``--load python``, the
load comes from Python processes (one per connection), slower and noisier: the ratio holds,
the absolute figures do not compare with wrk's.

The exit status is 1 if any response was wrong or failed (socket errors and timeouts too),
or if the ratio is under ``--min-ratio`` (0.70: issue 20's target on SQLite; it asks for
0.60 on PostgreSQL). Linux only (/proc); about 45 s at the defaults on a 2-core machine.

    .venv/bin/python bench/dashboard_throughput.py

``--database-url postgresql+psycopg://…/portal_bench_dashboard`` runs both on PostgreSQL;
that database is dropped and created again, and dropped at the end, so give it one of its
own.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from html import unescape
from http.cookies import SimpleCookie
from pathlib import Path
from statistics import median
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.procstat import machine_line  # noqa: E402
from bench.steps import recreate_database, run_step  # noqa: E402

LUA = Path(__file__).resolve().parent / "wrk_dashboard.lua"
TICK = os.sysconf("SC_CLK_TCK")
# The demo seller (portal/cli/demo.py); the reference's seller has the same name.
SELLER_EMAIL = "seller@example.com"
SELLER_PASSWORD = "koopseri-demo-seller"  # noqa: S105 (the demo's, printed by `demo load`)
SELLER_NAME = "Nur Aisyah binti Ahmad"
GUNICORN_OPTIONS = ["--max-requests", "0", "--no-control-socket"]


# --- the two servers -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen
    cookie: str = ""
    page_bytes: int = 0
    sets_cookie: bool = False
    warmup: dict = field(default_factory=dict)
    rounds: list[dict] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/dashboard"

    def workers(self) -> list[int]:
        pid = self.process.pid
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]

    def cpu_seconds(self) -> float:
        """User and system CPU time of the workers so far."""
        total = 0.0
        for pid in self.workers():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / TICK
        return total


def start_gunicorn(name: str, app: str, env: dict, log: Path, workers: int) -> Server:
    """gunicorn with the repository's configuration, once every worker is up and answers."""
    port = free_port()
    argv = [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", *GUNICORN_OPTIONS, app]
    with open(log, "ab") as out:
        process = subprocess.Popen(
            argv, cwd=ROOT, env={**env, "PORTAL_BIND": f"127.0.0.1:{port}"},
            stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    server = Server(name, port, process)
    deadline = time.monotonic() + 60
    while True:
        try:
            if get(port, "/dashboard")[0] and len(server.workers()) == workers:
                return server
        except OSError:
            pass
        if time.monotonic() > deadline or process.poll() is not None:
            process.kill()
            raise SystemExit(f"{name} did not start under gunicorn:\n{log.read_text()[-3000:]}")
        time.sleep(0.2)


def stop(server: Server) -> None:
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


# --- a browser's worth of HTTP ---------------------------------------------------------------------


def get(port: int, path: str, cookies: dict | None = None, body=None, headers=None):
    """One request on its own connection: (status, headers, text); cookies set are kept."""
    headers = dict(headers or {})
    if cookies:
        headers["Cookie"] = cookie_header(cookies)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("POST" if body is not None else "GET", path, body, headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
    finally:
        connection.close()
    if cookies is not None:
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                cookies[name] = morsel.value
    return response.status, response.headers, text


def cookie_header(cookies: dict) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def log_in(server: Server) -> dict:
    """The demo seller's cookies after logging in through the form, as a browser would."""
    cookies: dict[str, str] = {}
    status, _, html = get(server.port, "/auth/login", cookies)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]*)"', html)
    if status != 200 or not token:
        raise SystemExit(f"GET /auth/login: {status}, no CSRF token")
    fields = {"csrf_token": unescape(token.group(1)), "email": SELLER_EMAIL}
    fields["password"] = SELLER_PASSWORD
    status, headers, _ = get(
        server.port, "/auth/login", cookies, body=urlencode(fields),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )  # fmt: skip
    if status != 302 or "/auth/login" in headers.get("Location", ""):
        raise SystemExit(f"could not log in as the demo seller ({status})")
    return cookies


def check_page(server: Server, cookies: dict) -> None:
    """Open the dashboard twice as a browser would; the second time it must be the seller's
    own dashboard, a 200 and no redirect. Keeps the cookie the load will send."""
    get(server.port, "/dashboard", cookies)
    status, headers, html = get(server.port, "/dashboard", cookies)
    if status != 200 or SELLER_NAME not in html or 'action="/auth/login"' in html:
        where = headers.get("Location", "")
        raise SystemExit(f"{server.name}: GET /dashboard is not the seller's ({status} {where})")
    server.cookie = cookie_header(cookies)
    server.page_bytes = len(html.encode())
    server.sets_cookie = bool(headers.get_all("Set-Cookie"))


# --- the load ----------------------------------------------------------------------------------------


def wrk_load(server: Server, connections: int, seconds: float) -> dict:
    argv = [
        "wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s", "--timeout", "10s",
        "-s", str(LUA), "-H", f"Cookie: {server.cookie}", server.url, "--", SELLER_NAME,
    ]  # fmt: skip
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode or not lines:
        raise SystemExit(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    result = json.loads(lines[-1])
    result["errors"] = sum(result["errors"].values())
    return result


def _python_client(port: int, cookie: str, until: float, out) -> None:
    """One connection's worth of load: requests one after the other until ``until``."""
    times, wrong, errors, first = [], 0, 0, ""
    marker = SELLER_NAME.encode()
    while (started := time.perf_counter()) < until:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connection.request("GET", "/dashboard", headers={"Cookie": cookie})
            response = connection.getresponse()
            body = response.read()
            connection.close()
        except OSError:
            errors += 1
            continue
        times.append(time.perf_counter() - started)
        if response.status != 200 or marker not in body:
            wrong += 1
            first = first or f"{response.status} {response.getheader('Location', '')}"
    out.put((times, wrong, errors, first))


def python_load(server: Server, connections: int, seconds: float) -> dict:
    """wrk's figures from ``connections`` Python processes (when wrk is not installed)."""
    context = multiprocessing.get_context("fork")
    out = context.Queue()
    started = time.perf_counter()
    until = started + seconds
    clients = [
        context.Process(target=_python_client, args=(server.port, server.cookie, until, out))
        for _ in range(connections)
    ]
    for client in clients:
        client.start()
    parts = [out.get() for _ in clients]
    for client in clients:
        client.join()
    elapsed = time.perf_counter() - started
    times = sorted(t for part in parts for t in part[0])
    if not times:
        raise SystemExit(f"{server.name}: no response at all")

    def percentile(q: float) -> float:
        return times[min(len(times) - 1, int(q * len(times)))] * 1000

    return {
        "requests": len(times),
        "seconds": elapsed,
        "wrong": sum(part[1] for part in parts),
        "first_wrong": next((part[3] for part in parts if part[3]), ""),
        "errors": sum(part[2] for part in parts),
        "p50_ms": percentile(0.50),
        "p90_ms": percentile(0.90),
        "p99_ms": percentile(0.99),
        "max_ms": times[-1] * 1000,
    }


def measure(server: Server, load, connections: int, seconds: float, record: bool) -> dict:
    cpu = server.cpu_seconds()
    result = load(server, connections, seconds)
    result["cpu_ms"] = (server.cpu_seconds() - cpu) * 1000 / max(result["requests"], 1)
    result["rps"] = result["requests"] / result["seconds"]
    if record:
        server.rounds.append(result)
    else:
        server.warmup = result
    return result


# --- the run -----------------------------------------------------------------------------------------


def prepare(work: Path, args) -> tuple[dict, dict]:
    """The portal's instance (schema, demo seller) and the reference's database; returns
    the environment of each server."""
    from bench import reference_app

    instance = work / "instance"
    base = {**os.environ, "PORTAL_WORKERS": str(args.workers)}
    portal_env = {
        **base,
        "PORTAL_ENVIRONMENT": "development",
        "PORTAL_INSTANCE_PATH": str(instance),
    }
    reference_url = f"sqlite:///{work / 'reference.sqlite3'}"
    if args.database_url:
        recreate_database(args.database_url)
        portal_env["PORTAL_SQLALCHEMY_DATABASE_URI"] = args.database_url
        reference_url = args.database_url
    log = work / "prepare.log"
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    run_step([*flask, "db", "upgrade"], portal_env, log)
    run_step([*flask, "demo", "load"], portal_env, log)
    reference_env = {
        **base,
        "REFERENCE_SECRET_KEY": secrets.token_hex(32),
        "REFERENCE_DATABASE_URL": reference_url,
    }
    reference = reference_app.create_app(
        {
            "SECRET_KEY": reference_env["REFERENCE_SECRET_KEY"],
            "SQLALCHEMY_DATABASE_URI": reference_url,
        }
    )
    seller_id = reference_app.fill(reference, name=SELLER_NAME)
    reference_env["REFERENCE_COOKIE"] = reference_app.session_cookie(reference, seller_id)
    return portal_env, reference_env


def report(args, servers: list[Server], load_name: str, database: str) -> bool:
    portal, reference = servers
    rounds_head = " ".join(f"{f'round {n + 1}':>8}" for n in range(args.rounds))
    print(
        f"Dashboard throughput: GET /dashboard under gunicorn (gunicorn.conf.py, {args.workers} "
        f"sync workers each, access log on), {database}"
    )
    print(
        f"load: {load_name}, {args.connections} connections, {args.warmup:g} s of warm-up, then "
        f"{args.rounds} rounds of {args.duration:g} s of each app, alternating"
    )
    print()
    print("requests per second in each round and their median; latency and the workers' CPU")
    print("time per request: medians of the rounds")
    print(
        f"{'app':<10} {'bytes':>6} {rounds_head} {'median':>8} {'p50 ms':>7} {'p99 ms':>7} "
        f"{'CPU ms':>7}"
    )
    for server in servers:
        rps = [r["rps"] for r in server.rounds]
        print(
            f"{server.name:<10} {server.page_bytes:>6,} "
            + " ".join(f"{x:>8.0f}" for x in rps)
            + f" {median(rps):>8.0f} {median(r['p50_ms'] for r in server.rounds):>7.2f} "
            f"{median(r['p99_ms'] for r in server.rounds):>7.2f} "
            f"{median(r['cpu_ms'] for r in server.rounds):>7.2f}"
        )
    ratio = median([r["rps"] for r in portal.rounds]) / median([r["rps"] for r in reference.rounds])
    cpu_ratio = median([r["cpu_ms"] for r in reference.rounds]) / median(
        [r["cpu_ms"] for r in portal.rounds]
    )
    print()
    print(
        f"ratio portal / reference, median requests per second: {ratio:.2f} "
        f"(target: at least {args.min_ratio:.2f})"
    )
    print(f"the same from the CPU time per request, reference / portal: {cpu_ratio:.2f}")
    failed = False
    for server in servers:
        runs = [server.warmup, *server.rounds]
        total = sum(r["requests"] for r in runs)
        wrong = sum(r["wrong"] for r in runs)
        errors = sum(r["errors"] for r in runs)
        cookie = ", the response sets a cookie every time" if server.sets_cookie else ""
        print(
            f"{server.name}: {total:,} responses (warm-up included), {wrong} not a 200 with the "
            f"seller's dashboard, {errors} socket errors or timeouts{cookie}"
        )
        if wrong or errors:
            first = next((r["first_wrong"] for r in runs if r["first_wrong"]), "")
            print(f"FAIL: {server.name} answered {wrong} wrong ({first}), {errors} failed")
            failed = True
    if ratio < args.min_ratio:
        print(
            f"FAIL: the portal's dashboard serves {ratio:.2f} times the requests per second of "
            f"the reference, under {args.min_ratio:.2f}"
        )
        failed = True
    return failed


def command(args) -> str:
    parts = [
        ".venv/bin/python bench/dashboard_throughput.py",
        f"--workers {args.workers} --connections {args.connections}",
        f"--warmup {args.warmup:g} --duration {args.duration:g} --rounds {args.rounds}",
    ]
    if args.load == "python":
        parts.append("--load python")
    if args.database_url:
        parts.append("--database-url URL")
    return " ".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers, each app")
    parser.add_argument("--connections", type=int, default=4, help="open at once, each app")
    parser.add_argument("--warmup", type=float, default=3, help="seconds, each app, unmeasured")
    parser.add_argument("--duration", type=float, default=5, help="seconds of a round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--min-ratio", type=float, default=0.70)
    parser.add_argument("--load", choices=("wrk", "python"), help="default: wrk if installed")
    parser.add_argument("--database-url", help="PostgreSQL URL (that database is dropped!)")
    args = parser.parse_args()
    if not Path("/proc/self/stat").exists():
        raise SystemExit("needs Linux: the workers' CPU time is read from /proc")
    wrk = shutil.which("wrk")
    args.load = args.load or ("wrk" if wrk else "python")
    if args.load == "wrk" and not wrk:
        raise SystemExit("wrk is not installed: apt-get install wrk (or --load python)")
    if args.load == "wrk":
        version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split()
        name = version[1].removeprefix("debian/") if len(version) > 1 else ""
        load, load_name = wrk_load, f"wrk {name}, 1 thread"
    else:
        load, load_name = python_load, "Python processes, one per connection (wrk not used)"
        if not wrk:
            print("wrk is not installed (apt-get install wrk): the load comes from Python\n")
    machine = os.getloadavg()[0]
    database = "PostgreSQL" if args.database_url else "SQLite"

    with tempfile.TemporaryDirectory(prefix="portal-bench-dashboard-") as tmp:
        work = Path(tmp)
        portal_env, reference_env = prepare(work, args)
        servers: list[Server] = []
        try:
            servers.append(
                start_gunicorn("portal", "wsgi:app", portal_env, work / "portal.log", args.workers)
            )
            servers.append(
                start_gunicorn(
                    "reference", "bench.reference_app:create_app()", reference_env,
                    work / "reference.log", args.workers,
                )
            )  # fmt: skip
            portal, reference = servers
            check_page(portal, log_in(portal))
            check_page(reference, {"reference_session": reference_env["REFERENCE_COOKIE"]})
            for server in servers:
                measure(server, load, args.connections, args.warmup, record=False)
            for n in range(args.rounds):
                for server in servers if n % 2 == 0 else servers[::-1]:
                    measure(server, load, args.connections, args.duration, record=True)
        except BaseException:
            for name in ("prepare.log", "portal.log", "reference.log"):
                if (work / name).exists():
                    print(f"--- {name}\n{(work / name).read_text()[-2000:]}", file=sys.stderr)
            raise
        finally:
            for server in servers:
                stop(server)
            if args.database_url:
                recreate_database(args.database_url, create=False)
        failed = report(args, servers, load_name, database)
    print(machine_line(machine))
    print(f"command: {command(args)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
