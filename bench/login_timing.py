"""Login timing: does a failed log-in reveal whether the email has an account?

An attacker who can tell "no such account" from "wrong password" by how long the answer
takes can enumerate which emails are sellers, without any message ever saying so. The
portal guards against this in ``portal.auth.services.authenticate``: for an unknown email
it still checks the password against a dummy hash of the configured bcrypt cost
(``portal.security.burn_password_check``), so both failures do the same bcrypt work.

This benchmark measures that, end to end through ``POST /auth/login``, at production cost
(``BCRYPT_ROUNDS = 12``). Three cases, interleaved round by round (and the order within a
round rotated) so drift in the machine's speed falls on all of them alike:

* unknown email + some password (a fresh unknown address each round, as a prober would);
* known email + wrong password (always the same account, as a password guesser would);
* known email + right password, as a reference: the cost of a real bcrypt check plus a
  successful log-in, measured in the same run on the same machine.

The reference logs in to a second seller account, so that its successful log-ins do not
reset the failure count of the account being guessed. The guessed account therefore
reaches the lockout threshold (5 failures in 5 minutes) during the run, and the portal
queues one alert email to its owner. That work, like the failure count itself, exists only
for real accounts, so the portal does it after the answer has been sent
(``portal.deferred``). The benchmark times what a client sees, up to the last byte of the
answer, then closes the response untimed, which runs that deferred work, as a server does
once the answer is on the wire. The report says in which round the alert was queued.

Each request uses a fresh test client (no session, no device cookie). One untimed warm-up
round comes first: it builds the cached dummy hash, compiles the templates and fills the
SQLAlchemy caches. Rate limiting is off so the guesses are not refused.

The verdict compares median(unknown) / median(known, wrong password); the exit status is 1
if that ratio is outside [0.9, 1.1], so this can be used as a check. It is a benchmark,
not part of the test suite: run it with ``make bench`` or the command it prints.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

KNOWN_EMAIL = "known@example.com"
KNOWN_PASSWORD = "a-real-password-123"
REFERENCE_EMAIL = "reference@example.com"
REFERENCE_PASSWORD = "another-real-password-456"
WRONG_PASSWORD = "not-the-password-789"

UNKNOWN = "unknown email"
KNOWN_WRONG = "known email, wrong password"
KNOWN_RIGHT = "known email, right password"
CASES = (UNKNOWN, KNOWN_WRONG, KNOWN_RIGHT)

LOW, HIGH = 0.9, 1.1


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20, help="timed rounds (default 20)")
    parser.add_argument("--cost", type=int, default=12, help="bcrypt cost (default 12)")
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    if not 4 <= args.cost <= 31:
        parser.error("--cost must be between 4 and 31 (bcrypt's range)")
    return args


def build_app(instance: Path, cost: int):
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from flask_migrate import upgrade

    from portal import create_app
    from portal.auth.models import Role, User
    from portal.clock import utcnow
    from portal.extensions import db
    from portal.security import hash_password

    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(instance),
            "SECRET_KEY": "bench-" + "x" * 40,
            "BCRYPT_ROUNDS": cost,
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        upgrade()
        for email, password, name in (
            (KNOWN_EMAIL, KNOWN_PASSWORD, "Bench Seller"),
            (REFERENCE_EMAIL, REFERENCE_PASSWORD, "Bench Reference Seller"),
        ):
            db.session.add(
                User(
                    email=email,
                    password_hash=hash_password(password),
                    role=Role.SELLER,
                    email_verified_at=utcnow(),
                    full_name=name,
                )
            )
        db.session.commit()
    return app


def form_for(case: str, round_no: int) -> dict[str, str]:
    if case == UNKNOWN:
        return {"email": f"unknown-{round_no}@example.com", "password": WRONG_PASSWORD}
    if case == KNOWN_WRONG:
        return {"email": KNOWN_EMAIL, "password": WRONG_PASSWORD}
    return {"email": REFERENCE_EMAIL, "password": REFERENCE_PASSWORD}


def alerts_queued(app) -> int:
    from portal.extensions import db
    from portal.outbox.models import OutboxMessage

    with app.app_context():
        return db.session.query(OutboxMessage).filter_by(kind="login_locked").count()


def timed_login(app, case: str, round_no: int) -> float:
    """One log-in with a fresh client; seconds taken. Refuses to time the wrong outcome."""
    client = app.test_client()
    form = form_for(case, round_no)
    start = time.perf_counter()
    response = client.post("/auth/login", data=form)
    response.get_data()  # the whole answer, as the client receives it
    elapsed = time.perf_counter() - start
    response.close()  # post-response work (failure count, alert) runs now, untimed
    expected = 302 if case == KNOWN_RIGHT else 200
    if response.status_code != expected:
        raise SystemExit(
            f"{case}: expected HTTP {expected}, got {response.status_code}; not measuring that"
        )
    return elapsed


def run(app, rounds: int) -> tuple[dict[str, list[float]], list[tuple[int, float]]]:
    times: dict[str, list[float]] = {case: [] for case in CASES}
    alerts: list[tuple[int, float]] = []  # (round, ms) of each request that queued an alert
    seen = alerts_queued(app)
    for round_no in range(rounds + 1):  # round 0 is the warm-up
        shift = round_no % len(CASES)
        for case in CASES[shift:] + CASES[:shift]:
            elapsed = timed_login(app, case, round_no)
            if case == KNOWN_WRONG:
                now = alerts_queued(app)
                if now > seen:
                    alerts.append((round_no, elapsed * 1000))
                    seen = now
            if round_no > 0:
                times[case].append(elapsed * 1000)
    return times, alerts


def p90(values: list[float]) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=10, method="inclusive")[-1]


def report(times: dict[str, list[float]], alerts: list[tuple[int, float]], args) -> int:
    print(
        f"Login timing, POST /auth/login, bcrypt cost {args.cost}, "
        f"{args.rounds} interleaved rounds (+1 untimed warm-up)"
    )
    print()
    width = max(len(case) for case in CASES)
    print(f"{'case':<{width}}  {'median':>8}  {'p90':>8}  {'min':>8}  {'max':>8}   (ms)")
    for case in CASES:
        values = times[case]
        print(
            f"{case:<{width}}  {statistics.median(values):8.1f}  {p90(values):8.1f}"
            f"  {min(values):8.1f}  {max(values):8.1f}"
        )
    print()

    ratio = statistics.median(times[UNKNOWN]) / statistics.median(times[KNOWN_WRONG])
    ok = LOW <= ratio <= HIGH
    if ok:
        verdict = "within ±10%: no timing signal"
    else:
        faster = "faster" if ratio < 1 else "slower"
        verdict = f"outside ±10%: TIMING SIGNAL, unknown emails answer {faster}"
    print(f"ratio median(unknown) / median(known, wrong) = {ratio:.3f} — {verdict}")

    if alerts:
        for round_no, ms in alerts:
            when = "the warm-up round" if round_no == 0 else f"timed round {round_no}"
            print(
                f"lockout alert: queued once for {KNOWN_EMAIL}, by its failure in {when} "
                f"(that answer took {ms:.1f} ms; the alert itself ran after it)"
            )
    else:
        print("lockout alert: none queued in this run")
    print()
    print(
        f"machine: Python {platform.python_version()}, os.cpu_count() = {os.cpu_count()}, "
        f"{platform.system()} {platform.machine()}; run on {date.today().isoformat()}"
    )
    print(
        f"reproduce: {python_command()} bench/login_timing.py --rounds {args.rounds} --cost {args.cost}"
    )
    return 0 if ok else 1


def python_command() -> str:
    executable = Path(sys.executable)
    try:
        return str(executable.relative_to(ROOT))
    except ValueError:
        return str(executable)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="login-timing-") as tmp:
        app = build_app(Path(tmp) / "instance", args.cost)
        times, alerts = run(app, args.rounds)
        return report(times, alerts, args)


if __name__ == "__main__":
    sys.exit(main())
