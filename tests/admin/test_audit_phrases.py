"""The audit trail reads as words in both languages: every action code the code base records
has a phrase, and each event's subject links to its page in the back office."""

from __future__ import annotations

import ast
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask_babel import force_locale

from portal.audit import phrases
from portal.audit.models import AuditEvent
from portal.auth.states import STAFF, TABLE
from portal.extensions import db
from tests.support import PASSWORD, make_staff

PORTAL = Path(__file__).resolve().parents[2] / "portal"
ROW = re.compile(r'<tr class="audit-event" data-event-id="(\d+)">(.*?)</tr>', re.S)


def _recorders(tree: ast.Module) -> set[str]:
    """The names under which a module imported ``portal.audit.services.record``."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "portal.audit.services":
            names |= {alias.asname or alias.name for alias in node.names if alias.name == "record"}
    return names


def recorded_actions() -> set[str]:
    """Every action code passed to the audit trail's ``record`` anywhere in the portal. An
    f-string action must be one this test knows how to expand (the account state machine's
    ``account.<transition>``, for the transitions staff make)."""
    found: set[str] = set()
    for path in PORTAL.rglob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        names = _recorders(tree)
        if not names:
            continue
        for node in ast.walk(tree):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in names
            ):
                continue
            action = node.args[1] if len(node.args) > 1 else None
            assert action is not None, f"{path}:{node.lineno}: give the action positionally"
            if isinstance(action, ast.JoinedStr):
                text = ast.unparse(action)
                assert text == "f'account.{transition}'", f"{path}:{node.lineno}: {text}"
                found |= {
                    f"account.{transition}"
                    for transition, rule in TABLE.items()
                    if rule.actors & STAFF
                }
                continue
            strings = [
                item.value
                for item in ast.walk(action)
                if isinstance(item, ast.Constant) and isinstance(item.value, str)
            ]
            assert strings, f"{path}:{node.lineno}: an action the test cannot read"
            found |= set(strings)
    return found


def test_the_scan_finds_the_actions():
    actions = recorded_actions()
    assert {"document.approve", "document.reject", "account.terminate", "staff.disable"} <= actions
    assert len(actions) >= 20


def test_every_recorded_action_has_a_phrase():
    missing = sorted(recorded_actions() - set(phrases.ACTIONS))
    assert not missing, f"give these audit actions words in portal/audit/phrases.py: {missing}"


@pytest.mark.parametrize("locale", ["en", "ms"])
def test_every_phrase_is_translated(app, locale):
    with app.test_request_context(), force_locale(locale):
        words = {code: str(phrase) for code, phrase in phrases.ACTIONS.items()}
        subjects = {code: str(phrase) for code, phrase in phrases.SUBJECTS.items()}
    assert all(words.values()) and all(subjects.values())
    if locale == "ms":
        with app.test_request_context(), force_locale("en"):
            english = {code: str(phrase) for code, phrase in phrases.ACTIONS.items()}
        untranslated = sorted(code for code in words if words[code] == english[code])
        assert not untranslated, f"no Malay for: {untranslated}"


def _event(actor_id, action, subject_type, subject_id):
    event = AuditEvent(
        actor_id=actor_id,
        actor_role="admin",
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        at=datetime.now(UTC),
    )
    db.session.add(event)
    db.session.flush()
    return event.id


def test_the_trail_shows_words_and_links_each_subject(app, client, auth):
    with app.app_context():
        admin = make_staff("admin@staff.example", "admin")
        for action, subject_type, subject_id in (
            ("document.approve", "document", 6),
            ("account.freeze", "account", 12),
            ("minor_report.dismiss", "minor_report", 3),
            ("third_party.retire", "third_party", 2),
            ("legal_disclosure.record", "disclosure", 4),
            ("staff.disable", "user", 9),
            ("policy.publish", "policy_version", 2),
        ):
            _event(admin.id, action, subject_type, subject_id)
        db.session.commit()
    auth.login("admin@staff.example", PASSWORD)
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "document.approve" not in page.split("<table")[1]
    rows = " ".join(row for _, row in ROW.findall(page))
    assert "approved a document" in rows
    for link, words in (
        ("/admin/documents/6", "Document 6"),
        ("/admin/sellers/12", "Seller account 12"),
        ("/admin/minor-reports/3", "Report about a minor 3"),
        ("/admin/third-parties/2", "Third party 2"),
        ("/admin/disclosures/4", "Legal disclosure 4"),
        ("/admin/staff", "Staff account 9"),
        ("/privacy/2", "Privacy policy version 2"),
    ):
        assert f'<a href="{link}">{words}</a>' in rows
    # The filter names the actions in words too, keeping the codes as values.
    assert '<option value="document.approve">approved a document</option>' in page


def test_every_subject_with_words_has_a_page():
    from portal.admin.audit import SUBJECT_PAGES

    assert set(SUBJECT_PAGES) == set(phrases.SUBJECTS) == set(phrases.SUBJECT_KINDS)
