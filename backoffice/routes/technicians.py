"""Technicians: ``POST /v1/technicians/verify`` (an extension of the contract).

The kiosk enters maintenance mode only with a technician verified here
(``docs/maintenance.md``). Signed like every route, with an ``Idempotency-Key``.

``{account, pin, otp, nonce}``:

- ``account`` (``T0001``; case-insensitive), ``pin`` (6 digits), ``otp`` (the
  6-digit code of the technician's authenticator app, RFC 6238: 30 s steps,
  SHA-1, the step before and after accepted; a code is accepted once);
- ``nonce``: a fresh random value per request. The idempotency record keeps a
  SHA-256 fingerprint of the body: without an unguessable part, that fast hash
  of a body holding a 6-digit PIN could be reversed by trying every PIN.

Answers:

- ``200 {technician: {account, name}, token, expires_at}``: a maintenance
  token for this kiosk, 15 minutes (only its SHA-256 is stored);
- ``403 TECHNICIAN_NOT_VERIFIED`` for an unknown or inactive account, a wrong
  PIN, a wrong or reused code: always the same answer, never which part;
- ``429 TOO_MANY_ATTEMPTS`` (``details.scope``: ``account`` | ``kiosk``,
  ``details.locked_until``, ``details.retry_after_s``, ``Retry-After``) for the
  5th failure in a row of the account (from any kiosk) or of the kiosk (any
  account), and for every attempt while the lock lasts (15 minutes). A lock is
  answered before anything is checked.

Every verification is written to the ``backoffice.technicians`` log (account,
kiosk, result, the reason of a refusal): never the PIN, the code or the token.
Bodies never reach the access log (:class:`backoffice.app.AccessLog`).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import uuid

from flask import Blueprint

from .. import db, technicians
from ..app import now, state
from ..auth import current_kiosk_id
from ..citizen import new_token, token_hash
from ..config import iso_utc
from ..errors import ApiError, answer_with_effect
from ..idempotency import idempotent
from ..models import TechnicianToken
from . import json_body, require_str

log = logging.getLogger("backoffice.technicians")

bp = Blueprint("technicians", __name__)

_NONCE_RE = re.compile(r"[A-Za-z0-9_-]{16,64}")


def _not_verified() -> ApiError:
    return ApiError("TECHNICIAN_NOT_VERIFIED", "the technician could not be verified")


def _locked(scope: str, until: dt.datetime, t: dt.datetime) -> ApiError:
    wait = max(1, int((until - t).total_seconds()) + 1)
    return ApiError("TOO_MANY_ATTEMPTS", "too many failed technician verifications; wait "
                    "until the lock ends", details={"scope": scope, "locked_until": iso_utc(until),
                                                    "retry_after_s": wait},
                    headers={"Retry-After": str(wait)})


@bp.post("/v1/technicians/verify")
@idempotent
def verify_technician():
    body = json_body()
    account = technicians.normal_account(
        require_str(body, "account", pattern=technicians.ACCOUNT_RE, max_length=32))
    pin = require_str(body, "pin", pattern=technicians.PIN_RE, max_length=6)
    otp = require_str(body, "otp", pattern=technicians.OTP_RE, max_length=6)
    require_str(body, "nonce", pattern=_NONCE_RE, max_length=64)

    s = db.session()
    t = now()
    kiosk_id = current_kiosk_id()
    kiosk = technicians.Counter(technicians.kiosk_lock(s, kiosk_id, t))
    tech = technicians.find_technician(s, account)
    account_counter = technicians.Counter(tech) if tech is not None else None
    for scope, counter in (("kiosk", kiosk), ("account", account_counter)):
        until = counter.locked_until(t) if counter is not None else None
        if until is not None:
            log.warning("technician verification of %s at kiosk %s refused: %s locked until %s",
                        account, kiosk_id, scope, iso_utc(until))
            raise _locked(scope, until, t)  # rolls back: nothing to keep

    check = technicians.check_credentials(tech, pin, otp, state().clock.wall_timestamp())
    if not check.ok:
        locks = {"kiosk": kiosk.fail(t)}
        if account_counter is not None:
            locks["account"] = account_counter.fail(t)
        locked = [(scope, locks[scope]) for scope in ("account", "kiosk") if locks.get(scope)]
        if locked:
            scope, until = locked[0]
            log.warning("technician verification of %s at kiosk %s refused (%s): %d failures "
                        "in a row lock the %s until %s", account, kiosk_id, check.reason,
                        technicians.LOCK_AFTER, " and the ".join(sc for sc, _ in locked),
                        iso_utc(until))
            return answer_with_effect(_locked(scope, until, t))
        log.warning("technician verification of %s at kiosk %s refused (%s); failures in a "
                    "row: kiosk %d, account %s", account, kiosk_id, check.reason,
                    kiosk.row.failed_count, tech.failed_count if tech is not None else "-")
        return answer_with_effect(_not_verified())

    assert tech is not None and account_counter is not None
    kiosk.succeed(t)
    account_counter.succeed(t)
    tech.last_otp_step = check.otp_step
    t = t.replace(microsecond=0)
    token = new_token()
    row = TechnicianToken(id=str(uuid.uuid4()), token_hash=token_hash(token),
                          technician_id=tech.id, kiosk_id=kiosk_id, created_at=t,
                          expires_at=t + dt.timedelta(seconds=technicians.TOKEN_TTL_S))
    s.add(row)
    log.info("technician %s verified at kiosk %s; maintenance token %s until %s", tech.account,
             kiosk_id, row.id, iso_utc(row.expires_at))
    return {"technician": {"account": tech.account, "name": tech.name}, "token": token,
            "expires_at": iso_utc(row.expires_at)}
