"""Encryption at rest: authenticated, bound to its column, keys from config, and rotation that
leaves every value readable under the new key alone."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from portal import create_app, crypto
from portal.auth.models import User
from portal.config import ConfigError
from portal.extensions import db
from portal.profile import services
from tests.support import make_seller

K1, K2, HASH = crypto.generate_key(), crypto.generate_key(), crypto.generate_key()


def _keys(*ids, current):
    known = {"k1": K1, "k2": K2}
    return {
        "ENCRYPTION_KEYS": {key_id: known[key_id] for key_id in ids},
        "ENCRYPTION_KEY_ID": current,
        "HASH_KEY": HASH,
    }


def test_values_round_trip_and_never_repeat(make_app):
    with make_app(**_keys("k1", current="k1")).app_context():
        first = crypto.encrypt("514012345678", "bank_accounts.account_number")
        second = crypto.encrypt("514012345678", "bank_accounts.account_number")
        assert first != second  # a fresh nonce each time: equal numbers do not look equal
        assert first.startswith("k1:") and "514012345678" not in first
        assert crypto.decrypt(first, "bank_accounts.account_number") == "514012345678"


def test_an_altered_or_moved_value_does_not_decrypt(make_app):
    with make_app(**_keys("k1", current="k1")).app_context():
        stored = crypto.encrypt("514012345678", "bank_accounts.account_number")
        key_id, payload = stored.split(":")
        flipped = payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1]
        with pytest.raises(crypto.DecryptionError):
            crypto.decrypt(f"{key_id}:{flipped}", "bank_accounts.account_number")
        with pytest.raises(crypto.DecryptionError):
            crypto.decrypt(stored, "users.totp_secret")  # copied into another column
        with pytest.raises(crypto.DecryptionError):
            crypto.decrypt("k9:" + payload, "bank_accounts.account_number")  # unknown key


def test_the_keyed_hash_needs_the_key(make_app):
    with make_app(**_keys("k1", current="k1")).app_context():
        digest = crypto.keyed_hash("514012345678", "bank")
    other = {**_keys("k1", current="k1"), "HASH_KEY": crypto.generate_key()}
    with make_app(**other).app_context():
        assert crypto.keyed_hash("514012345678", "bank") != digest


@pytest.mark.parametrize(
    "bad",
    [
        {"ENCRYPTION_KEYS": {"k1": "not base64!"}},
        {"ENCRYPTION_KEYS": {"k1": "c2hvcnQ="}},  # 5 bytes
        {"ENCRYPTION_KEYS": {"k:1": K1}},  # the separator in an id
        {"ENCRYPTION_KEY_ID": "k7"},
        {"HASH_KEY": "c2hvcnQ="},
    ],
)
def test_malformed_keys_stop_the_start(tmp_path, bad):
    config = {
        "INSTANCE_PATH": str(tmp_path),
        "SECRET_KEY": "s" * 40,
        "PUBLIC_URL": "https://sellers.koopseri.example",  # production's other requirements
        "DPO_EMAIL": "dpo@koopseri.example",
        **_keys("k1", current="k1"),
    }
    with pytest.raises(ConfigError, match="(?i)key"):
        create_app({**config, **bad})


def test_production_refuses_to_start_without_keys(tmp_path):
    with pytest.raises(ConfigError, match="without encryption keys"):
        create_app(
            {
                "INSTANCE_PATH": str(tmp_path),
                "SECRET_KEY": "s" * 40,
                "PUBLIC_URL": "https://sellers.koopseri.example",
                "DPO_EMAIL": "dpo@koopseri.example",
            }
        )


def _raw(app, query):
    with app.app_context():
        return [row[0] for row in db.session.execute(text(query))]


def test_rotation_re_encrypts_everything_under_the_new_key(make_app):
    old = make_app(**_keys("k1", current="k1"))
    numbers = {}
    with old.test_request_context():
        for i in range(5):
            user = make_seller(f"seller{i}@example.com")
            number = f"7000{i:08d}"
            services.update_financial(
                user,
                services.Financial("maybank", None, "Seller", number),
                actor=user,
            )
            user.totp_secret = f"JBSWY3DPEHPK3PX{i}"
            numbers[user.id] = number
        db.session.commit()
    assert all(v.startswith("k1:") for v in _raw(old, "SELECT account_number FROM bank_accounts"))

    both = make_app(**_keys("k1", "k2", current="k2"))
    runner = both.test_cli_runner()
    before = runner.invoke(args=["keys", "status"])
    assert "bank_accounts.account_number: 5 to rotate" in before.output
    assert "users.totp_secret: 5 to rotate" in before.output
    result = runner.invoke(args=["keys", "rotate", "--batch-size", "2"])
    assert result.exit_code == 0, result.output
    assert "bank_accounts.account_number: 5 re-encrypted" in result.output
    assert "Done: 10 values now under key k2." in result.output
    assert "0 to rotate" in runner.invoke(args=["keys", "status"]).output
    again = runner.invoke(args=["keys", "rotate"])
    assert "Done: 0 values" in again.output  # nothing left: safe to run twice

    stored = _raw(both, "SELECT account_number FROM bank_accounts") + _raw(
        both, "SELECT totp_secret FROM users WHERE totp_secret IS NOT NULL"
    )
    assert len(stored) == 10 and all(value.startswith("k2:") for value in stored)

    # The old key can now go: every value reads with the new key alone.
    new_only = make_app(**_keys("k2", current="k2"))
    with new_only.app_context():
        for user_id, number in numbers.items():
            assert services.bank_account_of(user_id).account_number == number
            assert db.session.get(User, user_id).totp_secret.startswith("JBSWY3DPEHPK3PX")
        # The keyed hash did not change, so equality search still works.
        first = next(iter(numbers))
        assert services.sellers_with_account_number(numbers[first]) == [first]


def test_rotation_without_the_old_key_stops_and_says_why(make_app):
    old = make_app(**_keys("k1", current="k1"))
    with old.test_request_context():
        user = make_seller()
        services.update_financial(
            user, services.Financial("cimb", None, "Seller", "123456789"), actor=user
        )
        db.session.commit()
    runner = make_app(**_keys("k2", current="k2")).test_cli_runner()
    result = runner.invoke(args=["keys", "rotate"])
    assert result.exit_code != 0
    assert "cannot be decrypted" in result.output
    assert _raw(old, "SELECT account_number FROM bank_accounts")[0].startswith("k1:")


def test_keys_generate_prints_a_usable_key(runner):
    key = runner.invoke(args=["keys", "generate"]).output.strip()
    crypto.Keyring.from_config({"new": key}, "new", key)  # raises if malformed
