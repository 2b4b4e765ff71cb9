"""MARKETPLACE_API_TOKENS: one token or a few (a list, or separated by commas), each long
and of the bearer-token alphabet; a bad one stops the start without being repeated."""

from __future__ import annotations

import json

import pytest

from portal import create_app
from portal.config import ConfigError
from tests.api.conftest import NEXT_TOKEN, TOKEN


def _tokens(tmp_path, value):
    app = create_app(
        {"TESTING": True, "INSTANCE_PATH": str(tmp_path), "MARKETPLACE_API_TOKENS": value}
    )
    return app.config["MARKETPLACE_API_TOKENS"]


@pytest.mark.parametrize(
    ("value", "tokens"),
    [
        (None, ()),
        ("", ()),
        ([], ()),
        (TOKEN, (TOKEN,)),
        (f"{TOKEN}, {NEXT_TOKEN}", (TOKEN, NEXT_TOKEN)),
        ([TOKEN, NEXT_TOKEN], (TOKEN, NEXT_TOKEN)),
    ],
    ids=["unset", "empty", "no-list", "one", "comma-separated", "list"],
)
def test_the_tokens_are_read_as_a_tuple(tmp_path, value, tokens):
    assert _tokens(tmp_path, value) == tokens


def test_a_json_list_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_MARKETPLACE_API_TOKENS", json.dumps([TOKEN, NEXT_TOKEN]))
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path)})
    assert app.config["MARKETPLACE_API_TOKENS"] == (TOKEN, NEXT_TOKEN)


@pytest.mark.parametrize(
    "value",
    [
        "short-token-31-characters-long!",
        "s" * 31,
        "a token with spaces in it that is long enough",
        "é" * 40,
        [TOKEN, "s" * 31],
        [TOKEN, 12345678901234567890123456789012345],
        {"token": TOKEN},
    ],
    ids=["short", "31", "spaces", "not-ascii", "second-short", "a-number", "an-object"],
)
def test_a_bad_token_stops_the_start_and_is_not_repeated(tmp_path, value):
    with pytest.raises(ConfigError, match="MARKETPLACE_API_TOKENS") as refused:
        _tokens(tmp_path, value)
    message = str(refused.value)
    for token in value if isinstance(value, list) else [value]:
        if isinstance(token, str):
            assert token not in message
