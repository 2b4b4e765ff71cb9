"""Malaysian conventions: the one formatting module, and no template formatting past it."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from flask import render_template_string

from portal import formatting
from portal.i18n import speaking_to

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
# 07:41 UTC is 3:41 pm in Kuala Lumpur (UTC+8).
AFTERNOON = datetime(2026, 12, 6, 7, 41, 7, tzinfo=UTC)


@pytest.fixture
def sqlite_only_app(make_app, database):
    if database != "sqlite":
        pytest.skip("formatting does not touch the database")
    return make_app()


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "6 Dec 2026, 3:41 pm"), ("ms", "6 Dis 2026, 3:41 ptg")],
)
def test_a_moment_in_malaysia_time_without_seconds(sqlite_only_app, language, expected):
    with sqlite_only_app.test_request_context(), speaking_to(language, "Asia/Kuala_Lumpur"):
        assert formatting.moment(AFTERNOON) == expected
        assert formatting.day(date(2026, 12, 6)) == expected.split(",")[0]


def test_the_zone_is_named_as_people_say_it(sqlite_only_app):
    with sqlite_only_app.test_request_context():
        with speaking_to("en", "Asia/Kuala_Lumpur"):
            assert formatting.moment(AFTERNOON, zone=True) == "6 Dec 2026, 3:41 pm (Malaysia time)"
        with speaking_to("ms", "Asia/Kuching"):
            assert formatting.zone_name() == "waktu Malaysia"
        with speaking_to("en", "Asia/Singapore"):
            assert formatting.zone_name() == "Singapore time"
            assert formatting.time_of_day(AFTERNOON) == "3:41 pm"


def test_a_chosen_day_with_its_weekday(sqlite_only_app):
    with sqlite_only_app.test_request_context():
        with speaking_to("en", None):
            assert formatting.day(date(2026, 12, 7), weekday=True) == "Monday, 7 Dec 2026"
        with speaking_to("ms", None):
            assert formatting.day(date(2026, 12, 7), weekday=True) == "Isnin, 7 Dis 2026"


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("+60132224455", "013-222 4455"),
        ("+601123456789", "011-2345 6789"),
        ("+60321234567", "03-2123 4567"),
        ("+6082123456", "082-123 456"),
        ("+6591234567", "+65 9123 4567"),
        ("not a number", "not a number"),
        (None, ""),
    ],
)
def test_phone_numbers_in_national_format(stored, shown):
    assert formatting.phone(stored) == shown


@pytest.mark.parametrize(
    ("amount", "shown"),
    [(Decimal("1234.5"), "RM1,234.50"), (0, "RM0.00"), (-5, "-RM5.00"), (None, "")],
)
def test_ringgit(amount, shown):
    assert formatting.ringgit(amount) == shown


def test_templates_reach_the_module_and_not_babel(sqlite_only_app):
    with sqlite_only_app.test_request_context(), speaking_to("en", "Asia/Kuala_Lumpur"):
        page = render_template_string(
            "{{ when | moment }}|{{ number | phone }}|{{ gap | duration }}",
            when=AFTERNOON,
            number="+60132224455",
            gap=timedelta(days=3),
        )
        assert page == "6 Dec 2026, 3:41 pm|013-222 4455|3 days"
        with pytest.raises(Exception, match="datetimeformat"):
            render_template_string("{{ when | datetimeformat }}", when=AFTERNOON)


# What formatting a date, a time or a phone number past the module looks like in a template.
RAW = [
    (re.compile(r"strftime|isoformat\(\)"), "strftime/isoformat"),
    (re.compile(r"format_(date|datetime|time)\b|(date|datetime|time|timedelta)format"), "Babel"),
    (re.compile(r"\.phone(_e164)?\s*(\}\}|\bor\b|\))"), "a phone number as stored"),
]


def _raw_formatting(text: str) -> list[str]:
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        for pattern, what in RAW:
            for match in pattern.finditer(line):
                # A phone number piped through |phone is formatted; anything else is raw.
                rest = line[match.start() :]
                if what.startswith("a phone") and re.match(r"[\w.]+\s*\|\s*phone", rest[1:]):
                    continue
                # A revealed number comes formatted (profile.masking.phone_in_full); a
                # <time datetime="…"> attribute is for machines, in ISO 8601 on purpose.
                if "revealed.phone" in line or re.search(r'datetime="\{\{[^}]*isoformat', line):
                    continue
                found.append(f"{number}: {what}: {line.strip()}")
    return found


def test_no_template_or_email_formats_past_the_module():
    offenders = {
        str(path.relative_to(ROOT)): found
        for path in sorted(TEMPLATES.rglob("*"))
        if path.is_file() and (found := _raw_formatting(path.read_text()))
    }
    assert offenders == {}


def test_the_scan_catches_what_it_looks_for():
    assert _raw_formatting("{{ user.created_at.strftime('%d') }}")
    assert _raw_formatting("{{ when | datetimeformat('medium') }}")
    assert _raw_formatting("<dd>{{ current_user.phone_e164 }}</dd>")
    assert _raw_formatting("<dd>{{ seller.phone or '—' }}</dd>")
    assert not _raw_formatting("<dd>{{ current_user.phone_e164 | phone }}</dd>")
    assert not _raw_formatting("<dd>{{ when | moment }}</dd>")
    assert not _raw_formatting('<time datetime="{{ when.isoformat() }}">{{ when | moment }}</time>')
