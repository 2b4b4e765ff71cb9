"""The profile's tests judge what the profile does with a validator's verdict: the
validators of portal.malaysia are stood in for by tests/malaysia_standins.py."""

from __future__ import annotations

import pytest

from tests import malaysia_standins


@pytest.fixture(autouse=True)
def malaysian_rules(monkeypatch):
    malaysia_standins.install(monkeypatch)
