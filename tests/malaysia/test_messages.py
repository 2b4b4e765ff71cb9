"""Every validator code has a sentence, and it reads in English and in Malay with its
parameters filled in for the reader."""

from __future__ import annotations

from datetime import date

import pytest
from flask_babel import force_locale

from portal import formatting
from portal.malaysia import errors, mykad
from portal.malaysia.errors import MESSAGES, Invalid

CODES = sorted(MESSAGES)


def test_the_day_is_written_as_the_portal_writes_it():
    assert errors.DAY == formatting.DAY


def test_an_unknown_code_is_a_programming_error():
    with pytest.raises(KeyError):
        Invalid("mykad_typo")


def test_str_of_an_error_is_its_code_only():
    error = Invalid("mykad_dob_mismatch", expected=date(1990, 5, 17))
    assert str(error) == "mykad_dob_mismatch"


@pytest.mark.parametrize("code", CODES)
def test_every_code_reads_in_both_languages(app, code):
    params = {"expected": date(1990, 5, 17)} if code == "mykad_dob_mismatch" else {}
    error = Invalid(code, **params)
    with app.test_request_context():
        with force_locale("en"):
            english = str(error.message)
        with force_locale("ms"):
            malay = str(error.message)
    assert english and malay and english != malay
    assert "%(" not in english and "%(" not in malay


def test_the_mismatch_names_the_profile_date_in_the_readers_language(app):
    with pytest.raises(Invalid) as raised:
        mykad.check_against(mykad.parse("900518-14-5678"), date(1990, 5, 17), date(2026, 12, 6))
    with app.test_request_context():
        with force_locale("en"):
            english = str(raised.value.message)
        with force_locale("ms"):
            malay = str(raised.value.message)
    assert "(17 May 1990)" in english and english.startswith("The first six digits")
    assert "(17 Mei 1990)" in malay and "MyKad" in malay


def test_the_message_is_lazy_and_follows_the_language_it_is_read_in(app):
    error = Invalid("mykad_format")  # raised once, read by two people
    with app.test_request_context():
        with force_locale("en"):
            assert str(error.message).startswith("Enter the 12 digits")
        with force_locale("ms"):
            assert str(error.message) == str(errors.message("mykad_format"))
            assert not str(error.message).startswith("Enter")
