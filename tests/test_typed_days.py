"""A day typed as text is read day first, as Malaysians write it, never month first."""

from __future__ import annotations

from datetime import date

import pytest

from portal.forms import day_as_typed, parse_day


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("7/12/2026", date(2026, 12, 7)),  # the 7th of December, not the 12th of July
        ("07/12/2026", date(2026, 12, 7)),
        ("7-12-2026", date(2026, 12, 7)),
        ("7.12.2026", date(2026, 12, 7)),
        (" 7 12 2026 ", date(2026, 12, 7)),
        ("2026-12-07", date(2026, 12, 7)),  # ISO 8601, as links and older forms send it
        ("31/2/2026", None),
        ("12/31/2026", None),  # month first is no day here
        ("7/12/26", None),  # a two-digit year is ambiguous
        ("0001-01-01", None),
        ("9999-12-31", None),
        ("yesterday", None),
        ("", None),
        (None, None),
    ],
)
def test_days_are_read_day_first(typed, day):
    assert parse_day(typed) == day


def test_a_day_is_shown_as_it_is_read():
    assert day_as_typed(date(2026, 12, 7)) == "7/12/2026"
    assert parse_day(day_as_typed(date(2027, 1, 31))) == date(2027, 1, 31)
