"""What the kinds of request, their states and the statutory grounds for refusing are
called, in the page's language. The grounds are the law's own list, by section."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.requests.models import Kind, Status

KINDS = {
    Kind.ACCESS: _l("A copy of my data"),
    Kind.CORRECTION: _l("Correct my data"),
    Kind.PORTABILITY: _l("Move my data to another service"),
    Kind.OBJECTION: _l("Stop using my data for a purpose"),
    Kind.DELETION: _l("Delete my data"),
}

STATES = {
    Status.OPEN: _l("Waiting for an answer"),
    Status.EXTENDED: _l("Waiting for an answer, extended by 14 days"),
    Status.ANSWERED: _l("Answered"),
    Status.REFUSED: _l("Refused"),
}

# Refusal grounds, by the kind of request they may refuse. Access: PDPA s.32(1);
# correction: s.36(1); portability: s.43A (only "where technically feasible"); objection:
# s.42(2) read with s.6(2) (processing the seller's contract needs); deletion: s.10 (data
# the law requires us to keep).
GROUNDS: dict[str, tuple[Kind, object]] = {
    "s32_identity": (
        Kind.ACCESS,
        _l("s.32(1)(a): we were not given what we need to confirm who is asking"),
    ),
    "s32_locate": (
        Kind.ACCESS,
        _l("s.32(1)(b): we were not given what we need to find the data asked for"),
    ),
    "s32_burden": (
        Kind.ACCESS,
        _l("s.32(1)(c): the burden or expense is out of proportion to the risk to your privacy"),
    ),
    "s32_other_person": (
        Kind.ACCESS,
        _l("s.32(1)(d): the data cannot be given without disclosing another person's data"),
    ),
    "s32_court_order": (
        Kind.ACCESS,
        _l("s.32(1)(f): giving it would go against a court order"),
    ),
    "s32_confidential": (
        Kind.ACCESS,
        _l("s.32(1)(g): it would disclose confidential commercial information"),
    ),
    "s32_other_law": (
        Kind.ACCESS,
        _l("s.32(1)(h): access to this data is regulated by another law"),
    ),
    "s36_information": (
        Kind.CORRECTION,
        _l("s.36(1)(a): we were not told how the data is inaccurate, incomplete or out of date"),
    ),
    "s36_not_inaccurate": (
        Kind.CORRECTION,
        _l("s.36(1)(b): we are not satisfied that the data is inaccurate"),
    ),
    "s36_correction_wrong": (
        Kind.CORRECTION,
        _l("s.36(1)(c): we are not satisfied that the correction asked for is accurate"),
    ),
    "s36_other_controller": (
        Kind.CORRECTION,
        _l("s.36(1)(d): another data user controls this data and does not allow the change"),
    ),
    "s43a_not_feasible": (
        Kind.PORTABILITY,
        _l("s.43A: transmitting the data to that service is not technically feasible"),
    ),
    "s42_contract": (
        Kind.OBJECTION,
        _l("s.42(2) with s.6(2)(a): the processing is needed for your contract with us"),
    ),
    "s10_legal_duty": (
        Kind.DELETION,
        _l("s.10: the law requires us to keep this data for now"),
    ),
}


def grounds_for(kind: str) -> list[tuple[str, object]]:
    return [(key, text) for key, (of_kind, text) in GROUNDS.items() if of_kind == kind]
