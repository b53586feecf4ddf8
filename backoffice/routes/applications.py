"""``GET /v1/me/applications`` and ``POST /v1/me/renewals``.

An application answers ``{application_id, kind, stages: [{stage, at}],
current_stage, expected_by, outlet, delivery}``: ``stages`` are the stages
reached so far, in the order of the pack's ``production_stages``, each with its
time; ``current_stage`` is the last of them; ``expected_by`` an ISO day (the
pack's ``production_working_days`` after acceptance, weekends skipped);
``outlet`` the outlet's name; ``delivery`` ``pickup`` | ``mail``. The list is
oldest first.

A renewal (换领) body is ``{reason, photo_jpeg_b64, delivery, mailing_address}``:

- ``reason`` one of the pack's ``renewal_reasons_at_kiosk`` (a reason the
  regulation does not know: ``VALIDATION_FAILED``; one it keeps at the counter:
  ``SERVICE_NOT_OFFERED``; both with ``details.allowed`` and the article); where
  the pack keeps renewals away from kiosks (Xinxiang 第9条) ``SERVICE_NOT_OFFERED``;
- ``photo_jpeg_b64`` required unless the holder is younger than the pack's
  ``photo_exempt_below_age``; re-checked (``PHOTO_INVALID``, ``details.rule``,
  see :mod:`backoffice.photo_check`);
- ``delivery`` ``pickup`` | ``mail``; for ``mail``, ``mailing_address`` (else
  the mailing address or address on record) is where the card goes;
- the card must be usable (``CARD_NOT_FOUND``, ``CARD_CANCELLED``,
  ``CARD_REPLACED``; a lost card is replaced, not renewed: ``CARD_ALREADY_LOST``);
- one application at a time (``RENEWAL_ALREADY_IN_PROGRESS``).

It answers the new application (kind ``renewal``, stage ``accepted``).
"""

from __future__ import annotations

import base64
import binascii
import logging
import uuid

from flask import Blueprint
from sqlalchemy import select

from .. import db, validation
from ..app import now, state
from ..auth import current_kiosk_id
from ..cards import (add_working_days, age_on, application_answer, china_day,
                     open_applications, refresh, refuse_void)
from ..citizen import citizen, citizen_write, current
from ..errors import ApiError, validation_failed
from ..idempotency import idempotent
from ..models import Application, ApplicationStage
from ..photo_check import check_photo
from .card import citizen_card
from . import json_body, require_str

log = logging.getLogger("backoffice.applications")

bp = Blueprint("applications", __name__)

DELIVERIES = ("pickup", "mail")
MAX_PHOTO_BYTES = 1024 * 1024


@bp.get("/v1/me/applications")
@citizen
def list_applications():
    state().rules.require_offered("progress")
    c = current()
    s = db.session()
    rules = state().rules
    apps = s.scalars(select(Application).where(Application.person_id == c.person.id)
                     .order_by(Application.created_at, Application.id))
    return [application_answer(s, rules, app) for app in apps]


@bp.post("/v1/me/renewals")
@citizen_write
@idempotent
def apply_for_renewal():
    body = json_body()
    st = state()
    rules = st.rules
    reason = require_str(body, "reason", max_length=40)
    delivery = body.get("delivery")
    if delivery is None:
        raise validation_failed("delivery", "missing")
    if delivery not in DELIVERIES:
        raise validation_failed("delivery", "not_allowed", "delivery must be pickup or mail")
    mailing = validation.address(body.get("mailing_address"), "mailing_address", nullable=True)
    photo = _photo(body)

    rules.require_offered("renewal")
    rules.check_renewal_reason(reason)
    c = current()
    s = db.session()
    t = now().replace(microsecond=0)
    person = c.person
    if delivery == "mail" and mailing is None:
        mailing = person.mailing_address or person.address
        if not mailing:
            raise validation_failed("mailing_address", "missing",
                                    "a mailing address is needed to mail the card")
    db.lock(person)  # one application at a time, even for racing requests
    card = refuse_void(citizen_card(c))
    loss = refresh(s, card, t)
    if loss is not None:
        raise ApiError("CARD_ALREADY_LOST", "a lost card is replaced (补领), not renewed",
                       details={"status": card.status, "kind": loss.kind})
    pending = open_applications(s, person.id)
    if pending:
        raise ApiError("RENEWAL_ALREADY_IN_PROGRESS", "an application is already in progress",
                       details={"application_id": pending[0].id, "kind": pending[0].kind})
    today = china_day(t)
    if photo is None:
        exempt_below = rules.photo_exempt_below_age
        if age_on(person.birth_date, today) >= exempt_below:
            raise validation_failed("photo_jpeg_b64", "missing", "a photo is needed")
    else:
        problem = check_photo(photo, rules.photo_rules)
        if problem is not None:
            details = {"rule": problem.rule, "jurisdiction": rules.jurisdiction,
                       **problem.details}
            if rules.article("photo"):
                details["article"] = rules.article("photo")
            raise ApiError("PHOTO_INVALID", problem.message, details=details)
    app = Application(id=str(uuid.uuid4()), person_id=person.id, card_id=card.id,
                      kind="renewal", reason=reason, outlet=st.outlet, delivery=delivery,
                      mailing_address=mailing if delivery == "mail" else None, photo=photo,
                      expected_by=add_working_days(today, rules.production_working_days),
                      created_at=t, kiosk_id=current_kiosk_id())
    s.add(app)
    s.add(ApplicationStage(application_id=app.id, stage="accepted", at=t))
    s.flush()
    log.info("renewal %s accepted for person %s at kiosk %s", app.id, person.id,
             current_kiosk_id())
    return application_answer(s, rules, app)


def _photo(body: dict) -> bytes | None:
    value = body.get("photo_jpeg_b64")
    if value is None:
        return None
    if not isinstance(value, str):
        raise validation_failed("photo_jpeg_b64", "not_a_string")
    if len(value) > MAX_PHOTO_BYTES * 4 // 3 + 4:
        raise validation_failed("photo_jpeg_b64", "too_large")
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise validation_failed("photo_jpeg_b64", "not_base64") from None
