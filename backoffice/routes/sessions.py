"""Citizen sessions: ``POST /v1/sessions``, ``POST /v1/sessions/{id}/verify``,
``DELETE /v1/sessions/current``.

Three ways to open one:

- ``{method: "card", card_auth_id}``: the card authenticated at this kiosk
  (``POST /v1/card-auth``, fresh, same kiosk) and the kiosk verified the PIN on
  the card. The card must be on record (``CARD_NOT_FOUND``), not cancelled
  (``CARD_CANCELLED``) nor replaced (``CARD_REPLACED``). Verified at once.
- ``{method: "sms", ssn, name}``: the person must exist with that name; a
  6-digit code is sent to the phone on record; ``.../verify {code}`` finishes
  it. A wrong code answers ``CHALLENGE_FAILED`` (``details.attempts_left``);
  the 5th wrong code, and any attempt after it, ``TOO_MANY_ATTEMPTS``.
- ``{method: "face", ssn, name, image_jpeg_b64}``: the person must exist with
  that name and the face check accept the image. Verified at once.

Refusals of the identity (unknown number, wrong name, face refused) are all
``IDENTITY_NOT_VERIFIED`` with ``details.reason`` and never say whether the
number exists. They count against the number (``TOO_MANY_ATTEMPTS`` after
``failures_per_ssn`` in the window); SMS and face attempts count against the
kiosk (``RATE_LIMITED``, with ``Retry-After``), SMS codes sent against the
number (``RATE_LIMITED``).

Answers: ``{session_id, token, expires_at, person: {name, ssn_masked}}``
(``token`` only once verified; an open SMS challenge has ``expires_at`` = the
code's expiry), ``{token, expires_at}`` for verify, 204 for the end.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import logging
import re
import unicodedata
import uuid

from flask import Blueprint, Response
from sqlalchemy import select

from kiosk import ssn as ssn_rules

from .. import db, identity
from ..app import now, state
from ..auth import current_kiosk_id
from ..cards import refuse_void
from ..citizen import new_token, person_summary, presented_token, session_expired, token_hash
from ..config import iso_utc
from ..errors import ApiError, answer_with_effect, validation_failed
from ..faces import NotAnImage
from ..idempotency import idempotent
from ..models import Card, CardAuth, CitizenSession, Person, SmsChallenge
from . import json_body, require_str

log = logging.getLogger("backoffice.sessions")

bp = Blueprint("sessions", __name__)

_UUID_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                      r"[0-9a-fA-F]{12}")
_CODE_RE = re.compile(r"[0-9]{4,8}")
#: the middle dots people type in transliterated names, all read as "·"
_MIDDLE_DOTS = str.maketrans({"•": "·", "・": "·", "‧": "·", "．": "·", "∙": "·", "⋅": "·"})
MAX_IMAGE_BYTES = 4 * 1024 * 1024


def same_name(given: str, on_record: str) -> bool:
    def norm(text: str) -> str:
        text = unicodedata.normalize("NFKC", text).translate(_MIDDLE_DOTS)
        return "".join(text.split())
    return norm(given) == norm(on_record)


@bp.post("/v1/sessions")
@idempotent
def open_session():
    body = json_body()
    method = body.get("method")
    if method is None:
        raise validation_failed("method", "missing")
    if method not in ("card", "sms", "face"):
        raise validation_failed("method", "not_allowed", "method must be card, sms or face")
    if method == "card":
        return _open_by_card(body)
    return _open_by_identity(body, method)


# --- card ---------------------------------------------------------------------------------

def _open_by_card(body: dict):
    card_auth_id = require_str(body, "card_auth_id", pattern=_UUID_RE, max_length=36)
    s = db.session()
    t = now()
    auth = s.get(CardAuth, card_auth_id.lower())
    if auth is None or auth.kiosk_id != current_kiosk_id():
        raise ApiError("IDENTITY_NOT_VERIFIED", "no such card authentication at this kiosk",
                       details={"reason": "card_auth_unknown"})
    if auth.expires_at <= t:
        raise ApiError("IDENTITY_NOT_VERIFIED", "the card authentication has expired; "
                       "authenticate the card again", details={"reason": "card_auth_expired"})
    card = s.scalar(select(Card).where(Card.card_no == auth.card_no))
    if card is None or (card.card_id_code or "").upper() != auth.card_id_code.upper():
        raise ApiError("CARD_NOT_FOUND", "this card is not on record here")
    refuse_void(card)       # CARD_CANCELLED / CARD_REPLACED
    person = s.get(Person, card.person_id)
    return _verified_session(person, "card", card=card, card_auth_id=auth.id)


def _verified_session(person: Person, method: str, *, card: Card | None = None,
                      card_auth_id: str | None = None) -> dict:
    st = state()
    t = now().replace(microsecond=0)
    token = new_token()
    row = CitizenSession(id=str(uuid.uuid4()), token_hash=token_hash(token), person_id=person.id,
                         card_id=card.id if card is not None else None,
                         card_auth_id=card_auth_id, kiosk_id=current_kiosk_id(),
                         method=method, verified=True, created_at=t,
                         expires_at=t + dt.timedelta(seconds=st.config.session_ttl_s))
    db.session().add(row)
    log.info("session %s opened by %s at kiosk %s", row.id, method, row.kiosk_id)
    return {"session_id": row.id, "token": token, "expires_at": iso_utc(row.expires_at),
            "person": person_summary(person)}


# --- sms and face -------------------------------------------------------------------------

def _open_by_identity(body: dict, method: str):
    st = state()
    limits: identity.Limits = st.limits
    ssn = require_str(body, "ssn", max_length=18).strip().upper()
    problem = ssn_rules.problem(ssn)
    if problem:
        raise validation_failed("ssn", problem, "not a valid social security number")
    name = require_str(body, "name", max_length=64)
    if not name.strip():
        raise validation_failed("name", "bad_length")
    jpeg = _image(body) if method == "face" else None
    if method == "sms" and st.sms is None:
        raise ApiError("SERVICE_NOT_OFFERED", "identity by SMS is not available here",
                       details={"service": "session_sms", "reason": "no_sms_gateway"})
    if method == "face" and st.face is None:
        raise ApiError("SERVICE_NOT_OFFERED", "identity by face is not available here",
                       details={"service": "session_face", "reason": "no_face_verifier"})

    s = db.session()
    t = now()
    kiosk_id = current_kiosk_id()
    subject = identity.subject_of(ssn)
    identity.maybe_purge(s, st, t)
    n, oldest = identity.count(s, t, limits.kiosk_window_s, kiosk_id=kiosk_id)
    if n >= limits.attempts_per_kiosk:
        wait = identity.retry_after(oldest, limits.kiosk_window_s, t)
        raise ApiError("RATE_LIMITED", "too many identity checks at this kiosk; wait a moment",
                       details={"scope": "kiosk", "retry_after_s": wait},
                       headers={"Retry-After": str(wait)})
    n, oldest = identity.count(s, t, limits.failure_window_s, subject=subject,
                               outcome="failed")
    if n >= limits.failures_per_ssn:
        wait = identity.retry_after(oldest, limits.failure_window_s, t)
        raise ApiError("TOO_MANY_ATTEMPTS", "too many failed identity checks for this number; "
                       "please go to the counter",
                       details={"scope": "ssn", "retry_after_s": wait},
                       headers={"Retry-After": str(wait)})

    person = s.scalar(select(Person).where(Person.ssn == ssn))
    if person is None or not same_name(name, person.name):
        identity.record(s, subject, kiosk_id, method, "failed", t)
        return answer_with_effect(ApiError(
            "IDENTITY_NOT_VERIFIED", "the number and the name do not match our records",
            details={"reason": "identity_mismatch"}))

    if method == "face":
        try:
            result = st.face.verify(person, jpeg)
        except NotAnImage:
            raise validation_failed("image_jpeg_b64", "not_jpeg", "the image is not a JPEG") \
                from None
        if not result.ok:
            identity.record(s, subject, kiosk_id, method, "failed", t)
            return answer_with_effect(ApiError(
                "IDENTITY_NOT_VERIFIED", "the face check did not accept the image",
                details={"reason": result.reason or "mismatch"}))
        identity.record(s, subject, kiosk_id, method, "verified", t)
        return _verified_session(person, "face")

    # sms
    if not person.phone:
        raise ApiError("IDENTITY_NOT_VERIFIED", "no mobile number is on record; identify with "
                       "the card or at the counter", details={"reason": "no_phone_on_record"})
    n, oldest = identity.count(s, t, limits.sms_window_s, subject=subject, outcome="sms_sent")
    if n >= limits.sms_per_ssn:
        wait = identity.retry_after(oldest, limits.sms_window_s, t)
        raise ApiError("RATE_LIMITED", "too many codes were sent to this number; try later",
                       details={"scope": "sms", "retry_after_s": wait},
                       headers={"Retry-After": str(wait)})
    t = t.replace(microsecond=0)
    code = st.sms_codes()
    row = CitizenSession(id=str(uuid.uuid4()), token_hash=None, person_id=person.id,
                         kiosk_id=kiosk_id, method="sms", verified=False, created_at=t,
                         expires_at=t + dt.timedelta(seconds=limits.code_ttl_s))
    s.add(row)
    s.add(SmsChallenge(session_id=row.id, code_hash=identity.code_hash(row.id, code),
                       attempts=0, expires_at=row.expires_at))
    identity.record(s, subject, kiosk_id, "sms", "sms_sent", t)
    s.flush()
    st.sms.send(person.phone, code)  # a failing gateway raises: 500, nothing stored
    return {"session_id": row.id, "expires_at": iso_utc(row.expires_at),
            "person": person_summary(person)}


def _image(body: dict) -> bytes:
    value = body.get("image_jpeg_b64")
    if value is None:
        raise validation_failed("image_jpeg_b64", "missing")
    if not isinstance(value, str):
        raise validation_failed("image_jpeg_b64", "not_a_string")
    if len(value) > MAX_IMAGE_BYTES * 4 // 3 + 4:
        raise validation_failed("image_jpeg_b64", "too_large")
    try:
        data = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise validation_failed("image_jpeg_b64", "not_base64") from None
    if not data.startswith(b"\xff\xd8\xff"):
        raise validation_failed("image_jpeg_b64", "not_jpeg", "the image is not a JPEG")
    return data


# --- verify --------------------------------------------------------------------------------

@bp.post("/v1/sessions/<session_id>/verify")
@idempotent
def verify(session_id: str):
    body = json_body()
    code = body.get("code")
    if code is None:
        raise validation_failed("code", "missing")
    if not isinstance(code, str):
        raise validation_failed("code", "not_a_string")
    if not _CODE_RE.fullmatch(code):
        raise validation_failed("code", "bad_format", "the code is digits only")
    st = state()
    limits: identity.Limits = st.limits
    s = db.session()
    t = now()
    row = s.get(CitizenSession, session_id) if _UUID_RE.fullmatch(session_id) else None
    if row is None or row.kiosk_id != current_kiosk_id() or row.method != "sms":
        raise session_expired("unknown")
    challenge = s.get(SmsChallenge, row.id, with_for_update=True, populate_existing=True)
    if challenge is not None and challenge.attempts >= limits.codes_per_challenge:
        raise ApiError("TOO_MANY_ATTEMPTS", "too many wrong codes; start again",
                       details={"scope": "challenge", "attempts_left": 0})
    if row.verified or challenge is None or challenge.used_at is not None:
        raise session_expired("already_verified")
    if row.ended_at is not None:
        raise session_expired("ended")
    if challenge.expires_at <= t:
        raise session_expired("code_expired")
    person = s.get(Person, row.person_id)
    if not identity.code_matches(challenge.code_hash, row.id, code):
        challenge.attempts += 1
        left = limits.codes_per_challenge - challenge.attempts
        if left <= 0:
            row.ended_at = t
            identity.record(s, identity.subject_of(person.ssn), row.kiosk_id, "sms", "failed", t)
            return answer_with_effect(ApiError(
                "TOO_MANY_ATTEMPTS", "too many wrong codes; start again",
                details={"scope": "challenge", "attempts_left": 0}))
        return answer_with_effect(ApiError("CHALLENGE_FAILED", "the code is wrong",
                                           details={"attempts_left": left}))
    t = t.replace(microsecond=0)
    token = new_token()
    challenge.used_at = t
    row.verified = True
    row.token_hash = token_hash(token)
    row.expires_at = t + dt.timedelta(seconds=st.config.session_ttl_s)
    identity.record(s, identity.subject_of(person.ssn), row.kiosk_id, "sms", "verified", t)
    log.info("session %s verified by SMS at kiosk %s", row.id, row.kiosk_id)
    return {"token": token, "expires_at": iso_utc(row.expires_at)}


# --- end -------------------------------------------------------------------------------------

@bp.delete("/v1/sessions/current")
@idempotent
def end_session():
    """204; ending an ended or expired session is 204 too (a retry must not fail)."""
    token = presented_token()
    if token is None:
        raise session_expired("no_session")
    s = db.session()
    row = s.scalar(select(CitizenSession).where(CitizenSession.token_hash == token_hash(token)))
    if row is None or row.kiosk_id != current_kiosk_id():
        raise session_expired("unknown")
    if row.ended_at is None:
        row.ended_at = now()
        log.info("session %s ended at kiosk %s", row.id, row.kiosk_id)
    return Response(status=204)
