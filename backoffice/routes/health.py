"""``GET /v1/health`` (liveness, clock, the rule pack served) and ``GET /v1/openapi.yaml``.

Both unsigned.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response

from ..app import now, state
from ..auth import public
from ..config import iso_utc
from ..errors import ApiError

bp = Blueprint("health", __name__)


@bp.get("/v1/health")
@public
def health():
    rules = state().rules
    return {
        "status": "ok",
        "time": iso_utc(now()),
        "policy": {"jurisdiction": rules.jurisdiction, "version": rules.version},
    }


OPENAPI_PATH = Path(__file__).resolve().parents[1] / "openapi.yaml"


@bp.get("/v1/openapi.yaml")
@public
def openapi_document():
    """This API's OpenAPI 3.1 document (unsigned, like the health check)."""
    try:
        data = OPENAPI_PATH.read_bytes()
    except OSError:
        raise ApiError("NOT_FOUND", "the OpenAPI document is not installed") from None
    return Response(data, mimetype="application/yaml")
