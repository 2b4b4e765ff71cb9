"""Finding 10 of issue 19 (two-factor): wrong codes after a right password never alerted
the owner, though they mean the password is known to someone.

The attacker logs in with the seller's password, then guesses codes at the second step.
After a few wrong codes the owner is emailed, once, in their language, with the way to
choose a new password.
"""

from __future__ import annotations

import pyotp
import pytest

from portal.clock import utcnow
from portal.extensions import db
from tests.support import PASSWORD, body_text, make_seller

SELLER = "seller@example.com"


def _wrong_code(secret: str) -> str:
    """Six digits that are no code of the app around now (nor shortly after)."""
    totp = pyotp.TOTP(secret)
    step = totp.timecode(utcnow())
    taken = {totp.generate_otp(s) for s in range(step - 3, step + 4)}
    return next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in taken)


@pytest.fixture
def owner(app):
    """A seller with two-factor log-in on (set up earlier, by the seller)."""
    secret = pyotp.random_base32()
    with app.app_context():
        user = make_seller(SELLER)
        user.totp_secret, user.totp_enabled_at = secret, utcnow()
        db.session.commit()
    return secret


def _guess(attacker, code: str, times: int) -> list[int]:
    first = attacker.post("/auth/login", data={"email": SELLER, "password": PASSWORD})
    assert first.headers["Location"] == "/auth/two-factor"
    return [
        attacker.post("/auth/two-factor", data={"code": code}).status_code for _ in range(times)
    ]


def _alerts(mailbox, subject="Wrong two-factor codes were entered on your Koopseri account"):
    return [m for m in mailbox.messages(SELLER) if m["Subject"] == subject]


def test_wrong_codes_after_the_right_password_alert_the_owner_once(app, owner, mailbox):
    attacker = app.test_client()
    assert _guess(attacker, _wrong_code(owner), 2) == [400, 400]
    assert _alerts(mailbox) == []
    _guess(attacker, _wrong_code(owner), 1)
    (alert,) = _alerts(mailbox)
    text = body_text(alert)
    assert "the right password" in text
    assert "/auth/reset" in text
    # More guesses in the same window, even from a fresh log-in: no second alert.
    _guess(app.test_client(), _wrong_code(owner), 2)
    assert len(_alerts(mailbox)) == 1


def test_the_alert_is_in_the_owners_language(app, owner, mailbox):
    with app.app_context():
        from portal.auth.models import User

        db.session.execute(db.update(User).values(locale="ms"))
        db.session.commit()
    _guess(app.test_client(), _wrong_code(owner), 3)
    (alert,) = _alerts(mailbox, "Kod dua faktor yang salah dimasukkan pada akaun Koopseri anda")
    assert "/auth/reset" in body_text(alert)


def test_a_right_code_in_between_starts_the_count_again(app, owner, mailbox):
    attacker = app.test_client()
    _guess(attacker, _wrong_code(owner), 2)
    right = attacker.post("/auth/two-factor", data={"code": pyotp.TOTP(owner).now()})
    assert right.headers["Location"] == "/dashboard"
    attacker.post("/auth/logout")
    _guess(app.test_client(), _wrong_code(owner), 2)
    assert _alerts(mailbox) == []


def test_wrong_codes_when_confirming_a_sensitive_act_count_too(app, owner, mailbox):
    """A session thief who knows the password, asked for the code again before a change."""
    thief = app.test_client()
    thief.post("/auth/login", data={"email": SELLER, "password": PASSWORD})
    assert thief.post("/auth/two-factor", data={"code": pyotp.TOTP(owner).now()}).status_code == 302
    for _ in range(3):
        answer = thief.post(
            "/auth/confirm", data={"password": PASSWORD, "code": _wrong_code(owner), "next": "/"}
        )
        assert answer.status_code == 400
    assert len(_alerts(mailbox)) == 1
