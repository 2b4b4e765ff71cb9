"""Writing the profile's history: one row per field that changed, by whom (the seller, or a
member of staff acting for them). Every section's service writes through here; sensitive
values arrive already masked."""

from __future__ import annotations

from portal.auth.models import User
from portal.extensions import db
from portal.profile.models import Actor, ProfileChange


def _actor_kind(user: User, actor: User) -> str:
    return Actor.SELLER if actor.id == user.id else Actor.STAFF


def record_change(user: User, actor: User, field: str, old, new, *, always: bool = False) -> bool:
    """Add a history row if ``old`` and ``new`` differ; returns whether they did.

    ``always``: the values themselves changed though what is written is the same (two
    numbers masked to the same last four), so the row is added anyway."""
    old = None if old in (None, "") else str(old)
    new = None if new in (None, "") else str(new)
    if old == new and not always:
        return False
    db.session.add(
        ProfileChange(
            user_id=user.id,
            field=field,
            old_value=old,
            new_value=new,
            actor=_actor_kind(user, actor),
            actor_id=actor.id,
        )
    )
    return True


def apply(user: User, actor: User, target, values: dict) -> list[str]:
    """Set each attribute of ``target`` in ``values``, recording those that change."""
    changed = []
    for field, new in values.items():
        if record_change(user, actor, field, getattr(target, field), new):
            setattr(target, field, new)
            changed.append(field)
    return changed
