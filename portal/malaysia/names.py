"""Whether two Malaysian names are the same name: case, spacing and punctuation, and the
patronymic connectors (bin/binti/b./bt., a/l, a/p and their long forms) written either way."""

from __future__ import annotations


def normalise(name: str) -> str:
    """A canonical form for comparison: lower case, one space, connectors in one spelling."""
    raise NotImplementedError


def same_name(a: str, b: str) -> bool:
    raise NotImplementedError
