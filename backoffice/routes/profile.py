"""``GET /v1/me/profile`` and ``PATCH /v1/me/profile``.

The answer is ``{name, gender, ethnicity, nationality, id_valid_until, phone,
address, mailing_address, editable}``: ``gender`` GB/T 2261.1 (``1`` male,
``2`` female, ``9`` unstated), ``ethnicity`` GB/T 3304 (``01`` = 汉),
``nationality`` ISO 3166-1 alpha-3, ``id_valid_until`` an ISO day or ``长期``,
``mailing_address`` null when mail goes to ``address``; ``editable`` lists the
fields this jurisdiction lets the citizen change here (the pack's
``editable_fields``, in its order; empty when the pack does not offer
``profile_change``).

A PATCH body holds any subset of ``editable``. The whole change is refused,
nothing written, when it holds:

- a key field (name, social security number, photo, ID type, card face, birth
  date, or a field the pack lists as key) -> ``KEY_FIELD_CHANGE_REQUIRES_RENEWAL``
  (``details.field``, ``details.article``);
- a profile field this pack does not let the kiosk change ->
  ``SERVICE_NOT_OFFERED`` (``details.field``, ``details.editable``, article);
- a name that is no profile field, an empty body, or a bad value ->
  ``VALIDATION_FAILED`` with ``details.field`` (see :mod:`backoffice.validation`).
"""

from __future__ import annotations

import logging

from flask import Blueprint

from .. import db, validation
from ..app import now, state
from ..cards import china_day
from ..citizen import citizen, citizen_write, current
from ..errors import validation_failed
from ..idempotency import idempotent
from ..models import Person
from ..rules import PROFILE_FIELDS, Rules
from . import json_body

log = logging.getLogger("backoffice.profile")

bp = Blueprint("profile", __name__)


def profile_answer(person: Person, rules: Rules) -> dict:
    return {
        "name": person.name,
        "gender": person.gender,
        "ethnicity": person.ethnicity,
        "nationality": person.nationality,
        "id_valid_until": person.id_valid_until,
        "phone": person.phone,
        "address": person.address,
        "mailing_address": person.mailing_address,
        "editable": rules.editable_fields,
    }


@bp.get("/v1/me/profile")
@citizen
def get_profile():
    return profile_answer(current().person, state().rules)


@bp.patch("/v1/me/profile")
@citizen_write
@idempotent
def patch_profile():
    body = json_body()
    rules = state().rules
    if not body:
        raise validation_failed("body", "no_fields", "name at least one field to change")
    key_fields = rules.key_fields
    for field in body:
        if field in key_fields:
            raise rules.refusal("KEY_FIELD_CHANGE_REQUIRES_RENEWAL",
                                f"{field} is a key field: it changes only with a renewal of "
                                "the card (换领), at the counter or by the renewal service",
                                rule="key_fields", field=field)
    for field in body:
        if field not in PROFILE_FIELDS:
            raise validation_failed(field, "unknown_field", f"{field} is not a profile field")
    rules.require_offered("profile_change")
    editable = rules.editable_fields
    for field in body:
        if field not in editable:
            raise rules.refusal("SERVICE_NOT_OFFERED",
                                f"{field} cannot be changed at a kiosk in {rules.jurisdiction}",
                                rule="editable_fields", field=field, editable=editable,
                                service="profile_change")
    t = now()
    today = china_day(t)
    values = {}
    for field, value in body.items():
        if field == "phone":
            values[field] = validation.phone(value)
        elif field == "address":
            values[field] = validation.address(value)
        elif field == "mailing_address":
            values[field] = validation.address(value, field, nullable=True)
        elif field == "id_valid_until":
            values[field] = validation.id_valid_until(value, today)
        elif field == "ethnicity":
            values[field] = validation.ethnicity(value)
        elif field == "nationality":
            values[field] = validation.nationality(value)
        elif field == "gender":
            values[field] = validation.gender(value)
    c = current()
    person = c.person
    db.lock(person)
    for field, value in values.items():
        setattr(person, field, value)
    person.updated_at = t
    db.session().flush()
    log.info("profile of person %s changed (%s) at kiosk %s", person.id,
             ", ".join(sorted(values)), c.session.kiosk_id)
    return profile_answer(person, rules)
