"""Encryption at rest for stored files, in chunks, so no file is ever held whole in memory.

The same keys as :mod:`portal.crypto` (and the same rotation): a sealed file starts with a
header naming its key, followed by the file in 64 KiB chunks, each sealed with AES-256-GCM.
Each chunk's nonce carries its number and whether it is the last one, so chunks cannot be
reordered, dropped or cut off at the end without decryption failing (the STREAM construction
of Hoang, Reyhanitabar, Rogaway and Vizár). The header and a context naming the stored object
are bound in as associated data, so a file copied under another name does not decrypt.

Layout: ``b"KSF1"``, key-id length (1 byte), key id, nonce prefix (7 bytes); then chunks of
``CHUNK_BYTES`` plaintext + 16-byte tag each, the last one shorter (possibly empty).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import BinaryIO

from cryptography.exceptions import InvalidTag

from portal.crypto import DecryptionError, keyring

MAGIC = b"KSF1"
CHUNK_BYTES = 64 * 1024
_TAG_BYTES = 16
_PREFIX_BYTES = 7


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + counter.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


def _read_full(source: BinaryIO, size: int) -> bytes:
    """Up to ``size`` bytes, short only at the end of the stream."""
    parts, wanted = [], size
    while wanted:
        part = source.read(wanted)
        if not part:
            break
        parts.append(part)
        wanted -= len(part)
    return b"".join(parts)


def seal(source: BinaryIO, context: str) -> Iterator[bytes]:
    """The sealed form of ``source`` under the current key, chunk by chunk."""
    ring = keyring()
    key_id = ring.current.encode("ascii")
    header = MAGIC + bytes([len(key_id)]) + key_id + os.urandom(_PREFIX_BYTES)
    cipher, prefix = ring.ciphers[ring.current], header[-_PREFIX_BYTES:]
    associated = header + context.encode()
    yield header
    counter, chunk = 0, _read_full(source, CHUNK_BYTES)
    while True:
        following = _read_full(source, CHUNK_BYTES) if len(chunk) == CHUNK_BYTES else b""
        last = not following
        yield cipher.encrypt(_nonce(prefix, counter, last), chunk, associated)
        if last:
            return
        counter, chunk = counter + 1, following


def read_header(sealed: BinaryIO) -> tuple[str, bytes]:
    """The key id and the raw header of a sealed file; leaves the stream after the header."""
    start = _read_full(sealed, len(MAGIC) + 1)
    if len(start) != len(MAGIC) + 1 or not start.startswith(MAGIC):
        raise DecryptionError("not a sealed file")
    key_id = _read_full(sealed, start[-1])
    prefix = _read_full(sealed, _PREFIX_BYTES)
    if len(prefix) != _PREFIX_BYTES:
        raise DecryptionError("the sealed file is cut short")
    return key_id.decode("ascii", "replace"), start + key_id + prefix


def unseal(sealed: BinaryIO, context: str) -> Iterator[bytes]:
    """The plaintext of a sealed file, chunk by chunk; raises :class:`DecryptionError`
    (possibly after some chunks were yielded) if any part was altered, moved or cut off."""
    key_id, header = read_header(sealed)
    cipher = keyring().ciphers.get(key_id)
    if cipher is None:
        raise DecryptionError(f"key {key_id!r} is not configured")
    prefix, associated = header[-_PREFIX_BYTES:], header + context.encode()
    size = CHUNK_BYTES + _TAG_BYTES
    counter, chunk = 0, _read_full(sealed, size)
    while True:
        following = _read_full(sealed, size) if len(chunk) == size else b""
        last = not following
        try:
            yield cipher.decrypt(_nonce(prefix, counter, last), chunk, associated)
        except InvalidTag as exc:
            raise DecryptionError("the file was altered, moved or cut short") from exc
        if last:
            return
        counter, chunk = counter + 1, following
