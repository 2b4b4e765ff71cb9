"""Staff accounts as an admin keeps them: the list, and disabling (or enabling again) an
account, which ends its sessions at once. Each change goes into the audit trail."""

from __future__ import annotations

from sqlalchemy import delete, select

from portal.audit.services import record as audit
from portal.auth.models import LoginSession, User
from portal.auth.roles import STAFF_ROLES
from portal.clock import utcnow
from portal.extensions import db


class OwnAccount(Exception):
    """A member of staff may not disable their own account."""


def members() -> list[User]:
    """Every staff account, disabled ones included, by email."""
    return list(
        db.session.scalars(
            select(User).where(User.role.in_(tuple(STAFF_ROLES))).order_by(User.email)
        )
    )


def member(user_id: int) -> User | None:
    """The staff account ``user_id``; None for a seller's or one that does not exist."""
    user = db.session.get(User, user_id)
    return user if user is not None and user.is_staff else None


def disable(member: User, *, by: User) -> None:
    """Stop ``member`` logging in and end every session of theirs now.

    Raises :class:`OwnAccount` when ``by`` is ``member``: nobody locks themself out.
    """
    if member.id == by.id:
        raise OwnAccount()
    member.disabled_at = utcnow()
    db.session.execute(delete(LoginSession).where(LoginSession.user_id == member.id))
    audit(by, "staff.disable", "user", member.id, member.role)


def enable(member: User, *, by: User) -> None:
    """Let a disabled ``member`` log in again."""
    member.disabled_at = None
    audit(by, "staff.enable", "user", member.id, member.role)
