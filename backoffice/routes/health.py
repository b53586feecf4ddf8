"""``GET /v1/health``: liveness, clock and the jurisdiction's policy (unsigned)."""

from __future__ import annotations

from flask import Blueprint

from ..app import now, state
from ..auth import public
from ..config import iso_utc

bp = Blueprint("health", __name__)


@bp.get("/v1/health")
@public
def health():
    config = state().config
    return {
        "status": "ok",
        "time": iso_utc(now()),
        "policy": {"jurisdiction": config.jurisdiction, "version": config.policy_version},
    }
