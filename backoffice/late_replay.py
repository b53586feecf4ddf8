"""A citizen write replayed by the kiosk's outbox after the citizen's session ended.

The kiosk's outbox keeps a write whose outcome is unknown (a 5xx, a timeout, a
cut connection) and asks again with the same ``Idempotency-Key`` until the
back office's stored answer says what happened (docs/outbox.md). When the
request never took effect (the back office failed before acting), the replay
has to run it; by then the session token may have expired or been ended.

Such a replay carries two more headers (:mod:`kiosk.signing`):

- ``X-Original-Timestamp``: Unix seconds when the kiosk first made the request;
- ``X-Original-Signature``: HMAC-SHA256 with the kiosk's secret over
  ``"REPLAY", METHOD, PATH_WITH_QUERY, X-Original-Timestamp, sha256(BODY),
  Idempotency-Key, sha256(Authorization)`` (:func:`kiosk.signing.replay_string_to_sign`),
  which binds the claimed time to this body, this key and this token.

:func:`original_timestamp` checks the claim on the routes marked
:func:`backoffice.citizen.citizen_write`, whatever the session's state (both
headers well-formed, the original signature right, the original time not after
the fresh ``X-Timestamp``; else ``401 BAD_SIGNATURE``); :func:`admit` then lets
it through with a dead session when:

1. the token is a verified session of THIS kiosk that merely expired or ended
   (never an unknown token, another kiosk's, or a session still waiting for its
   SMS code);
2. the original time lies inside the session's lifetime, from its opening to
   its expiry or its end, whichever came first, give or take :data:`SLACK_S`
   (else the ``401 SESSION_EXPIRED`` a late request gets anyway, with
   ``details.original_time``);
3. the original time is at most ``late_replay_window_s`` (24 h) ago, else
   ``401 REPLAY_TOO_OLD`` with ``details.outcome``: ``not_done`` when the
   idempotency store still covers the key's whole life (nothing was done under
   it, and now nothing will be), ``unknown`` when it may have been purged.

The stored answer of the key is always looked up first (by
:func:`backoffice.citizen.citizen_write`), so a replay of a request that did
take effect gets that answer and never a second effect; the window is at most
the idempotency retention (:meth:`BackOfficeConfig.validate`), so a request
is never run again after its first answer was forgotten.

Times: the kiosk signs with its own wall clock, which may be off the server's by up
to ``max_clock_skew_s``; the fresh ``X-Timestamp`` shows by how much, and the
original time is corrected by it. Sessions live in business time (wall time +
the demo/test offset), so the original time is moved by the current offset
before it is compared with the session.
"""

from __future__ import annotations

import datetime as dt
import logging
import re

from flask import g, request

from kiosk import signing

from .app import state
from .auth import signed_path
from .config import iso_utc
from .errors import ApiError, bad_signature
from .idempotency import parse_key
from .models import CitizenSession

log = logging.getLogger("backoffice.late_replay")

_SECONDS_RE = re.compile(r"^[0-9]{1,12}$")
_HEX64_RE = re.compile(r"^[0-9A-Fa-f]{64}$")
#: whole-second timestamps and the estimate of the kiosk's clock are this precise
SLACK_S = 2


def original_timestamp() -> int | None:
    """The checked original time of a request that claims to be a late replay, else None.

    Either header present makes it a claim, and a claim is checked whatever the
    session's state: both headers well-formed, the original signature right, the
    original time not after this request's ``X-Timestamp``; else ``401 BAD_SIGNATURE``.
    """
    value = request.headers.get(signing.ORIGINAL_TIMESTAMP_HEADER)
    presented = request.headers.get(signing.ORIGINAL_SIGNATURE_HEADER)
    if value is None and presented is None:
        return None
    value = (value or "").strip()
    if not _SECONDS_RE.match(value) or not _HEX64_RE.match((presented or "").strip()):
        raise bad_signature("a replay needs X-Original-Timestamp (Unix seconds) and "
                            "X-Original-Signature (64 hex digits)")
    original_ts = int(value)
    key = parse_key(request.headers.get(signing.IDEMPOTENCY_KEY_HEADER))
    secret = state().kiosks.secret_for(g.kiosk_id)
    if secret is None or not signing.verify_replay(
            secret, request.method, signed_path(request.environ), original_ts,
            request.get_data(cache=True), key, request.headers.get("Authorization"), presented):
        log.warning("late replay from kiosk %s with a wrong original signature", g.kiosk_id)
        raise bad_signature("the original signature of the replayed request is wrong")
    if original_ts > int(request.headers.get(signing.TIMESTAMP_HEADER, "0")):
        raise bad_signature("the original request time is after this request's time")
    return original_ts


def admit(row: CitizenSession, original_ts: int, refusal: ApiError) -> None:
    """Return if the late replay made at ``original_ts`` may run with the dead session
    ``row``; else raise ``refusal`` (the session's own SESSION_EXPIRED) or REPLAY_TOO_OLD."""
    st = state()
    # the kiosk's clock, as this request shows it (within max_clock_skew_s, checked already)
    wall_now = st.clock.wall_timestamp()
    kiosk_ahead_s = int(request.headers[signing.TIMESTAMP_HEADER]) - wall_now
    original_wall = original_ts - kiosk_ahead_s
    original = dt.datetime.fromtimestamp(original_wall + st.clock.offset_s, dt.timezone.utc)
    slack = dt.timedelta(seconds=SLACK_S)
    ended = min(row.expires_at, row.ended_at) if row.ended_at is not None else row.expires_at
    if not row.created_at - slack <= original <= ended + slack:
        refusal.details = {**refusal.details, "original_time": iso_utc(original)}
        raise refusal

    age_s = wall_now - original_wall
    if age_s > st.config.late_replay_window_s:
        known = age_s <= st.config.idempotency_retention_s
        raise ApiError("REPLAY_TOO_OLD", "the request was made too long ago to be completed now",
                       details={"original_time": iso_utc(original),
                                "window_s": st.config.late_replay_window_s,
                                "outcome": "not_done" if known else "unknown"})
    log.info("late replay of %s %s from kiosk %s, made %.0f s ago in session %s",
             request.method, request.path, g.kiosk_id, age_s, row.id)
