"""The audit trail is append-only (:mod:`portal.appendonly`): every change or removal of an
event made through SQLAlchemy is refused; adding events (:func:`portal.audit.services.record`)
is untouched. Loaded once at app start, by importing this module."""

from __future__ import annotations

from portal import appendonly
from portal.audit.models import AuditEvent


class AuditTrailIsAppendOnly(RuntimeError):
    """Something tried to change or remove an audit event."""


appendonly.guard(AuditEvent, AuditTrailIsAppendOnly, "audit event")
