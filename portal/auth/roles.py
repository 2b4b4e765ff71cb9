"""Who an account belongs to: a seller, or a member of staff in one of three roles.

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


STAFF_ROLES = (Role.ADMIN, Role.REVIEWER, Role.SUPPORT)
