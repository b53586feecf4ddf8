"""``POST /v1/me/pin-authorizations``: the HSM authorises a PIN reset (重装) or unblock (解锁).

Body ``{operation: "reload" | "unblock", card_auth_id, challenge_hex}``
(``challenge_hex``: the card's 16-byte GET CHALLENGE answer R3) ->
``{apdu_hex}``, the whole command with its MAC4 (``ssc-card.md``): RESET
``805E000007`` + ``123456`` + MAC4, UNBLOCK ``8424000004`` + MAC4.

Only where the pack uses the PIN (Hainan 第14条: ``SERVICE_NOT_OFFERED``) and
offers the service; only in a session opened by ``sms`` or ``face`` (a forgotten
or blocked PIN cannot open a card session) -> else ``IDENTITY_NOT_VERIFIED``;
the card authenticated (``card_auth_id``, fresh, this kiosk) must be on record
and belong to the session's person (``IDENTITY_NOT_VERIFIED``), and be usable:
``CARD_NOT_FOUND``, ``CARD_CANCELLED``, ``CARD_REPLACED``, ``CARD_ALREADY_LOST``
(lift the loss first). The answer is never logged (a RESET carries the reset PIN).
"""

from __future__ import annotations

import logging
import re

from flask import Blueprint
from sqlalchemy import select

from .. import db
from ..app import now, state
from ..cards import refresh, refuse_void
from ..citizen import citizen, current
from ..errors import ApiError, validation_failed
from ..idempotency import idempotent
from ..models import Card, CardAuth
from . import json_body, require_hex, require_str

log = logging.getLogger("backoffice.pin")

bp = Blueprint("pin", __name__)

OPERATIONS = {"reload": "pin_reset", "unblock": "pin_unblock"}
_UUID_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                      r"[0-9a-fA-F]{12}")


@bp.post("/v1/me/pin-authorizations")
@citizen
@idempotent
def authorize():
    body = json_body()
    operation = body.get("operation")
    if operation is None:
        raise validation_failed("operation", "missing")
    if not isinstance(operation, str) or operation not in OPERATIONS:
        raise validation_failed("operation", "not_allowed", "operation must be reload or unblock")
    card_auth_id = require_str(body, "card_auth_id", pattern=_UUID_RE, max_length=36)
    challenge = require_hex(body, "challenge_hex", 16)

    st = state()
    st.rules.require_pin_service(OPERATIONS[operation])
    c = current()
    if c.session.method not in ("sms", "face"):
        raise ApiError("IDENTITY_NOT_VERIFIED", "a PIN reset or unblock needs an identity check "
                       "by SMS or face, not the card's PIN",
                       details={"reason": "needs_sms_or_face", "method": c.session.method})
    s = db.session()
    t = now()
    auth = s.get(CardAuth, card_auth_id.lower())
    if auth is None or auth.kiosk_id != c.session.kiosk_id:
        raise ApiError("IDENTITY_NOT_VERIFIED", "no such card authentication at this kiosk",
                       details={"reason": "card_auth_unknown"})
    if auth.expires_at <= t:
        raise ApiError("IDENTITY_NOT_VERIFIED", "the card authentication has expired",
                       details={"reason": "card_auth_expired"})
    card = s.scalar(select(Card).where(Card.card_no == auth.card_no))
    if card is None or (card.card_id_code or "").upper() != auth.card_id_code.upper():
        raise ApiError("CARD_NOT_FOUND", "this card is not on record here")
    if card.person_id != c.person.id:
        raise ApiError("IDENTITY_NOT_VERIFIED", "the card belongs to another person",
                       details={"reason": "card_of_another_person"})
    refuse_void(card)
    loss = refresh(s, card, t)
    if loss is not None:
        raise ApiError("CARD_ALREADY_LOST", "the card is reported lost; lift the loss first",
                       details={"status": card.status, "kind": loss.kind})
    apdu = st.hsm.pin_command(operation, bytes.fromhex(auth.card_id_code), challenge)
    log.info("PIN %s authorised for card %s at kiosk %s", operation, card.id,
             c.session.kiosk_id)
    return {"apdu_hex": apdu.hex().upper()}
