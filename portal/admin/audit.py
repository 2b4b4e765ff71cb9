"""/admin/audit: the audit trail of staff actions, newest first, filterable.

Read only: there is no route that changes an event, and :mod:`portal.audit.guard` refuses any
update or delete of one in the code. Who may read it is decided by the permissions matrix
(``portal.admin.permissions``), not here.

Each event reads as words in the page's language ("approved a document", from
:mod:`portal.audit.phrases`), and its subject links to its page (``SUBJECT_PAGES``); an
account erased since leads to a 404, as the seller's page of any erased account does.

Filters: the action (exact, from the actions recorded so far), the actor's email (exact,
case-insensitive), the subject's type and id, and a range of days in the portal's time zone
(``BABEL_DEFAULT_TIMEZONE``), both ends included. They are kept in the pager's links.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import render_template, request, url_for
from flask_babel import gettext as _

from portal import formatting
from portal.admin import bp
from portal.audit import phrases, trail
from portal.auth import services as auth
from portal.clock import portal_zone
from portal.forms import day_hint, parse_day
from portal.pagination import page_number, whole_number

PER_PAGE = 50


@dataclass
class AuditFilters:
    action: str = ""
    actor: str = ""
    subject_type: str = ""
    subject_id: int | None = None
    day_from: date | None = None
    day_to: date | None = None
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_args(cls, args) -> AuditFilters:
        found = cls(
            action=(args.get("action") or "").strip(),
            actor=(args.get("actor") or "").strip(),
            subject_type=(args.get("subject_type") or "").strip(),
        )
        subject_id = (args.get("subject_id") or "").strip()
        if subject_id:
            found.subject_id = whole_number(subject_id)  # not int(): "²" is a digit too
            if found.subject_id is None:
                found.errors["subject_id"] = _("Give the id as a whole number.")
        found.day_from = found._day(args, "from")
        found.day_to = found._day(args, "to")
        return found

    def _day(self, args, name: str) -> date | None:
        value = (args.get(name) or "").strip()
        if not value:
            return None
        day = parse_day(value)
        if day is None:
            self.errors[name] = day_hint()
            return None
        return day

    def as_args(self) -> dict[str, str | int]:
        """The filters in use, as query-string arguments (for the pager's links)."""
        args = {
            "action": self.action,
            "actor": self.actor,
            "subject_type": self.subject_type,
            "subject_id": self.subject_id,
            "from": self.day_from.isoformat() if self.day_from else None,
            "to": self.day_to.isoformat() if self.day_to else None,
        }
        return {key: value for key, value in args.items() if value not in (None, "")}

    def criteria(self, zone: ZoneInfo, actor_ids: Collection[int] | None) -> trail.Criteria:
        """The filters as the trail reads them: the days as instants in ``zone``, the actor's
        email as the ids of the accounts that have it (None when no actor is given)."""
        return trail.Criteria(
            action=self.action,
            actor_ids=actor_ids,
            subject_type=self.subject_type,
            subject_id=self.subject_id,
            since=_start_of(self.day_from, zone) if self.day_from is not None else None,
            before=_start_of(self.day_to + timedelta(days=1), zone)
            if self.day_to is not None
            else None,
        )


def _start_of(day: date, zone: ZoneInfo) -> datetime:
    """Midnight at the start of ``day`` in ``zone``, in UTC."""
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


def events_page(filters: AuditFilters, page: int, zone: ZoneInfo) -> tuple[list[tuple], bool]:
    """One page of (event, actor's email or None), newest first, and whether more follow."""
    # Given an actor, their emails are known before the events are read.
    actors = auth.with_email(filters.actor) if filters.actor else None
    if actors == {}:
        return [], False
    criteria = filters.criteria(zone, None if actors is None else actors.keys())
    found = trail.events_page(criteria, page=page, per_page=PER_PAGE)
    events, has_next = found.items, found.has_next
    if actors is None:
        actors = auth.emails_by_id(event.actor_id for event in events if event.actor_id)
    return [(event, actors.get(event.actor_id)) for event in events], has_next


# Each subject's page in the back office (or, for a policy version, its public page), by the
# subject type recorded with the event: the endpoint and the name of its id in the URL.
SUBJECT_PAGES = {
    "account": ("admin.seller", "seller_id"),
    "correction": ("admin.corrections", None),
    "breach": ("admin.breach", "breach_id"),
    "disclosure": ("admin.disclosure", "disclosure_id"),
    "document": ("admin.document_review", "document_id"),
    "erasure_request": ("admin.erasure_requests", None),  # an answered request leaves the list
    "minor_report": ("admin.minor_report", "report_id"),
    "policy_version": ("policy.version", "number"),
    "privacy_request": ("admin.privacy_request", "request_id"),
    "retention": ("retention.index", None),  # the schedule the run applied
    "third_party": ("admin.third_party_edit", "party_id"),
    "user": ("admin.staff", None),
}


@dataclass(frozen=True)
class Row:
    """One event as the page shows it: the action and its subject in words, and where the
    subject can be opened (None when it has no page)."""

    event: object
    email: str | None
    action: str
    subject: str
    link: str | None


def subject_link(subject_type: str, subject_id: int | None) -> str | None:
    """The page of the event's subject, or None for a kind without one."""
    page = SUBJECT_PAGES.get(subject_type)
    if page is None or subject_id is None:
        return None
    endpoint, argument = page
    return url_for(endpoint, **({argument: subject_id} if argument else {}))


def as_rows(found: list[tuple]) -> list[Row]:
    return [
        Row(
            event=event,
            email=email,
            action=phrases.action_phrase(event.action),
            subject=phrases.subject_phrase(event.subject_type, event.subject_id),
            link=subject_link(event.subject_type, event.subject_id),
        )
        for event, email in found
    ]


@bp.get("/audit")
def audit():
    page = page_number(request.args)
    filters = AuditFilters.from_args(request.args)
    zone = portal_zone()
    rows, has_next = events_page(filters, page, zone)
    actions, subject_types = trail.recorded_kinds()
    return render_template(
        "admin/audit.html",
        rows=as_rows(rows),
        page=page,
        has_next=has_next,
        filters=filters,
        filter_args=filters.as_args(),
        actions=[(code, phrases.action_phrase(code)) for code in actions],
        subject_types=[(code, phrases.subject_kind(code)) for code in subject_types],
        zone_label=formatting.zone_name(zone.key),
    )
