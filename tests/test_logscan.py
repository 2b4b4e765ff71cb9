"""The search that ends every test run (``tests/logscan.py``) finds what it should."""

from __future__ import annotations

import logging

from tests import logscan


def test_the_values_searched_for_come_from_the_tests_source(tmp_path):
    source = tmp_path / "test_sample.py"
    source.write_text(
        'make_seller("siti@example.com", full_name="Siti Rahmah", phone_e164="+60129999999")\n'
        'MAIL_DEFAULT_SENDER = "no-reply@koopseri.com"\n'
    )
    found = logscan.needles([source])
    assert {"siti@example.com", "siti%40example.com", "Siti Rahmah", "Siti+Rahmah"} <= found
    assert {"+60129999999", "60129999999"} <= found
    assert "no-reply@koopseri.com" not in found


def test_a_name_or_an_encoded_email_in_a_line_is_found():
    personal = {"Siti Rahmah", "siti%40example.com", "60129999999"}
    lines = [
        '{"message": "outbox sent message=4"}',
        '{"message": "profile saved for siti rahmah"}',
        '{"path": "/auth/check-email?email=siti%40example.com"}',
        '{"message": "number 60129999999"}',
    ]
    found = list(logscan.findings(lines, personal))
    assert [value for value, _ in found] == ["Siti Rahmah", "siti%40example.com", "60129999999"]


def test_the_run_log_is_written_through_the_redaction(tmp_path):
    """What the plugin writes for every record of the run: emails masked, names not (so the
    end-of-run search is what catches a name, and the portal must never log one)."""
    logger = logging.getLogger("portal.test.logscan")
    logger.propagate = False  # this line must stay out of the run's own log
    handler = logscan.run_log(tmp_path / "sample.log")
    logger.addHandler(handler)
    try:
        logger.warning("reached siti@example.com about Siti Rahmah")
    finally:
        logger.removeHandler(handler)
        handler.close()
    written = (tmp_path / "sample.log").read_text()
    assert '"message": "reached [email] about Siti Rahmah"' in written
    assert list(logscan.findings(written.splitlines(), {"Siti Rahmah"}))
