"""The record of processing: generated, never written by hand, from the data map (each
column's category and purpose, each category's legal basis), the registry of third parties
(who receives which categories, where, on which basis) and the retention rules (how long).

The back office shows it at /admin/processing and as CSV for the Commissioner; a column, a
party or a rule added later appears in it with no change here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal import datamap
from portal.datamap import Category, LegalBasis, category_name
from portal.profile.choices import country_name
from portal.retention.rules import RULES
from portal.sharing import registry
from portal.sharing.abroad import basis_label, is_abroad

BASIS_LABELS: dict[LegalBasis, object] = {
    LegalBasis.CONSENT: _l("Consent (PDPA s.6(1)(a))"),
    LegalBasis.CONTRACT: _l("Performance of the seller's contract (PDPA s.6(2)(a))"),
    LegalBasis.LEGAL_OBLIGATION: _l("A legal obligation (PDPA s.6(2)(c))"),
}


@dataclass(frozen=True)
class Recipient:
    """A party that receives the category: where it is and on what terms."""

    party_id: int
    name: str
    country: str
    contract_reference: str | None
    breach_notice_hours: int | None
    transfer_basis: str | None
    transfer_review_on: date | None

    @property
    def abroad(self) -> bool:
        return is_abroad(self.country)


@dataclass(frozen=True)
class Line:
    """One line of the record: a category of personal data and all that is done with it."""

    category: str
    purposes: tuple[str, ...]
    legal_bases: tuple[str, ...]
    recipients: tuple[Recipient, ...]
    retention: tuple[str, ...]  # rule keys (portal.retention.rules)

    @property
    def label(self):
        return category_name(self.category)

    @property
    def countries(self) -> list[str]:
        return sorted({recipient.country for recipient in self.recipients})


def _entries() -> Iterable[datamap.Personal]:
    yield from datamap.PERSONAL.values()
    yield from datamap.STORED_FILES.values()
    yield from datamap.OTHER_FILES.values()


def _in_order(values: Iterable) -> tuple:
    return tuple(dict.fromkeys(values))


def record(parties: Iterable | None = None) -> list[Line]:
    """The record, one line per category the data map uses (in the policy's order, any other
    after), from the active ``parties`` (default: the registry's)."""
    if parties is None:
        parties = registry.all_parties()
    active = [party for party in parties if party.active]
    by_category: dict[str, list[datamap.Personal]] = {}
    for entry in _entries():
        by_category.setdefault(str(entry.category), []).append(entry)
    order = {category.value: n for n, category in enumerate(Category)}
    lines = []
    for category in sorted(by_category, key=lambda value: (order.get(value, len(order)), value)):
        entries = by_category[category]
        lines.append(
            Line(
                category=category,
                purposes=_in_order(entry.purpose for entry in entries),
                legal_bases=tuple(datamap.LEGAL_BASES.get(category, ())),
                recipients=tuple(
                    Recipient(
                        party.id,
                        party.name,
                        party.country,
                        party.contract_reference,
                        party.breach_notice_hours,
                        party.transfer_basis,
                        party.transfer_review_on,
                    )
                    for party in active
                    if category in party.categories
                ),
                retention=_in_order(str(entry.retention) for entry in entries),
            )
        )
    return lines


def retention_periods() -> Mapping[str, str]:
    """Each rule's key and how long it keeps data, in words (the public schedule's)."""
    return {str(rule.key): rule.kept for rule in RULES}


def as_rows(lines: list[Line]) -> list[list[str]]:
    """The record as rows for CSV, the header first, one row per category, in the reader's
    language."""
    periods = retention_periods()
    return [
        [
            _("Category of personal data"),
            _("Purposes"),
            _("Legal basis"),
            _("Recipients"),
            _("Countries"),
            _("Basis for transfer abroad (PDPA s.129)"),
            _("Retention"),
        ],
        *(
            [
                line.label,
                "; ".join(line.purposes),
                "; ".join(str(BASIS_LABELS.get(basis, basis)) for basis in line.legal_bases),
                "; ".join(recipient.name for recipient in line.recipients) or _("None"),
                "; ".join(country_name(code) for code in line.countries) or _("None"),
                "; ".join(
                    f"{recipient.name}: {basis_label(recipient.transfer_basis) or _('not recorded')}"
                    for recipient in line.recipients
                    if recipient.abroad
                )
                or _("No transfer abroad"),
                "; ".join(periods.get(key, key) for key in line.retention),
            ]
            for line in lines
        ),
    ]
