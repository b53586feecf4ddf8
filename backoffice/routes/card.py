"""The citizen's card: ``GET /v1/me/card``, ``POST /v1/me/card/loss``, ``DELETE /v1/me/card/loss``.

The card of a session opened with the card is that card; of a session opened by
SMS or face, the person's current card (:func:`backoffice.cards.current_card`).

Loss reports follow the pack: a kind the pack does not have, or a formal loss
where the pack keeps it at the counter, is ``SERVICE_NOT_OFFERED``; a duration
the pack does not allow is ``VALIDATION_FAILED`` (``details.field =
"duration"``, ``details.allowed``); both cite the article. A ``null`` duration
is "until lifted" where the pack has that, else the pack's one fixed lifetime
(Sichuan ``7d``); where the citizen must choose (Hainan ``15d`` | ``long``) it is
refused. A temporary loss can
be made formal (report ``formal`` on a ``temp_lost`` card); anything else on a
lost card is ``CARD_ALREADY_LOST``. The auto-lift time comes from the pack
(Sichuan 7 days, Hainan ``15d``); a card is lifted when read after it.

Lifting: ``CARD_NOT_LOST`` when not lost; a formal loss where the pack forbids
lifting it (Hubei 第29条) is ``FORMAL_LOSS_NOT_LIFTABLE``; never after a
replacement was applied for (``CARD_REPLACED``).
"""

from __future__ import annotations

import logging

from flask import Blueprint

from kiosk.loss_terms import API_LOSS_DURATIONS as LOSS_DURATIONS
from kiosk.loss_terms import LOSS_KINDS

from .. import db
from ..app import now, state
from ..auth import current_kiosk_id
from ..cards import card_answer, current_card, refresh, refuse_void, replacement_applied
from ..citizen import Citizen, citizen, citizen_write, current, session_card
from ..errors import ApiError, validation_failed
from ..idempotency import idempotent
from ..models import Card, Loss
from . import json_body

log = logging.getLogger("backoffice.card")

bp = Blueprint("card", __name__)



def citizen_card(c: Citizen) -> Card | None:
    card = session_card(c)
    return card if card is not None else current_card(db.session(), c.person.id)


def _my_card_locked():
    """For a change of the citizen's card: the citizen, the db session, now (to the second),
    the card (locked; refused if void) and its loss brought up to date."""
    c = current()
    s = db.session()
    t = now().replace(microsecond=0)
    card = citizen_card(c)
    if card is not None:
        db.lock(card)
    card = refuse_void(card)
    return c, s, t, card, refresh(s, card, t)


@bp.get("/v1/me/card")
@citizen
def get_card():
    state().rules.require_offered("card_status")
    c = current()
    card = citizen_card(c)
    if card is None:
        raise ApiError("CARD_NOT_FOUND", "no card is on record for this person")
    return card_answer(db.session(), state().rules, c.person, card, now())


@bp.post("/v1/me/card/loss")
@citizen_write
@idempotent
def report_loss():
    body = json_body()
    kind = body.get("kind")
    if kind is None:
        raise validation_failed("kind", "missing")
    if kind not in LOSS_KINDS:
        raise validation_failed("kind", "not_allowed", "kind must be temporary or formal")
    duration = body.get("duration")
    if duration is not None and duration not in LOSS_DURATIONS:
        raise validation_failed("duration", "not_allowed",
                                "duration must be 7d, 15d, long or null")
    rules = state().rules
    duration = rules.check_loss_request(kind, duration)

    c, s, t, card, loss = _my_card_locked()
    if replacement_applied(s, card):
        raise ApiError("CARD_REPLACED", "a replacement of this card was applied for",
                       details={"status": card.status, "reason": "replacement_applied"})
    if loss is not None and not (loss.kind == "temporary" and kind == "formal"):
        raise ApiError("CARD_ALREADY_LOST", "this card is already reported lost",
                       details={"status": card.status, "kind": loss.kind})
    previous = card.status
    if loss is not None:  # a temporary loss made formal
        loss.lifted_at = t
        loss.lifted_by = "made_formal"
        previous = loss.previous_status
    s.add(Loss(card_id=card.id, kind=kind, duration=duration if kind == "temporary" else None,
               since=t, auto_lift_at=rules.auto_lift_at(duration, t) if kind == "temporary"
               else None, previous_status=previous, kiosk_id=current_kiosk_id()))
    card.status = "temp_lost" if kind == "temporary" else "lost"
    card.updated_at = t
    s.flush()
    log.info("card %s reported lost (%s) at kiosk %s", card.id, kind, current_kiosk_id())
    return card_answer(s, rules, c.person, card, t)


@bp.delete("/v1/me/card/loss")
@citizen_write
@idempotent
def lift_loss():
    rules = state().rules
    c, s, t, card, loss = _my_card_locked()
    if replacement_applied(s, card):
        raise ApiError("CARD_REPLACED", "a replacement of this card was applied for; the "
                       "loss can no longer be lifted",
                       details={"status": card.status, "reason": "replacement_applied"})
    if loss is None:
        raise ApiError("CARD_NOT_LOST", "this card is not reported lost",
                       details={"status": card.status})
    if loss.kind == "formal" and not rules.value("lift_formal_loss_allowed"):
        raise rules.refusal("FORMAL_LOSS_NOT_LIFTABLE",
                            "a formal loss cannot be lifted here; apply for a replacement",
                            rule="lift_formal_loss_allowed")
    if loss.kind == "temporary" and not rules.value("lift_temporary_loss_allowed"):
        raise rules.refusal("SERVICE_NOT_OFFERED", "a temporary loss cannot be lifted here",
                            rule="lift_temporary_loss_allowed", service="lift_loss")
    rules.require_offered("lift_loss")
    loss.lifted_at = t
    loss.lifted_by = "citizen"
    card.status = loss.previous_status if loss.previous_status in ("active", "not_activated") \
        else "active"
    card.updated_at = t
    s.flush()
    log.info("loss of card %s lifted at kiosk %s", card.id, current_kiosk_id())
    return card_answer(s, rules, c.person, card, t)
