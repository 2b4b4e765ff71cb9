"""The app-wide request gates: what every request passes before its view, in one ordered list.

Each gate looks at who is asking and what they ask for, and either lets the request through
(``None``) or answers it instead, most often with a redirect. They run in this order, once
per request, after the extensions' own checks (request id, host, CSRF, rate limits) and
before each blueprint's own guard (``sellers_only``, the back office's staff-only guard):

1. **session** — the login session and its account, with everything the gates and the page
   around every view need about that account, in one SQL statement
   (:func:`portal.auth.sessions.load_with`). First, because every other gate asks who it
   is, and because loading may end an expired session or touch it, and commit.
2. **staff two-factor** — a member of staff without two-factor log-in is sent to set it up.
3. **closed account** — a closed account sees only its deletion date and what it may still do.
4. **policy acceptance** — a seller is sent to accept a policy version that came into effect
   since they last accepted one.

Gates 2 to 4 concern people who never meet two of them at once (staff; closed sellers;
sellers whose account is open), so their order is for reading, not for the outcome. Each
has its exempt list: the endpoints it does not apply to.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.auth import sessions, states
from portal.auth.twofactor import STAFF_BEFORE_TWO_FACTOR
from portal.notifications import services as notifications
from portal.policy import services as policy

# What a closed account may still reach: its page and the way back, its data, the public
# pages, and logging out (the policy blueprint too, below).
CLOSED_ALLOWED = frozenset(
    {
        "static",
        "auth.logout",
        "auth.confirm",  # the password again, before downloading their data
        "main.healthz",
        "main.index",
        "account.closed",
        "account.reactivate",
        "account.export",
        "account.access_log",
        "retention.index",
        "sharing.third_parties",
        "minor_reports.report_minor",
        # A closed account's owner may still make a privacy request, from the public form.
        "requests.public",
        "requests.public_send",
        "requests.public_confirm",
        "requests.copy",
    }
)

# What a seller may still do while a new version waits for their acceptance: read the
# policies (the policy blueprint, below), log out, download their data, terminate their
# account, and stop an email change they did not ask for. Everything else is sent to the
# acceptance page.
POLICY_EXEMPT = frozenset(
    {
        "static",
        "auth.logout",
        "main.healthz",
        "main.index",
        "account.export",
        "account.terminate",
        "profile.cancel_email_change",
        "profile.email_change_cancelled",
        # A data subject's rights do not wait for them to accept a new policy.
        "requests.mine",
        "requests.mine_send",
        "requests.mine_one",
        "requests.public",
        "requests.public_send",
        "requests.public_confirm",
        "requests.copy",
    }
)


# What load balancers and Prometheus ask for: no session is loaded for them and no gate
# applies, so they set no cookie and touch no account (the metrics answer only whom
# METRICS_ALLOW or METRICS_TOKEN lets in).
PROBES = frozenset({"main.healthz", "main.readyz", "metrics.metrics"})


@dataclass(frozen=True)
class Gate:
    name: str
    check: Callable[[], Response | None]
    exempt: frozenset[str] = frozenset()  # endpoints it lets through unasked
    exempt_blueprint: str | None = None  # and a whole blueprint


def _session() -> None:
    sessions.load_user()


def _staff_two_factor() -> Response | None:
    """Staff see sellers' most sensitive data anywhere (a document outside /admin too):
    until two-factor log-in is on, every page sends them to set it up."""
    if (
        current_user.is_authenticated
        and current_user.is_staff
        and not current_user.two_factor_enabled
    ):
        return redirect(url_for("admin.two_factor"))
    return None


def _closed_account() -> Response | None:
    if current_user.is_authenticated and current_user.status in states.CLOSED:
        return redirect(url_for("account.closed"))
    return None


def _policy_acceptance() -> Response | None:
    if not current_user.is_authenticated or not current_user.is_seller:
        return None
    if current_user.status in states.CLOSED:  # it sees only its deletion date
        return None
    if sessions.fact("policy_due", lambda: policy.acceptance_due(current_user.id)):
        target = request.full_path.rstrip("?") if request.method == "GET" else None
        return redirect(url_for("policy.accept", next=target))
    return None


GATES = (
    Gate("session", _session),
    # The back office's own guard sends staff there (portal.admin).
    Gate("staff two-factor", _staff_two_factor, STAFF_BEFORE_TWO_FACTOR, "admin"),
    Gate("closed account", _closed_account, CLOSED_ALLOWED, "policy"),
    Gate("policy acceptance", _policy_acceptance, POLICY_EXEMPT, "policy"),
)


def pass_gates() -> Response | None:
    """Run the gates in order; the first answer is the request's."""
    endpoint, blueprint = request.endpoint, request.blueprint
    if endpoint in PROBES:
        return None
    for gate in GATES:
        if endpoint in gate.exempt or (
            gate.exempt_blueprint and blueprint == gate.exempt_blueprint
        ):
            continue
        answer = gate.check()
        if answer is not None:
            return answer
    return None


def init_app(app: Flask) -> None:
    # What the gates and every seller page need, loaded with the session (gate 1).
    sessions.load_with(app, "policy_due", policy.acceptance_due_column)
    sessions.load_with(
        app,
        "unread_notifications",
        lambda user_id, _now: notifications.unread_count_column(user_id),
    )
    app.before_request(pass_gates)
