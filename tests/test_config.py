"""Configuration chain, the production secret-key and PUBLIC_URL rules, TRUSTED_HOSTS, and the
SQLite defaults."""

from __future__ import annotations

import json
import sqlite3

import pytest
from sqlalchemy import text

from portal import create_app
from portal.config import ConfigError
from portal.crypto import generate_key
from portal.extensions import db

# A production app needs its encryption keys and its public address as well as a secret key.
KEYS = {
    "ENCRYPTION_KEYS": {"k1": generate_key()},
    "ENCRYPTION_KEY_ID": "k1",
    "HASH_KEY": generate_key(),
    "PUBLIC_URL": "https://sellers.koopseri.example",
    "DPO_EMAIL": "dpo@koopseri.example",
}


def test_defaults_then_instance_file_then_environment(tmp_path, monkeypatch):
    (tmp_path / "config.py").write_text(
        'SECRET_KEY = "k" * 40\nMAIL_SERVER = "from-file"\nMAIL_PORT = 2525\n'
        f"ENCRYPTION_KEYS = {KEYS['ENCRYPTION_KEYS']!r}\nHASH_KEY = {KEYS['HASH_KEY']!r}\n"
        f"PUBLIC_URL = {KEYS['PUBLIC_URL']!r}\nDPO_EMAIL = {KEYS['DPO_EMAIL']!r}\n"
    )
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["MAIL_SERVER"] == "from-file"
    assert app.config["MAIL_PORT"] == 2525
    assert app.config["BCRYPT_ROUNDS"] == 12  # untouched default

    monkeypatch.setenv("PORTAL_MAIL_SERVER", "from-env")
    monkeypatch.setenv("PORTAL_MAIL_PORT", "587")
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["MAIL_SERVER"] == "from-env"
    assert app.config["MAIL_PORT"] == 587  # parsed as JSON, so a number


def test_instance_path_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "elsewhere"))
    monkeypatch.setenv("PORTAL_SECRET_KEY", "s" * 40)
    monkeypatch.setenv("PORTAL_ENCRYPTION_KEYS", json.dumps(KEYS["ENCRYPTION_KEYS"]))
    monkeypatch.setenv("PORTAL_HASH_KEY", KEYS["HASH_KEY"])
    monkeypatch.setenv("PORTAL_PUBLIC_URL", KEYS["PUBLIC_URL"])
    monkeypatch.setenv("PORTAL_DPO_EMAIL", KEYS["DPO_EMAIL"])
    app = create_app()
    assert app.instance_path == str(tmp_path / "elsewhere")
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/elsewhere/portal.sqlite3"


@pytest.mark.parametrize("key", [None, "", "dev", "changeme", "too-short-a-key"])
def test_production_refuses_to_start_without_a_real_secret_key(tmp_path, key):
    with pytest.raises(ConfigError, match="Refusing to start in production"):
        create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": key, **KEYS})


def test_development_makes_a_key_and_keeps_it_across_restarts(tmp_path):
    first = create_app({"INSTANCE_PATH": str(tmp_path), "ENVIRONMENT": "development"})
    second = create_app({"INSTANCE_PATH": str(tmp_path), "ENVIRONMENT": "development"})
    assert len(first.config["SECRET_KEY"]) >= 32
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert (tmp_path / "dev-secret-key").stat().st_mode & 0o077 == 0


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "s" * 40, **KEYS})
    with app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        db.engine.dispose()


def test_sqlite_file_lives_in_the_instance_folder(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "s" * 40, **KEYS})
    with app.app_context():
        db.session.execute(text("SELECT 1"))
        db.engine.dispose()
    assert (tmp_path / "portal.sqlite3").exists()
    sqlite3.connect(tmp_path / "portal.sqlite3").close()


def test_production_trusts_only_the_host_of_public_url_unless_told(tmp_path):
    config = {"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "s" * 40, **KEYS}
    assert create_app(config).config["TRUSTED_HOSTS"] == ["sellers.koopseri.example"]
    told = create_app({**config, "TRUSTED_HOSTS": ["sellers.koopseri.example", "lb.internal"]})
    assert told.config["TRUSTED_HOSTS"] == ["sellers.koopseri.example", "lb.internal"]


def test_trusted_hosts_from_the_environment_as_a_list(tmp_path, monkeypatch):
    config = {"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "s" * 40, **KEYS}
    monkeypatch.setenv("PORTAL_TRUSTED_HOSTS", '["sellers.koopseri.example", ".koopseri.example"]')
    assert create_app(config).config["TRUSTED_HOSTS"] == [
        "sellers.koopseri.example",
        ".koopseri.example",
    ]
    monkeypatch.setenv("PORTAL_TRUSTED_HOSTS", "sellers.koopseri.example, lb.internal")
    assert create_app(config).config["TRUSTED_HOSTS"] == ["sellers.koopseri.example", "lb.internal"]


def test_trusted_hosts_must_include_public_url(tmp_path):
    config = {"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "s" * 40, **KEYS}
    with pytest.raises(ConfigError, match="TRUSTED_HOSTS"):
        create_app({**config, "TRUSTED_HOSTS": ["lb.internal"]})


def test_development_falls_back_to_the_local_address_and_any_host(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "ENVIRONMENT": "development"})
    assert app.config["PUBLIC_URL"] == "http://127.0.0.1:5000"
    assert app.config["TRUSTED_HOSTS"] is None


# --- the Data Protection Officer (PDPA s.12A) ---------------------------------------------


def test_production_refuses_to_start_without_the_dpos_email(tmp_path):
    config = {"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "s" * 40, **KEYS}
    del config["DPO_EMAIL"]
    with pytest.raises(ConfigError, match="without DPO_EMAIL"):
        create_app(config)


def test_the_dpo_settings_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_DPO_NAME", "Nurul Aina")
    monkeypatch.setenv("PORTAL_DPO_EMAIL", "dpo@koopseri.example")
    monkeypatch.setenv("PORTAL_DPO_PHONE", "+60 3-2712 0000")
    config = {"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "s" * 40, **KEYS}
    del config["DPO_EMAIL"]
    app = create_app(config)
    assert app.config["DPO_NAME"] == "Nurul Aina"
    assert app.config["DPO_EMAIL"] == "dpo@koopseri.example"
    assert app.config["DPO_PHONE"] == "+60327120000"  # stored as E.164


def test_development_has_a_dpo_at_example_com(tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "ENVIRONMENT": "development"})
    assert app.config["DPO_EMAIL"] == "dpo@example.com"
    assert app.config["DPO_NAME"] and app.config["DPO_PHONE"]


@pytest.mark.parametrize(
    "bad",
    [{"DPO_EMAIL": "not an address"}, {"DPO_EMAIL": "a@b@c"}, {"DPO_PHONE": "12345"}],
)
def test_a_malformed_dpo_contact_stops_the_start(tmp_path, bad):
    config = {"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "s" * 40, **KEYS}
    with pytest.raises(ConfigError, match="DPO_"):
        create_app({**config, **bad})


# --- document storage ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"DOCUMENT_STORAGE": "nfs"}, "must be 'local' or 's3'"),
        ({"DOCUMENT_STORAGE": "s3"}, "S3_BUCKET is not set"),
    ],
)
def test_document_storage_settings_are_checked_at_start(tmp_path, settings, message):
    config = {"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "s" * 40, **KEYS, **settings}
    with pytest.raises(ConfigError, match=message):
        create_app(config)


def test_document_storage_is_chosen_from_the_environment(tmp_path, monkeypatch):
    from portal.storage import S3Storage, storage

    monkeypatch.setenv("PORTAL_DOCUMENT_STORAGE", "s3")
    monkeypatch.setenv("PORTAL_S3_BUCKET", "koopseri-documents")
    monkeypatch.setenv("PORTAL_S3_PREFIX", "portal/")
    monkeypatch.setenv("PORTAL_S3_REGION", "ap-southeast-5")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "s" * 40, **KEYS})
    with app.app_context():
        store = storage()
        assert isinstance(store, S3Storage)
        assert (store.bucket, store.prefix) == ("koopseri-documents", "portal/")
        assert store.client.meta.region_name == "ap-southeast-5"
