"""Salted, deliberately slow hashes of short secrets (PINs, codes), standard library only.

A 6-digit PIN has a million values: a fast hash of it is read back by trying
them all. :func:`hash_secret` uses scrypt (RFC 7914) with a random 16-byte salt,
so a stolen table (the back office's technicians, a kiosk's configuration)
costs an attacker a real effort per guess and per entry, and two equal PINs do
not look equal. The stored text says its parameters,
``scrypt$16384$8$1$<salt base64>$<hash base64>``, so they can be raised later
without breaking what is stored.

Shared by the back office (technicians' PINs) and the kiosk (the local
maintenance code). Secrets are taken as bytes-like objects so a caller holding
a wipeable ``bytearray`` does not have to make an immutable copy.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import os

SCHEME = "scrypt"
#: scrypt cost: 16 MiB of memory and some tens of milliseconds per check
N, R, P = 2 ** 14, 8, 1
SALT_BYTES = 16
HASH_BYTES = 32
_MAXMEM = 64 * 1024 * 1024


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _derive(secret: bytes | bytearray | memoryview, salt: bytes, n: int, r: int, p: int,
            length: int) -> bytes:
    return hashlib.scrypt(bytes(secret) if isinstance(secret, memoryview) else secret,
                          salt=salt, n=n, r=r, p=p, maxmem=_MAXMEM, dklen=length)


def hash_secret(secret: bytes | bytearray | str) -> str:
    """The storable salted hash of ``secret`` (text is hashed as its UTF-8 bytes)."""
    data = secret.encode("utf-8") if isinstance(secret, str) else secret
    if not data:
        raise ValueError("an empty secret")
    salt = os.urandom(SALT_BYTES)
    digest = _derive(data, salt, N, R, P, HASH_BYTES)
    return f"{SCHEME}${N}${R}${P}${_b64(salt)}${_b64(digest)}"


def is_secret_hash(stored: object) -> bool:
    """Does ``stored`` look like a :func:`hash_secret` result (never a bare secret)?"""
    try:
        _parse(stored)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return True


def _parse(stored: str) -> tuple[int, int, int, bytes, bytes]:
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != SCHEME:
        raise ValueError("not a secret hash")
    n, r, p = (int(x) for x in parts[1:4])
    if n < 2 or n & (n - 1) or n > 2 ** 20 or not 1 <= r <= 32 or not 1 <= p <= 16:
        raise ValueError("unusable scrypt parameters")
    salt = base64.b64decode(parts[4], validate=True)
    digest = base64.b64decode(parts[5], validate=True)
    if len(salt) < 8 or len(digest) < 16:
        raise ValueError("salt or hash too short")
    return n, r, p, salt, digest


def verify_secret(stored: str, candidate: bytes | bytearray | str) -> bool:
    """Is ``candidate`` the secret ``stored`` was made from? (constant-time comparison)

    A malformed ``stored`` is False, never an exception: a broken configuration
    refuses every secret.
    """
    try:
        n, r, p, salt, digest = _parse(stored)
    except (TypeError, ValueError):
        return False
    data = candidate.encode("utf-8") if isinstance(candidate, str) else candidate
    if not data:
        return False
    return hmac.compare_digest(_derive(data, salt, n, r, p, len(digest)), digest)


@functools.lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_secret(os.urandom(16))


def verify_nothing(candidate: bytes | bytearray | str) -> bool:
    """Spend the time of a real check and answer False (an unknown account must not
    answer faster than a known one with a wrong secret)."""
    verify_secret(_dummy_hash(), candidate or b"0")
    return False
