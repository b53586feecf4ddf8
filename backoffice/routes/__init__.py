"""The API's routes, one module (one blueprint) per area, and body helpers.

Add an area by writing ``routes/<area>.py`` with a ``bp`` blueprint and listing
it in :data:`AREAS`. Every route is signed unless marked
:func:`backoffice.auth.public`; every writing route must be
:func:`backoffice.idempotency.idempotent` (checked at start-up).
"""

from __future__ import annotations

import importlib
import json
import re

from flask import Flask, request

from ..errors import validation_failed

#: the modules under ``backoffice.routes`` that hold a ``bp`` blueprint
AREAS = ("health", "card_auth", "sessions", "card", "applications", "profile", "pin", "kiosks",
         "technicians")
#: areas registered only in demo or test mode
RELAXED_AREAS = ("testing",)

_HEX_RE = re.compile(r"^[0-9A-Fa-f]*$")


def register_routes(app: Flask) -> None:
    relaxed = app.extensions["backoffice"].config.relaxed
    for area in AREAS + (RELAXED_AREAS if relaxed else ()):
        module = importlib.import_module(f"{__name__}.{area}")
        app.register_blueprint(module.bp)


def json_body() -> dict:
    """The request body as a JSON object, or 400 VALIDATION_FAILED (field ``body``)."""
    raw = request.get_data(cache=True)
    try:
        data = json.loads(raw.decode("utf-8")) if raw else None
    except (UnicodeDecodeError, ValueError):
        raise validation_failed("body", "not_json", "the body is not JSON") from None
    if not isinstance(data, dict):
        raise validation_failed("body", "not_an_object", "the body must be a JSON object")
    return data


def require_str(body: dict, field: str, *, pattern: re.Pattern | None = None,
                max_length: int = 1000) -> str:
    value = body.get(field)
    if value is None:
        raise validation_failed(field, "missing")
    if not isinstance(value, str):
        raise validation_failed(field, "not_a_string")
    if not value or len(value) > max_length:
        raise validation_failed(field, "bad_length")
    if pattern is not None and not pattern.fullmatch(value):
        raise validation_failed(field, "bad_format")
    return value


def require_hex(body: dict, field: str, length: int) -> bytes:
    """A hex string field (either case) of exactly ``length`` bytes."""
    value = body.get(field)
    if value is None:
        raise validation_failed(field, "missing")
    if not isinstance(value, str):
        raise validation_failed(field, "not_a_string")
    if not _HEX_RE.fullmatch(value):
        raise validation_failed(field, "not_hex")
    if len(value) != 2 * length:
        raise validation_failed(field, "bad_length", f"{field} must be {length} bytes "
                                f"({2 * length} hex digits)")
    return bytes.fromhex(value)
