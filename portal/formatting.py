"""Dates, times, time zones, phone numbers and money as Malaysians write them: the one place
every template, email and view formats them.

* a day: "6 Dec 2026" / "6 Dis 2026" (with the weekday where a day is chosen: "Sunday,
  6 Dec 2026"), never the American "Dec 6, 2026";
* a time: "3:41 pm" / "3:41 ptg", without seconds;
* a moment: "6 Dec 2026, 3:41 pm", in the reader's time zone (the request's, or the one
  :func:`portal.i18n.speaking_to` sets for an email); its zone named as people say it,
  "Malaysia time" / "waktu Malaysia", where the reader needs to know;
* a Malaysian phone number in national format, "013-222 4455"; any other in international
  format, "+65 9123 4567" (Google's libphonenumber, through ``phonenumbers``, knows every
  country's grouping);
* ringgit as "RM1,234.50", as Bank Negara Malaysia writes amounts;
* a sensitive number masked to its last four characters, "•••• 5678".

Templates reach these as filters (``|day``, ``|moment``, ``|time_of_day``, ``|duration``,
``|phone``, ``|ringgit``, ``|masked``) and ``zone_name()``. Flask-Babel's own filters
(``datetimeformat``…) are taken out of the template environment so that no page can format a
date another way; ``tests/test_formatting.py`` scans the templates for raw ``strftime``,
``format_datetime`` and phone numbers printed as stored.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import phonenumbers
from babel.dates import get_timezone_location
from flask import Flask
from flask_babel import format_date, format_datetime, format_time, format_timedelta, get_timezone

from portal.clock import zone_named
from portal.i18n import current_language, gettext

DAY = "d MMM y"
DAY_WITH_WEEKDAY = "EEEE, d MMM y"
TIME = "h:mm a"
# The zones of Peninsular and East Malaysia (IANA), both UTC+8: "Malaysia time" to people.
MALAYSIAN_ZONES = frozenset({"Asia/Kuala_Lumpur", "Asia/Kuching"})
MALAYSIA = 60  # the country calling code


def day(value: date | datetime | None, *, weekday: bool = False) -> str:
    """The day ``value`` falls on (in the reader's zone for a moment): "6 Dec 2026"."""
    if value is None:
        return ""
    return format_date(value, DAY_WITH_WEEKDAY if weekday else DAY)


def time_of_day(value: datetime | None) -> str:
    """The reader's clock time at ``value``: "3:41 pm"."""
    if value is None:
        return ""
    return _lower_meridiem(format_time(value, TIME))


def moment(value: datetime | None, *, zone: bool = False) -> str:
    """The day and the time: "6 Dec 2026, 3:41 pm", followed by "(Malaysia time)" when
    ``zone`` is set (emails, which may be read elsewhere)."""
    if value is None:
        return ""
    text = f"{format_datetime(value, DAY)}, {time_of_day(value)}"
    return f"{text} ({zone_name()})" if zone else text


def zone_name(zone: str | None = None) -> str:
    """The reader's time zone (or ``zone``) as people say it: "Malaysia time"."""
    tz = get_timezone() if zone is None else zone_named(zone)
    key = getattr(tz, "key", None) or getattr(tz, "zone", None) or str(tz)
    if key in MALAYSIAN_ZONES:
        return gettext("Malaysia time")
    return gettext("%(place)s time") % {
        "place": get_timezone_location(tz, locale=current_language(), return_city=True)
    }


def duration(value: timedelta | None) -> str:
    """How long, roughly: "3 days"."""
    if value is None:
        return ""
    return format_timedelta(value)


def phone(e164: str | None) -> str:
    """A stored (E.164) phone number as people write it: "013-222 4455" for a Malaysian
    number, "+65 9123 4567" for any other; as stored if it no longer parses."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == MALAYSIA
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


def ringgit(amount: Decimal | int | float | None) -> str:
    """An amount in Malaysian ringgit: "RM1,234.50" (negative "-RM5.00")."""
    if amount is None:
        return ""
    value = Decimal(str(amount)).quantize(Decimal("0.01"))
    sign = "-" if value < 0 else ""
    return f"{sign}RM{abs(value):,.2f}"


def masked(last4: str | None) -> str:
    """A sensitive number (an identity number, an account number) shown by its last four
    characters only: "•••• 5678"; "••••" when not even those are known."""
    return f"•••• {last4}" if last4 else "••••"


def _lower_meridiem(text: str) -> str:
    # CLDR writes AM/PM and PG/PTG in capitals; Malaysians write "3:41 pm", "3:41 ptg".
    head, _, meridiem = text.rpartition(" ")
    return f"{head} {meridiem.lower()}" if head else text


# Flask-Babel's filters, removed so that a template cannot format a date past this module.
_BABEL_FILTERS = ("datetimeformat", "dateformat", "timeformat", "timedeltaformat")


def init_app(app: Flask) -> None:
    for name in _BABEL_FILTERS:
        app.jinja_env.filters.pop(name, None)
    app.jinja_env.filters.update(
        day=day,
        time_of_day=time_of_day,
        moment=moment,
        duration=duration,
        phone=phone,
        ringgit=ringgit,
        masked=masked,
    )
    app.jinja_env.globals["zone_name"] = zone_name
