"""Keeping the registry of third parties: registering, editing, retiring and reinstating.

The public page /third-parties and :mod:`portal.sharing.services` read the same rows, so what
is registered here is exactly what is published and exactly what may be sent. Parties are
retired, never deleted (past disclosures point at them). Every change is in the audit trail.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select

from portal.audit.services import record as audit
from portal.auth.models import User
from portal.clock import utcnow
from portal.extensions import db
from portal.sharing.models import ThirdParty
from portal.sharing.services import party_by_slug

# What staff may change about a registered party: not its key, which names it in configuration,
# nor its connector, which names code (``portal.sharing.parties.CONNECTORS``).
EDITABLE = (
    "name",
    "service",
    "purpose",
    "service_ms",
    "purpose_ms",
    "categories",
    "country",
    "privacy_url",
    "privacy_email",
    "contract_reference",
    "contract_signed_on",
    "breach_notice_hours",
    "transfer_basis",
    "transfer_review_on",
)


class SlugTaken(Exception):
    """Another third party already has this connector key."""


def all_parties() -> list[ThirdParty]:
    """Every registered party, active ones first, each group by name."""
    query = select(ThirdParty).order_by(ThirdParty.retired_at.is_not(None), ThirdParty.name)
    return list(db.session.scalars(query))


def get_party(party_id: int) -> ThirdParty | None:
    return db.session.get(ThirdParty, party_id)


def register(staff: User, slug: str, values: Mapping[str, object]) -> ThirdParty:
    """Add a party under the key ``slug``, with the :data:`EDITABLE` ``values``; it is listed
    publicly from the commit on. Raises :class:`SlugTaken`. Flushes only."""
    if party_by_slug(slug) is not None:
        raise SlugTaken(slug)
    party = ThirdParty(slug=slug)
    _fill(party, values)
    db.session.add(party)
    db.session.flush()
    audit(staff, "third_party.create", "third_party", party.id, party.slug)
    return party


def update(party: ThirdParty, staff: User, values: Mapping[str, object]) -> list[str]:
    """Store the :data:`EDITABLE` ``values`` that differ from the party's; returns the names
    of those that changed (none: nothing is stored or audited). Flushes only."""
    changed = [name for name in EDITABLE if _value(values, name) != _stored(party, name)]
    if changed:
        _fill(party, values)
        audit(staff, "third_party.update", "third_party", party.id, ", ".join(changed))
        db.session.flush()
    return changed


def retire(party: ThirdParty, staff: User) -> None:
    """Nothing more is sent to the party from now on; its past disclosures stay."""
    party.retired_at = utcnow()
    audit(staff, "third_party.retire", "third_party", party.id, party.slug)
    db.session.flush()


def reinstate(party: ThirdParty, staff: User) -> None:
    """A retired party may receive data again."""
    party.retired_at = None
    audit(staff, "third_party.reinstate", "third_party", party.id, party.slug)
    db.session.flush()


def _value(values: Mapping[str, object], name: str):
    data = values[name]
    return sorted(data) if name == "categories" else data


def _stored(party: ThirdParty, name: str):
    value = getattr(party, name)
    return sorted(value) if name == "categories" else value


def _fill(party: ThirdParty, values: Mapping[str, object]) -> None:
    for name in EDITABLE:
        setattr(party, name, _value(values, name))
