"""One-time codes of RFC 6238 (TOTP) over RFC 4226 (HOTP), standard library only.

The technician's second factor when entering maintenance mode: an authenticator
app (or the demo panel) shows a 6-digit code that changes every 30 s, computed
from a secret shared with the back office. The back office checks it
(:func:`verify`); tests and the demo generate codes (:func:`totp`). The kiosk
itself never holds a technician's secret.

Defaults are what authenticator apps use: SHA-1, 30-second steps counted from
the Unix epoch, 6 digits, the secret written in base32 (RFC 4648, padding and
spaces optional, either case). :func:`verify` accepts the step of the given
time and one step either side (a phone clock a little off, a code typed at the
end of its 30 s) and returns the step that matched, so the caller can refuse a
code that was already used (a one-time code is used once).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
import struct
from urllib.parse import quote, urlencode

STEP_S = 30
DIGITS = 6
ALGORITHMS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha512": hashlib.sha512}


def decode_secret(secret_b32: str) -> bytes:
    """The key bytes of a base32 secret (either case, spaces and padding optional).

    Raises ValueError for anything that is not base32.
    """
    text = "".join(secret_b32.split()).upper().rstrip("=")
    if not text:
        raise ValueError("an empty TOTP secret")
    try:
        return base64.b32decode(text + "=" * (-len(text) % 8))
    except (binascii.Error, ValueError):
        raise ValueError("the TOTP secret is not base32") from None


def new_secret(n_bytes: int = 20) -> str:
    """A fresh random secret, base32 without padding (20 bytes: the RFC's SHA-1 key size)."""
    return base64.b32encode(secrets.token_bytes(n_bytes)).decode("ascii").rstrip("=")


def hotp(key: bytes, counter: int, *, digits: int = DIGITS, algorithm: str = "sha1") -> str:
    """RFC 4226: the ``digits``-digit code of ``counter`` (dynamic truncation)."""
    if counter < 0:
        raise ValueError("the counter is not negative")
    mac = hmac.new(key, struct.pack(">Q", counter), ALGORITHMS[algorithm]).digest()
    offset = mac[-1] & 0x0F
    value = struct.unpack(">I", mac[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10 ** digits:0{digits}d}"


def step_of(unix_s: float, *, step_s: int = STEP_S) -> int:
    """The time step (RFC 6238 ``T``) holding the moment ``unix_s``."""
    return int(unix_s // step_s)


def totp(secret: str | bytes, unix_s: float, *, step_s: int = STEP_S, digits: int = DIGITS,
         algorithm: str = "sha1") -> str:
    """The code shown at ``unix_s`` for ``secret`` (base32 text, or the key's bytes)."""
    key = decode_secret(secret) if isinstance(secret, str) else bytes(secret)
    return hotp(key, step_of(unix_s, step_s=step_s), digits=digits, algorithm=algorithm)


def verify(secret: str | bytes, code: str, unix_s: float, *, window: int = 1,
           step_s: int = STEP_S, digits: int = DIGITS, algorithm: str = "sha1",
           after_step: int | None = None) -> int | None:
    """The step whose code ``code`` is, within ``window`` steps of ``unix_s``; else None.

    ``after_step``: only steps after it count (the last step already used), so a
    code cannot be used twice. Every candidate is compared in constant time.
    """
    if not isinstance(code, str) or len(code) != digits or not code.isascii() \
            or not code.isdigit():
        return None
    key = decode_secret(secret) if isinstance(secret, str) else bytes(secret)
    now_step = step_of(unix_s, step_s=step_s)
    found = None
    for step in range(now_step - window, now_step + window + 1):
        if step < 0 or (after_step is not None and step <= after_step):
            continue
        if hmac.compare_digest(hotp(key, step, digits=digits, algorithm=algorithm), code) \
                and found is None:
            found = step
    return found


def provisioning_uri(secret_b32: str, account: str, issuer: str = "SSC kiosk") -> str:
    """The ``otpauth://totp/...`` URI an authenticator app reads from a QR code."""
    label = quote(f"{issuer}:{account}", safe=":")
    query = urlencode({"secret": "".join(secret_b32.split()).upper().rstrip("="),
                       "issuer": issuer, "algorithm": "SHA1", "digits": DIGITS,
                       "period": STEP_S})
    return f"otpauth://totp/{label}?{query}"
