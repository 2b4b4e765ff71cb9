"""The one redaction of links that prove a mailbox: found by the path of the routes marked
``secret_link``, whatever the host, the kind of mail or the markup around them."""

from __future__ import annotations

import pytest

from portal.outbox.redaction import redact_secret_links, secret_link_prefixes

HIDDEN = "(link sent by email only)"


def test_the_marked_routes_are_the_ones_that_prove_a_mailbox(app):
    assert secret_link_prefixes(app) == [
        "/auth/reset/",
        "/auth/verify/",
        "/privacy/request/copy/",
        "/profile/email/cancel/",
        "/profile/email/confirm/",
    ]


def test_every_route_that_takes_a_token_is_marked(app):
    """A route added later with a token in its URL is a secret link until shown otherwise."""
    prefixes = secret_link_prefixes(app)
    for rule in app.url_map.iter_rules():
        if "token" in rule.arguments:
            assert rule.rule.split("<", 1)[0] in prefixes, rule.rule


@pytest.mark.parametrize(
    "text",
    [
        "Open http://localhost/auth/verify/eyJrIjoi.Zk9Q.abc to confirm.",
        "Open https://portal.koopseri.com/auth/reset/eyJrIjoi.Zk9Q.abc",
        "Behind a path: https://example.com/portal/profile/email/confirm/abc-def_1?x=1 now",
        'HTML: <a href="https://portal.koopseri.com/profile/email/cancel/tok">cancel</a>',
        "Relative: /auth/reset/tok.en.sig",
    ],
)
def test_secret_links_are_hidden_wherever_they_point(app, text):
    with app.test_request_context():
        shown = redact_secret_links(text)
    assert "tok" not in shown and "abc" not in shown and "eyJ" not in shown
    assert HIDDEN in shown


@pytest.mark.parametrize(
    "text",
    [
        "Reset your password at http://localhost/auth/reset if it was not you.",
        "Log in: https://portal.koopseri.com/auth/login",
        "Your profile: https://portal.koopseri.com/profile/email",
        "",
    ],
)
def test_other_links_stay(app, text):
    with app.test_request_context():
        assert redact_secret_links(text) == text


def test_the_placeholder_can_be_given(app):
    with app.test_request_context():
        shown = redact_secret_links("go to /auth/verify/x now", placeholder="[hidden]")
    assert shown == "go to [hidden] now"
