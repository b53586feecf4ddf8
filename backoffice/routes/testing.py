"""Demo/test mode only: the business clock (``/v1/test/clock``) and injected faults
(``/v1/test/faults``, :mod:`backoffice.faults`).

Registered only when the server runs in demo or test mode (a production server
answers 404 for these paths). Signed like every route.

- ``GET /v1/test/clock`` -> ``{offset_s, time}``;
- ``POST /v1/test/clock {offset_s}`` sets the business clock to wall time +
  ``offset_s`` seconds; ``{advance_s}`` moves it on from where it is. Answers
  ``{offset_s, time}``. Auto-lifts, session and card-auth lifetimes follow this
  clock; signature freshness keeps the wall clock.
- ``GET /v1/test/faults`` -> ``{faults: [{method, path, when, remaining}]}``;
- ``POST /v1/test/faults {method, path, when, count}`` makes the next ``count``
  requests to ``method path`` answer ``500 INTERNAL`` ``before`` the back office
  acts or ``after`` its effect is committed; ``count`` 0 disarms. Answers the
  armed faults.
"""

from __future__ import annotations

import logging
import math

from flask import Blueprint

from ..app import state
from ..config import iso_utc
from ..errors import validation_failed
from ..idempotency import idempotent
from ..faults import MOMENTS
from . import json_body, require_str

log = logging.getLogger("backoffice.testing")

bp = Blueprint("testing", __name__)

#: 100 years either way
MAX_OFFSET_S = 100 * 366 * 86400


def _clock_answer() -> dict:
    clock = state().clock
    return {"offset_s": clock.offset_s, "time": iso_utc(clock.now())}


@bp.get("/v1/test/clock")
def get_clock():
    return _clock_answer()


@bp.post("/v1/test/clock")
@idempotent
def set_clock():
    body = json_body()
    clock = state().clock
    if ("offset_s" in body) == ("advance_s" in body):
        raise validation_failed("offset_s", "missing", "give offset_s or advance_s")
    field = "offset_s" if "offset_s" in body else "advance_s"
    value = body[field]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise validation_failed(field, "not_a_number")
    target = float(value) if field == "offset_s" else clock.offset_s + float(value)
    if abs(target) > MAX_OFFSET_S:
        raise validation_failed(field, "out_of_range")
    clock.set_offset(target)
    log.warning("business clock shifted: offset %+.0f s (demo/test mode)", target)
    return _clock_answer()


def _faults_answer() -> dict:
    return {"faults": state().injected_faults.list()}


@bp.get("/v1/test/faults")
def get_faults():
    return _faults_answer()


@bp.post("/v1/test/faults")
@idempotent
def set_faults():
    body = json_body()
    method = require_str(body, "method", max_length=10).upper()
    if method not in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        raise validation_failed("method", "not_allowed")
    path = require_str(body, "path", max_length=255)
    if not path.startswith("/") or path.startswith("/v1/test/"):
        raise validation_failed("path", "not_allowed", "a path of the API, not of /v1/test/")
    when = body.get("when")
    if when not in MOMENTS:
        raise validation_failed("when", "not_allowed", "when must be before or after")
    count = body.get("count")
    if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= 10000:
        raise validation_failed("count", "out_of_range", "count must be 0 to 10000")
    state().injected_faults.arm(method, path, when, count)
    log.warning("fault %s: %s %s answers 500 %s acting, %d times (demo/test mode)",
                "armed" if count else "disarmed", method, path, when, count)
    return _faults_answer()
