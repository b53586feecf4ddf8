"""``POST /v1/card-auth``: the HSM step of card authentication (``ssc-card.md``).

The kiosk sends the card's number and identification code, its random R1, the
card's answer to INTERNAL AUTHENTICATE and the card's challenge R2. The HSM
checks the answer (wrong -> ``403 CARD_NOT_GENUINE``) and computes
``SM4(K_EA, R2)`` for EXTERNAL AUTHENTICATE. The authentication is stored:
sessions and PIN authorisations refer to its ``card_auth_id``.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import uuid

from flask import Blueprint

from .. import db
from ..app import now, state
from ..auth import current_kiosk_id
from ..config import iso_utc
from ..errors import ApiError
from ..idempotency import idempotent
from ..models import CardAuth
from . import json_body, require_hex, require_str

log = logging.getLogger("backoffice.card_auth")

bp = Blueprint("card_auth", __name__)

#: 卡号: 9 ASCII characters (printable, no spaces) per ssc-card.md EF05 tag 07
CARD_NO_RE = re.compile(r"[\x21-\x7e]{9}")


def mask_card_no(card_no: str) -> str:
    return card_no[:2] + "*" * max(0, len(card_no) - 4) + card_no[-2:]


@bp.post("/v1/card-auth")
@idempotent
def card_auth():
    body = json_body()
    card_no = require_str(body, "card_no", pattern=CARD_NO_RE)
    card_id_code = require_hex(body, "card_id_code", 16)
    r1 = require_hex(body, "internal_random_hex", 16)
    response = require_hex(body, "internal_response_hex", 16)
    r2 = require_hex(body, "external_challenge_hex", 16)

    st = state()
    if not st.hsm.check_internal_auth(card_id_code, r1, response):
        log.warning("card %s failed internal authentication (kiosk %s)",
                    mask_card_no(card_no), current_kiosk_id())
        raise ApiError("CARD_NOT_GENUINE", "the card's internal authentication answer is wrong")
    external = st.hsm.external_auth(card_id_code, r2)

    created = now().replace(microsecond=0)  # the answer shows whole seconds
    record = CardAuth(
        id=str(uuid.uuid4()), card_no=card_no, card_id_code=card_id_code.hex().upper(),
        kiosk_id=current_kiosk_id(), created_at=created,
        expires_at=created + dt.timedelta(seconds=st.config.card_auth_ttl_s),
    )
    db.session().add(record)
    return {
        "card_auth_id": record.id,
        "external_auth_hex": external.hex().upper(),
        "expires_at": iso_utc(record.expires_at),
    }
