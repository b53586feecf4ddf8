"""Request signatures of the back-office API (``shared/spec/backoffice-api.md``).

Shared by the kiosk's client and the reference back office, so it imports
neither Flask nor requests. A signature is the lowercase hex HMAC-SHA256, with
the kiosk's secret, over::

    METHOD + "\\n" + PATH_WITH_QUERY + "\\n" + TIMESTAMP + "\\n" + sha256_hex(BODY)

``PATH_WITH_QUERY`` is the request target exactly as sent (``/v1/card-auth``,
``/v1/x?a=1``), ``TIMESTAMP`` the ``X-Timestamp`` header exactly as sent (Unix
seconds) and ``BODY`` the exact body bytes (empty for none).
"""

from __future__ import annotations

import hashlib
import hmac
import time

KIOSK_ID_HEADER = "X-Kiosk-Id"
TIMESTAMP_HEADER = "X-Timestamp"
SIGNATURE_HEADER = "X-Signature"
IDEMPOTENCY_KEY_HEADER = "Idempotency-Key"

#: the largest difference between the kiosk's and the server's clock, in seconds
MAX_CLOCK_SKEW_S = 300


def _bytes(value: str | bytes | bytearray | None) -> bytes:
    if value is None:
        return b""
    if isinstance(value, str):
        return value.encode("utf-8")
    return bytes(value)


def body_digest(body: bytes | str | None) -> str:
    """Lowercase hex SHA-256 of the body (of ``b""`` when there is none)."""
    return hashlib.sha256(_bytes(body)).hexdigest()


def string_to_sign(method: str, path_with_query: str, timestamp: int | str,
                   body: bytes | str | None) -> bytes:
    return "\n".join(
        (method.upper(), path_with_query, str(timestamp), body_digest(body))
    ).encode("utf-8")


def signature(secret: str | bytes, method: str, path_with_query: str,
              timestamp: int | str, body: bytes | str | None) -> str:
    """The ``X-Signature`` value: lowercase hex HMAC-SHA256."""
    return hmac.new(_bytes(secret), string_to_sign(method, path_with_query, timestamp, body),
                    hashlib.sha256).hexdigest()


def verify(secret: str | bytes, method: str, path_with_query: str, timestamp: int | str,
           body: bytes | str | None, presented: str | None) -> bool:
    """Constant-time check of a presented signature (hex; case is ignored)."""
    return _matches(signature(secret, method, path_with_query, timestamp, body), presented)


def _matches(expected: str, presented: str | None) -> bool:
    """Constant-time comparison of an expected hex signature with a presented one."""
    if not presented or not isinstance(presented, str):
        return False
    try:
        candidate = presented.strip().lower().encode("ascii")
    except UnicodeEncodeError:
        return False
    return hmac.compare_digest(expected.encode("ascii"), candidate)


def signed_headers(kiosk_id: str, secret: str | bytes, method: str, path_with_query: str,
                   body: bytes | str | None, *, timestamp: int | None = None) -> dict[str, str]:
    """The three authentication headers for one request (``timestamp`` defaults to now)."""
    ts = str(int(time.time()) if timestamp is None else int(timestamp))
    return {
        KIOSK_ID_HEADER: kiosk_id,
        TIMESTAMP_HEADER: ts,
        SIGNATURE_HEADER: signature(secret, method, path_with_query, ts, body),
    }


# --- a late replay of a citizen write (docs/outbox.md, "A replay after the session") ----------

#: Unix seconds of the request's first send, on every outbox replay of a citizen write
ORIGINAL_TIMESTAMP_HEADER = "X-Original-Timestamp"
#: lowercase hex HMAC-SHA256 with the kiosk's secret over :func:`replay_string_to_sign`
ORIGINAL_SIGNATURE_HEADER = "X-Original-Signature"


def replay_string_to_sign(method: str, path_with_query: str, original_timestamp: int | str,
                          body: bytes | str | None, idempotency_key: str,
                          authorization: str | None) -> bytes:
    """What ``X-Original-Signature`` signs: the request as first sent, bound to its key and
    session token (``Authorization`` exactly as sent)::

        "REPLAY" \\n METHOD \\n PATH_WITH_QUERY \\n ORIGINAL_TIMESTAMP \\n sha256_hex(BODY)
                 \\n IDEMPOTENCY_KEY \\n sha256_hex(AUTHORIZATION)
    """
    return "\n".join(("REPLAY", method.upper(), path_with_query, str(original_timestamp),
                      body_digest(body), str(idempotency_key).strip().lower(),
                      body_digest(authorization or ""))).encode("utf-8")


def replay_signature(secret: str | bytes, method: str, path_with_query: str,
                     original_timestamp: int | str, body: bytes | str | None,
                     idempotency_key: str, authorization: str | None) -> str:
    """The ``X-Original-Signature`` value."""
    return hmac.new(_bytes(secret), replay_string_to_sign(
        method, path_with_query, original_timestamp, body, idempotency_key, authorization),
        hashlib.sha256).hexdigest()


def verify_replay(secret: str | bytes, method: str, path_with_query: str,
                  original_timestamp: int | str, body: bytes | str | None,
                  idempotency_key: str, authorization: str | None,
                  presented: str | None) -> bool:
    """Constant-time check of a presented ``X-Original-Signature``."""
    return _matches(replay_signature(secret, method, path_with_query, original_timestamp, body,
                                     idempotency_key, authorization), presented)
