"""Small stand-ins for the validators of :mod:`portal.malaysia` that another branch writes
(issue 23), so that the profile's tests run against their signatures now. They know only
the shapes the tests use; the real rules, with their sources, are in portal/malaysia.

The profile's tests install all of them (``tests/profile/conftest.py``): those tests are
about what the profile does with a verdict, not about the verdict. The session-wide fixture
in ``tests/conftest.py`` installs ``same_name`` only while the real one is not written.
"""

from __future__ import annotations

import re

from portal.malaysia import Invalid
from portal.malaysia.business import SellingAs, SSMNumber

# The new SSM number's entity code (digits 5-6), by kind.
_ENTITY = {"01": SellingAs.COMPANY, "03": SellingAs.BUSINESS, "04": SellingAs.LLP}


def ssm_number(text: str, selling_as: SellingAs) -> SSMNumber:
    value = re.sub(r"[\s-]", "", text or "") if text.replace("-", "").isdigit() else text
    if re.fullmatch(r"(19|20)\d{2}(01|03|04)\d{6}", value):
        if _ENTITY[value[4:6]] != selling_as:
            raise Invalid("ssm_type")
        return SSMNumber(value, None)
    old = text.strip().upper()
    if re.fullmatch(r"[A-Z0-9]{4,12}-[A-Z]{1,3}", old):
        return SSMNumber(None, old)
    raise Invalid("ssm_format")


def tin(text: str) -> str:
    value = re.sub(r"\s", "", text or "").upper()
    if not re.fullmatch(r"(IG|C|D|E|F|J|PT|TA|TC|TN|TR)\d{9,11}", value):
        raise Invalid("tin_format")
    return value


def sst_number(text: str) -> str:
    value = re.sub(r"\s", "", text or "").upper()
    if not re.fullmatch(r"[A-Z]\d{2}-\d{4}-\d{8}", value):
        raise Invalid("sst_format")
    return value


_CONNECTORS = {
    "binti": "binti", "bte": "binti", "bt": "binti",
    "bin": "bin", "b": "bin",
    "a/l": "a/l", "al": "a/l", "a/p": "a/p", "ap": "a/p",
}  # fmt: skip
_LONG = {"anak lelaki": "a/l", "anak perempuan": "a/p"}


def _words(name: str) -> list[str]:
    text = name.lower()
    for long, short in _LONG.items():
        text = text.replace(long, short)
    words = re.sub(r"[^\w/ ]", " ", text).split()
    return [_CONNECTORS.get(word, word) for word in words]


def same_name(a: str, b: str) -> bool:
    return _words(a) == _words(b)


def install(monkeypatch, *, names_only: bool = False) -> None:
    from portal.malaysia import business, names

    monkeypatch.setattr(names, "same_name", same_name)
    if not names_only:
        monkeypatch.setattr(business, "ssm_number", ssm_number)
        monkeypatch.setattr(business, "tin", tin)
        monkeypatch.setattr(business, "sst_number", sst_number)
