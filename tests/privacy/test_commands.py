"""``flask privacy deadlines``: every running clock, soonest first, with the time left; exit 1
once one is overdue (PDPA s.30-31 / s.35 requests: 21 days; s.12B breaches: 72 hours); and
``flask privacy notify BREACH_ID``, which finishes notifying a breach's sellers, once each."""

from __future__ import annotations

from datetime import timedelta

from freezegun import freeze_time

from tests.breaches.conftest import DISCOVERED, a_breach, bulk_sellers
from tests.breaches.test_notify import _per_seller, _started
from tests.requests.conftest import RECEIVED, file_as_seller, reference_in


def _run(app, runner, at):
    with freeze_time(at):
        return runner.invoke(args=["privacy", "deadlines"])


def test_nothing_running_exits_0(app, runner):
    result = _run(app, runner, RECEIVED)
    assert result.exit_code == 0, result.output
    assert "0 clocks running, 0 overdue." in result.output


def test_a_request_and_a_breach_are_listed_soonest_first_with_the_time_left(
    app, runner, seller, staff
):
    _, page = file_as_seller(app, seller)  # due at the end of 23 Mar 2027, Malaysia time
    reference = reference_in(page)
    breach_at = RECEIVED + timedelta(days=20)  # its notice is due 72 hours on, after the request
    with app.app_context():
        breach = a_breach(staff["dpo"], discovered_at=breach_at)
        breach_reference = breach.reference

    result = _run(app, runner, RECEIVED + timedelta(days=20, hours=1))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith(reference) and "request" in lines[0]
    assert "due 2027-03-24 00:00 MYT" in lines[0]  # when 23 March ends
    assert breach_reference in lines[1] and "notice to the Commissioner" in lines[1]
    assert "2 days 23 hours left" in lines[1]
    assert lines[-1] == "2 clocks running, 0 overdue."


def test_an_overdue_request_exits_1(app, runner, seller):
    file_as_seller(app, seller)
    result = _run(app, runner, RECEIVED + timedelta(days=23))  # past the end of 23 March
    assert result.exit_code == 1
    assert "overdue by" in result.output
    assert result.output.splitlines()[-1] == "1 clock running, 1 overdue."


def test_a_breach_past_its_72nd_hour_exits_1(app, runner, staff):
    with app.app_context():
        a_breach(staff["dpo"])
    on_time = _run(app, runner, DISCOVERED + timedelta(hours=72))
    assert on_time.exit_code == 0, on_time.output
    late = _run(app, runner, DISCOVERED + timedelta(hours=73))
    assert late.exit_code == 1
    assert "overdue by 1 hour" in late.output


def test_notify_finishes_an_interrupted_run_from_the_command_line(app, runner, staff):
    with app.app_context():
        ids = bulk_sellers(250)
        breach_id = _started(app, staff["dpo"], ids)  # started; not one notice queued yet
    result = runner.invoke(args=["privacy", "notify", str(breach_id)])
    assert result.exit_code == 0, result.output
    assert f"Breach {breach_id}: 250 notices queued, 0 left." in result.output
    again = runner.invoke(args=["privacy", "notify", str(breach_id)])
    assert f"Breach {breach_id}: 0 notices queued, 0 left." in again.output
    with app.app_context():
        counts = _per_seller(breach_id)
        assert sorted(counts) == ids and set(counts.values()) == {1}


def test_notify_refuses_a_breach_not_started(app, runner, staff):
    with app.app_context():
        breach = a_breach(staff["dpo"])
        breach_id = breach.id
    result = runner.invoke(args=["privacy", "notify", str(breach_id)])
    assert result.exit_code != 0
    assert "has not been started" in result.output
