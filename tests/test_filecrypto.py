"""Sealed files: every size round-trips, and any change, cut, swap or move fails."""

from __future__ import annotations

import io

import pytest

from portal import filecrypto
from portal.crypto import DecryptionError

CHUNK = filecrypto.CHUNK_BYTES


def _seal(data: bytes, context="document_files:abc") -> bytes:
    return b"".join(filecrypto.seal(io.BytesIO(data), context))


def _unseal(sealed: bytes, context="document_files:abc") -> bytes:
    return b"".join(filecrypto.unseal(io.BytesIO(sealed), context))


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 5])
def test_every_size_round_trips(app, size):
    data = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    with app.app_context():
        sealed = _seal(data)
        assert size < 32 or data[:32] not in sealed
        assert _unseal(sealed) == data


def test_the_header_names_the_key(app):
    with app.app_context():
        key_id, _ = filecrypto.read_header(io.BytesIO(_seal(b"hello")))
        assert key_id == app.config["ENCRYPTION_KEY_ID"]


SEALED_CHUNK = CHUNK + 16


def _chunks(sealed: bytes) -> tuple[bytes, list[bytes]]:
    _, header = filecrypto.read_header(io.BytesIO(sealed))
    body = sealed[len(header) :]
    return header, [body[i : i + SEALED_CHUNK] for i in range(0, len(body), SEALED_CHUNK)]


def _flip_a_bit(header, chunks):
    first = chunks[0]
    return header + bytes([first[0] ^ 1]) + first[1:] + b"".join(chunks[1:])


def _cut_the_end(header, chunks):
    return header + b"".join(chunks)[: -(CHUNK // 2)]


def _drop_the_last_chunk(header, chunks):
    return header + b"".join(chunks[:-1])


def _swap_two_chunks(header, chunks):
    return header + chunks[1] + chunks[0] + b"".join(chunks[2:])


def _not_sealed(header, chunks):
    return b"XXXX" + header[4:] + b"".join(chunks)


@pytest.mark.parametrize(
    "damage", [_flip_a_bit, _cut_the_end, _drop_the_last_chunk, _swap_two_chunks, _not_sealed]
)
def test_damage_is_detected(app, damage):
    with app.app_context():
        header, chunks = _chunks(_seal(b"a" * (2 * CHUNK + 100)))
        assert len(chunks) == 3
        with pytest.raises(DecryptionError):
            _unseal(damage(header, chunks))


def test_a_file_moved_to_another_name_does_not_open(app):
    with app.app_context():
        sealed = _seal(b"passport scan", context="document_files:one")
        with pytest.raises(DecryptionError):
            _unseal(sealed, context="document_files:two")
