"""Who an account belongs to: a seller, or a member of staff in one of four roles. The Data
Protection Officer (``dpo``) is the one PDPA s.12A requires: they work privacy requests and
breaches and read the audit trail.

Apart from the models so that the back office's permissions matrix, which names roles, can
import them without reaching for a model (:mod:`portal.auth.models` re-exports both).
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    SELLER = "seller"
    ADMIN = "admin"
    REVIEWER = "reviewer"
    SUPPORT = "support"
    DPO = "dpo"


STAFF_ROLES = (Role.ADMIN, Role.REVIEWER, Role.SUPPORT, Role.DPO)
