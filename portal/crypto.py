"""Encryption at rest for the values that must never sit in the database in clear.

Bank account numbers, ID numbers and two-factor secrets are stored with AES-256-GCM
(authenticated: a changed byte fails to decrypt rather than decrypting to garbage). Each
stored value reads ``<key id>:<base64 of nonce + ciphertext + tag>``, so several keys can be
live at once: new values use the current key, old ones stay readable under theirs until
``flask --app wsgi keys rotate`` re-encrypts them. The column's name is bound in as associated
data, so a value copied into another column does not decrypt there.

Equality search over an encrypted value uses :func:`keyed_hash`, an HMAC under a separate
key: it reveals whether two values are equal and nothing else.

Keys come only from configuration (``ENCRYPTION_KEYS``, ``ENCRYPTION_KEY_ID``, ``HASH_KEY``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import Flask, current_app
from sqlalchemy import MetaData, String, Table, bindparam, func, select, type_coerce, update
from sqlalchemy.types import TypeDecorator

from portal.config import ConfigError, is_development

KEY_BYTES = 32  # AES-256
_NONCE_BYTES = 12
_KEY_ID = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
_EXTENSION = "portal.crypto"


class DecryptionError(Exception):
    """A stored value whose key is not configured, or that was altered or moved."""


def generate_key() -> str:
    """A fresh random key, in the form the configuration expects."""
    return base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")


def _decode_key(name: str, value: str) -> bytes:
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, TypeError) as exc:
        raise ConfigError(
            f"{name} is not base64; make one with `flask --app wsgi keys generate`"
        ) from exc
    if len(raw) != KEY_BYTES:
        raise ConfigError(f"{name} must be {KEY_BYTES} random bytes, base64-encoded")
    return raw


@dataclass(frozen=True)
class Keyring:
    ciphers: dict[str, AESGCM]
    current: str
    hash_key: bytes

    @classmethod
    def from_config(cls, keys: dict, current: str | None, hash_key: str) -> Keyring:
        if not isinstance(keys, dict) or not keys:
            raise ConfigError("ENCRYPTION_KEYS must map key ids to keys")
        ciphers = {}
        for key_id, value in keys.items():
            if not _KEY_ID.match(str(key_id)):
                raise ConfigError(f"key id {key_id!r}: use 1-16 letters, digits, - or _")
            ciphers[str(key_id)] = AESGCM(_decode_key(f"ENCRYPTION_KEYS[{key_id}]", value))
        if current is None and len(ciphers) == 1:
            current = next(iter(ciphers))
        if current not in ciphers:
            raise ConfigError("ENCRYPTION_KEY_ID must name one of ENCRYPTION_KEYS")
        return cls(ciphers, current, _decode_key("HASH_KEY", hash_key))


def init_app(app: Flask) -> None:
    """Read and check the keys once, at start-up; production refuses to run without them."""
    config = app.config
    if not config.get("ENCRYPTION_KEYS") or not config.get("HASH_KEY"):
        if not is_development(app):
            raise ConfigError(
                "Refusing to start in production without encryption keys: set "
                "PORTAL_ENCRYPTION_KEYS (a JSON object of key id to key), PORTAL_ENCRYPTION_KEY_ID "
                "and PORTAL_HASH_KEY, each key 32 random bytes in base64 (see the README's deploy steps)."
            )
        config.update(_development_keys(Path(app.instance_path)))
    app.extensions[_EXTENSION] = Keyring.from_config(
        config["ENCRYPTION_KEYS"], config.get("ENCRYPTION_KEY_ID"), config["HASH_KEY"]
    )


def _development_keys(instance: Path) -> dict:
    """Random keys kept in the instance folder, so a development restart can still decrypt."""
    path = instance / "dev-encryption-keys.json"
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        keys = {
            "ENCRYPTION_KEYS": {"dev1": generate_key()},
            "ENCRYPTION_KEY_ID": "dev1",
            "HASH_KEY": generate_key(),
        }
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(keys))
        path.chmod(0o600)
        return keys


def keyring() -> Keyring:
    return current_app.extensions[_EXTENSION]


def encrypt(plaintext: str, context: str) -> str:
    """``plaintext`` under the current key, bound to ``context`` (the column's name)."""
    ring = keyring()
    nonce = os.urandom(_NONCE_BYTES)
    sealed = ring.ciphers[ring.current].encrypt(nonce, plaintext.encode("utf-8"), context.encode())
    return f"{ring.current}:{base64.urlsafe_b64encode(nonce + sealed).decode('ascii')}"


def key_id_of(stored: str) -> str:
    return stored.split(":", 1)[0]


def decrypt(stored: str, context: str) -> str:
    """The plaintext of a value made by :func:`encrypt`; raises :class:`DecryptionError`."""
    key_id, _, payload = stored.partition(":")
    cipher = keyring().ciphers.get(key_id)
    if cipher is None:
        raise DecryptionError(f"key {key_id!r} is not configured")
    try:
        raw = base64.urlsafe_b64decode(payload.encode("ascii"))
        plain = cipher.decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], context.encode())
    except (InvalidTag, ValueError, binascii.Error) as exc:
        raise DecryptionError("the value was altered or belongs to another column") from exc
    return plain.decode("utf-8")


def keyed_hash(value: str, purpose: str) -> str:
    """An HMAC-SHA256 of ``value`` under the hash key, for equality search without the value."""
    message = f"{purpose}\x1f{value}".encode()
    return hmac.new(keyring().hash_key, message, hashlib.sha256).hexdigest()


class Encrypted(TypeDecorator):
    """A text column stored encrypted; reads and writes plaintext in Python.

    ``context`` is the column's own name, e.g. ``"bank_accounts.account_number"``.
    """

    impl = String
    cache_ok = True

    def __init__(self, context: str, length: int = 255):
        super().__init__(length)  # the stored text: the key's id, the nonce and the sealed value
        self.context = context

    def process_bind_param(self, value, dialect):
        return None if value is None else encrypt(value, self.context)

    def process_result_value(self, value, dialect):
        return None if value is None else decrypt(value, self.context)


# --- rotation ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class EncryptedColumn:
    table: Table
    name: str
    context: str

    @property
    def label(self) -> str:
        return f"{self.table.name}.{self.name}"


def encrypted_columns(metadata: MetaData) -> list[EncryptedColumn]:
    """Every column of every table declared with :class:`Encrypted`, in a stable order."""
    found = []
    for table in metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, Encrypted):
                found.append(EncryptedColumn(table, column.name, column.type.context))
    return found


def _stale(column: EncryptedColumn):
    raw = type_coerce(column.table.c[column.name], String)
    return raw.is_not(None) & ~raw.startswith(keyring().current + ":", autoescape=True)


def count_stale(session, column: EncryptedColumn) -> int:
    """How many values in ``column`` are not yet under the current key."""
    return session.scalar(select(func.count()).select_from(column.table).where(_stale(column)))


def rotate_batch(session, column: EncryptedColumn, limit: int, after=None) -> list:
    """Re-encrypt under the current key up to ``limit`` values of ``column`` whose row's
    primary key is greater than ``after``; flushes only. Returns those primary keys, in
    order: pass the last one as ``after`` for the next batch; an empty list means done.

    Rows are read and written as raw text (the stored form), so nothing passes through the
    ORM, and each batch starts where the last one ended instead of rescanning the table.
    """
    table = column.table
    primary_key = list(table.primary_key.columns)[0]
    raw = type_coerce(table.c[column.name], String)
    query = select(primary_key, raw.label("stored")).where(_stale(column))
    if after is not None:
        query = query.where(primary_key > after)
    rows = session.execute(query.order_by(primary_key).limit(limit)).all()
    statement = (
        update(table)
        .where(primary_key == bindparam("row_id"))
        .values({column.name: bindparam("fresh", type_=String)})
    )
    for row_id, stored in rows:
        fresh = encrypt(decrypt(stored, column.context), column.context)
        session.execute(statement, {"row_id": row_id, "fresh": fresh})
    return [row_id for row_id, _ in rows]
