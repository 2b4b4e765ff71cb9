"""/admin/audit: the trail of staff actions, filterable; and the trail is append-only, in
the database session and in the source."""

from __future__ import annotations

import ast
import html
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import delete, select, text, update

import portal.audit.guard  # noqa: F401  (the append-only listeners, as the app loads them)
from portal.audit import services as audit
from portal.audit.guard import AuditTrailIsAppendOnly
from portal.audit.models import AuditEvent
from portal.auth.models import User
from portal.extensions import db
from tests.support import PASSWORD, make_staff

URL = "/admin/audit"
ROW = re.compile(r'<tr class="audit-event" data-event-id="(\d+)">(.*?)</tr>', re.S)
CELL = re.compile(r"<td[^>]*>(.*?)</td>", re.S)
TAG = re.compile(r"<[^>]+>")
PORTAL = Path(__file__).resolve().parents[2] / "portal"


def _rows(page: str) -> list[dict]:
    rows = []
    for event_id, row in ROW.findall(page):
        cells = [html.unescape(TAG.sub("", cell)).strip() for cell in CELL.findall(row)]
        keys = ("when", "who", "role", "action", "subject", "detail")
        rows.append({"id": int(event_id), **dict(zip(keys, cells, strict=True))})
    return rows


def _ids(page: str) -> list[int]:
    return [row["id"] for row in _rows(page)]


def _get(client, **args) -> str:
    response = client.get(URL, query_string=args)
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.fixture
def staff(app, auth):
    """An admin (logged in), a reviewer, a support member and the Data Protection Officer;
    their ids by role."""
    with app.app_context():
        ids = {
            role: make_staff(f"{role}@staff.example", role).id
            for role in ("admin", "reviewer", "support", "dpo")
        }
    auth.login("admin@staff.example", PASSWORD)
    return ids


def _event(app, actor_id, action, subject_type, subject_id, at, detail=None) -> int:
    """An event as ``audit.record`` writes it, at a chosen time (inserted, never updated)."""
    with app.app_context():
        actor = db.session.get(User, actor_id) if actor_id else None
        event = AuditEvent(
            at=at,
            actor_id=actor_id,
            actor_role=actor.role if actor else "reviewer",
            action=action,
            subject_type=subject_type,
            subject_id=subject_id,
            detail=detail,
        )
        db.session.add(event)
        db.session.commit()
        return event.id


# 2024-03-10 16:30 UTC is 2024-03-11 00:30 in Kuala Lumpur: the day filters are local days.
JUST_AFTER_LOCAL_MIDNIGHT = datetime(2024, 3, 10, 16, 30, tzinfo=UTC)


@pytest.fixture
def events(app, staff) -> dict[str, int]:
    at = JUST_AFTER_LOCAL_MIDNIGHT
    return {
        "approve": _event(
            app, staff["reviewer"], "document.approve", "document", 11, at - timedelta(days=2)
        ),
        "reject": _event(
            app, staff["reviewer"], "document.reject", "document", 12, at - timedelta(hours=1)
        ),
        "publish": _event(app, staff["admin"], "policy.publish", "policy_version", 3, at),
        "terminate": _event(
            app,
            staff["admin"],
            "account.terminate",
            "user",
            12,
            at + timedelta(days=1),
            "asked by phone",
        ),
        "confirm": _event(
            app,
            staff["support"],
            "minor_report.confirm",
            "account",
            40,
            at + timedelta(days=3),
            "report MR-1",
        ),
    }


def test_the_trail_lists_every_event_newest_first(app, client, staff, events):
    page = _get(client)
    rows = _rows(page)
    assert [row["id"] for row in rows] == [
        events[name] for name in ("confirm", "terminate", "publish", "reject", "approve")
    ]
    terminate = rows[1]
    assert terminate["who"] == "admin@staff.example"
    assert terminate["role"] == "Administrator"
    assert terminate["action"] == "closed a seller's account"
    assert terminate["subject"] == "Staff account 12"
    assert terminate["detail"] == "asked by phone"
    assert terminate["when"]


def test_an_event_by_a_deleted_account_keeps_its_role(app, client, staff):
    event_id = _event(app, None, "document.approve", "document", 5, datetime.now(UTC))
    (row,) = _rows(_get(client))
    assert row["id"] == event_id
    assert row["who"] == "deleted account"
    assert row["role"] == "Reviewer"


def test_events_recorded_by_the_service_are_listed(app, client, staff):
    with app.app_context():
        actor = db.session.get(User, staff["support"])
        audit.record(actor, "third_party.update", "third_party", 2, "name")
        db.session.commit()
    (row,) = _rows(_get(client))
    assert (row["who"], row["role"], row["action"], row["subject"]) == (
        "support@staff.example",
        "Support",
        "changed a third party's details",
        "Third party 2",
    )


def test_the_action_filter_offers_the_recorded_actions_and_narrows(app, client, events):
    page = _get(client)
    offered = re.findall(r'<option value="([a-z_.]+)"', page.split('name="subject_type"')[0])
    assert offered == sorted(
        [
            "account.terminate",
            "document.approve",
            "document.reject",
            "minor_report.confirm",
            "policy.publish",
        ]
    )
    assert _ids(_get(client, action="document.reject")) == [events["reject"]]
    assert _ids(_get(client, action="document")) == []  # exact, not a prefix


def test_the_actor_filter_is_an_exact_case_insensitive_email(app, client, events):
    assert _ids(_get(client, actor="Reviewer@Staff.Example")) == [
        events["reject"],
        events["approve"],
    ]
    assert _ids(_get(client, actor="  admin@staff.example ")) == [
        events["terminate"],
        events["publish"],
    ]
    assert _ids(_get(client, actor="staff.example")) == []


def test_the_subject_filters_narrow(app, client, events):
    assert _ids(_get(client, subject_type="document")) == [events["reject"], events["approve"]]
    assert _ids(_get(client, subject_id="12")) == [events["terminate"], events["reject"]]
    assert _ids(_get(client, subject_type="user", subject_id="12")) == [events["terminate"]]
    page = _get(client, subject_id="twelve")
    assert "Give the id as a whole number." in page
    assert len(_ids(page)) == 5  # a filter that cannot be read is not applied


def test_the_day_filters_are_local_days_both_included(app, client, events):
    # The publish event is at 00:30 on 11 March in Kuala Lumpur (16:30 on 10 March in UTC).
    assert _ids(_get(client, **{"from": "2024-03-11", "to": "2024-03-11"})) == [events["publish"]]
    assert _ids(_get(client, to="2024-03-10")) == [events["reject"], events["approve"]]
    assert _ids(_get(client, **{"from": "2024-03-12"})) == [
        events["confirm"],
        events["terminate"],
    ]
    assert _ids(_get(client, **{"from": "2024-03-12", "to": "2024-03-13"})) == [events["terminate"]]
    # Days are typed day first, as in Malaysia: 12/3/2024 is the 12th of March.
    assert _ids(_get(client, **{"from": "12/3/2024", "to": "13/03/2024"})) == [events["terminate"]]
    page = _get(client, **{"from": "31/02/2024"})
    assert "Day/month/year, for example 7/12/2026." in page
    assert len(_ids(page)) == 5


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "2024-02-30", "yesterday"])
def test_days_that_cannot_be_used_are_refused_not_an_error(app, client, events, day):
    for name in ("from", "to"):
        page = _get(client, **{name: day})
        assert "Day/month/year, for example 7/12/2026." in page
        assert len(_ids(page)) == 5


def test_an_absurd_page_number_is_an_empty_page(app, client, events):
    assert _ids(_get(client, page=str(10**30))) == []
    assert _ids(_get(client, page="-3")) == _ids(_get(client))


def test_filters_combine(app, client, events):
    args = {"actor": "reviewer@staff.example", "action": "document.approve", "to": "2024-03-10"}
    assert _ids(_get(client, **args)) == [events["approve"]]
    assert _ids(_get(client, actor="support@staff.example", subject_type="document")) == []


def _links(page: str, label: str) -> list[str]:
    return [
        html.unescape(href)
        for href in re.findall(r'<a href="([^"]+)">' + re.escape(label) + "</a>", page)
    ]


def test_pages_of_fifty_keep_the_filters(app, client, staff):
    start = datetime(2024, 5, 1, 3, 0, tzinfo=UTC)
    with app.app_context():
        for number in range(52):
            db.session.add(
                AuditEvent(
                    at=start + timedelta(minutes=number),
                    actor_id=staff["reviewer"],
                    actor_role="reviewer",
                    action="document.approve",
                    subject_type="document",
                    subject_id=number,
                )
            )
        db.session.add(
            AuditEvent(
                at=start,
                actor_id=staff["admin"],
                actor_role="admin",
                action="policy.publish",
                subject_type="policy_version",
                subject_id=2,
            )
        )
        db.session.commit()
    filters = {
        "action": "document.approve",
        "actor": "reviewer@staff.example",
        "from": "2024-05-01",
    }

    first = _get(client, **filters)
    assert len(_rows(first)) == 50
    assert [row["subject"] for row in _rows(first)][:2] == ["Document 51", "Document 50"]
    (older,) = _links(first, "Older")
    assert urlsplit(older).path == URL
    assert parse_qs(urlsplit(older).query) == {
        "page": ["2"],
        **{key: [value] for key, value in filters.items()},
    }

    second = client.get(older).get_data(as_text=True)
    assert [row["subject"] for row in _rows(second)] == ["Document 1", "Document 0"]
    assert not _links(second, "Older")
    (newer,) = _links(second, "Newer")
    assert parse_qs(urlsplit(newer).query) == {
        "page": ["1"],
        **{key: [value] for key, value in filters.items()},
    }


def test_the_trail_is_for_admins_and_the_data_protection_officer(app, client, auth, staff):
    for role, status in (("reviewer", 404), ("support", 404), ("dpo", 200)):
        auth.logout()
        auth.login(f"{role}@staff.example", PASSWORD)
        assert client.get(URL).status_code == status, role


def test_the_trail_has_no_route_that_writes(app):
    rules = [rule for rule in app.url_map.iter_rules() if rule.rule.startswith(URL)]
    assert [rule.rule for rule in rules] == [URL]
    assert rules[0].methods - {"HEAD", "OPTIONS"} == {"GET"}


# --- append-only -----------------------------------------------------------------------------


def _stored(app, event_id: int) -> tuple | None:
    with app.app_context():
        row = db.session.execute(
            text("SELECT action, detail, actor_role FROM audit_events WHERE id = :id"),
            {"id": event_id},
        ).first()
        return tuple(row) if row else None


@pytest.fixture
def one_event(app):
    with app.app_context():
        actor = make_staff("admin@staff.example", "admin")
        event_id = audit.record(actor, "policy.publish", "policy_version", 2, "original").id
        db.session.commit()
    return event_id


def test_an_event_cannot_be_changed_through_the_orm(app, one_event):
    with app.app_context():
        event = db.session.get(AuditEvent, one_event)
        event.detail = "rewritten"
        event.action = "policy.unpublish"
        with pytest.raises(AuditTrailIsAppendOnly):
            db.session.commit()
        db.session.rollback()
    assert _stored(app, one_event) == ("policy.publish", "original", "admin")


def test_an_event_cannot_be_deleted_through_the_orm(app, one_event):
    with app.app_context():
        db.session.delete(db.session.get(AuditEvent, one_event))
        with pytest.raises(AuditTrailIsAppendOnly):
            db.session.commit()
        db.session.rollback()
    assert _stored(app, one_event) == ("policy.publish", "original", "admin")


@pytest.mark.parametrize(
    "statement",
    [
        lambda: update(AuditEvent).values(detail="rewritten"),
        lambda: update(AuditEvent).where(AuditEvent.id > 0).values(actor_role="support"),
        lambda: delete(AuditEvent),
        lambda: delete(AuditEvent).where(AuditEvent.action == "policy.publish"),
        lambda: AuditEvent.__table__.update().values(detail="rewritten"),
        lambda: AuditEvent.__table__.delete(),
        lambda: text("UPDATE audit_events SET detail = 'rewritten'"),
        lambda: text("delete from audit_events"),
    ],
    ids=[
        "orm-update",
        "orm-update-where",
        "orm-delete",
        "orm-delete-where",
        "core-update",
        "core-delete",
        "text-update",
        "text-delete",
    ],
)
def test_bulk_statements_on_the_trail_are_refused(app, one_event, statement):
    with app.app_context():
        with pytest.raises(AuditTrailIsAppendOnly):
            db.session.execute(statement())
        db.session.rollback()
    assert _stored(app, one_event) == ("policy.publish", "original", "admin")


def test_adding_events_and_changing_other_tables_still_work(app, one_event):
    with app.app_context():
        actor = db.session.scalar(select(User).where(User.email == "admin@staff.example"))
        audit.record(actor, "third_party.create", "third_party", 9, "acme")
        db.session.execute(update(User).where(User.id == actor.id).values(locale="ms"))
        db.session.commit()
        assert db.session.scalar(select(User.locale).where(User.id == actor.id)) == "ms"
        actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["policy.publish", "third_party.create"]


# The columns of an event, and the names code gives an event or the trail's rows.
EVENT_COLUMNS = {column.key for column in AuditEvent.__table__.columns}
EVENTISH = re.compile(r"(event|audit)", re.I)
BULK_WRITE = re.compile(
    r"(?:update|delete)\(\s*(?:AuditEvent\b|[\w.]*audit_events)"  # update(AuditEvent) ...
    r"|AuditEvent\.__table__\.(?:update|delete)\b"
    r"|\b(?:update|delete\s+from)\s+[\"`]?audit_events\b",  # in SQL text
    re.I,
)


def _python_files_outside_audit() -> list[Path]:
    files = sorted(PORTAL.rglob("*.py"))
    assert files, PORTAL
    return [path for path in files if "audit" not in path.relative_to(PORTAL).parts[:1]]


def _name_of(node: ast.expr) -> str:
    """The text of an assignment target's object: ``event`` in ``event.detail``."""
    return ast.unparse(node)


def _writes_to_events(source: str) -> list[str]:
    """Assignments (plain, augmented, annotated, setattr) to an event column's name on an
    object whose name says it is an event or the audit trail."""
    found = []
    for node in ast.walk(ast.parse(source)):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "setattr"
            and node.args
            and EVENTISH.search(_name_of(node.args[0]))
        ):
            found.append(ast.unparse(node))
        for target in targets:
            for part in ast.walk(target):
                if (
                    isinstance(part, ast.Attribute)
                    and part.attr in EVENT_COLUMNS
                    and isinstance(part.ctx, ast.Store)
                    and EVENTISH.search(_name_of(part.value))
                ):
                    found.append(ast.unparse(part))
    return found


def test_no_code_updates_or_deletes_audit_events():
    offending = []
    for path in sorted(PORTAL.rglob("*.py")):
        if path.name == "guard.py" and path.parent.name == "audit":
            continue  # names the statements it refuses
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if BULK_WRITE.search(line):
                offending.append(f"{path.relative_to(PORTAL)}:{number}: {line.strip()}")
    assert offending == []


def test_no_code_outside_the_audit_package_assigns_to_an_event():
    offending = {
        str(path.relative_to(PORTAL)): found
        for path in _python_files_outside_audit()
        if (found := _writes_to_events(path.read_text(encoding="utf-8")))
    }
    assert offending == {}


def test_the_source_scans_catch_what_they_look_for():
    caught = (
        "event.detail = 'x'\n"
        "audit_event.action += 'y'\n"
        "setattr(event, 'detail', 'z')\n"
        "self.event.at: object = None\n"
    )
    assert len(_writes_to_events(caught)) == 4
    assert _writes_to_events("attempt.detail = 'fine'\nevent = make()\n") == []
    for line in (
        "db.session.execute(update(AuditEvent).values(detail='x'))",
        "db.session.execute(delete( AuditEvent ))",
        "AuditEvent.__table__.delete()",
        'text("DELETE FROM audit_events")',
        "text('update audit_events set detail = 1')",
    ):
        assert BULK_WRITE.search(line), line
    assert not BULK_WRITE.search("select(AuditEvent).where(AuditEvent.id == 1)")
