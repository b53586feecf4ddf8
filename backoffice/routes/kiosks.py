"""The terminal itself: ``POST /v1/kiosks/heartbeat`` and ``GET /v1/kiosks/config``.

Heartbeat body ``{software_version, devices: {...}, journal_backlog, uptime_s}``
(all required; ``devices`` any JSON object up to 16 KB) -> ``{config_version}``;
the latest heartbeat of each kiosk is kept for the fleet view. When
``config_version`` differs from the one the kiosk holds, it fetches
``GET /v1/kiosks/config`` -> ``{jurisdiction, idle_timeout_s, locales,
config_version, policy: {jurisdiction, version}, outlet, session_ttl_s,
policy_lapsed, heartbeat_interval_s}``: a kiosk sends a heartbeat every
``heartbeat_interval_s`` and counts as down in the fleet view
(:mod:`backoffice.fleet`) after ``kiosk_down_after_s`` without one.
"""

from __future__ import annotations

import hashlib
import json

from flask import Blueprint
from sqlalchemy.orm import Session

from .. import db
from ..app import now, state
from ..auth import current_kiosk_id
from ..config import iso_utc
from ..errors import validation_failed
from ..idempotency import idempotent
from ..models import KioskHeartbeat
from . import json_body, require_str

bp = Blueprint("kiosks", __name__)

MAX_DEVICES_JSON = 16 * 1024


def kiosk_config() -> dict:
    st = state()
    config = {
        "jurisdiction": st.rules.jurisdiction,
        "idle_timeout_s": st.config.idle_timeout_s,
        "locales": list(st.config.locales),
        "policy": {"jurisdiction": st.rules.jurisdiction, "version": st.rules.version},
        "outlet": st.outlet,
        "session_ttl_s": st.config.session_ttl_s,
        # how often to send POST /v1/kiosks/heartbeat (a kiosk silent for longer than
        # the server's kiosk_down_after_s shows as down)
        "heartbeat_interval_s": st.config.heartbeat_interval_s,
        # the pack's regulation is past its last day (it still runs; the kiosk warns)
        "policy_lapsed": st.rules.lapsed(now().date()),
    }
    digest = hashlib.sha256(json.dumps(config, sort_keys=True, ensure_ascii=False)
                            .encode("utf-8")).hexdigest()
    return {**config, "config_version": digest[:16]}


@bp.post("/v1/kiosks/heartbeat")
@idempotent
def heartbeat():
    body = json_body()
    version = require_str(body, "software_version", max_length=64)
    devices = body.get("devices")
    if devices is None:
        raise validation_failed("devices", "missing")
    if not isinstance(devices, dict):
        raise validation_failed("devices", "not_an_object")
    devices_json = json.dumps(devices, ensure_ascii=False, sort_keys=True)
    if len(devices_json.encode("utf-8")) > MAX_DEVICES_JSON:
        raise validation_failed("devices", "too_large")
    backlog = body.get("journal_backlog")
    if backlog is None:
        raise validation_failed("journal_backlog", "missing")
    if isinstance(backlog, float) and backlog.is_integer():
        backlog = int(backlog)  # JSON has one number type: 3.0 is the integer 3
    if isinstance(backlog, bool) or not isinstance(backlog, int) or backlog < 0:
        raise validation_failed("journal_backlog", "not_a_count")
    uptime = body.get("uptime_s")
    if uptime is None:
        raise validation_failed("uptime_s", "missing")
    if isinstance(uptime, bool) or not isinstance(uptime, (int, float)) \
            or not uptime >= 0 or uptime == float("inf"):  # NaN fails ">= 0"
        raise validation_failed("uptime_s", "not_a_duration")
    # stored within the columns' range (a fleet view needs no more)
    _record(db.session(), current_kiosk_id(), version, devices_json, min(backlog, 2 ** 31 - 1),
            float(min(uptime, 1e15)))
    return {"config_version": kiosk_config()["config_version"]}


def _record(s: Session, kiosk_id: str, version: str, devices: str, backlog: int,
            uptime: float) -> None:
    t = now()
    row = s.get(KioskHeartbeat, kiosk_id)
    if row is None:
        row = KioskHeartbeat(kiosk_id=kiosk_id, first_seen_at=t, beats=0)
        s.add(row)
    row.last_seen_at = t
    row.software_version = version
    row.devices = devices
    row.journal_backlog = backlog
    row.uptime_s = uptime
    row.beats = (row.beats or 0) + 1


@bp.get("/v1/kiosks/config")
def get_config():
    return kiosk_config()


def fleet(s: Session) -> list[dict]:
    """Every kiosk's latest heartbeat as stored (up/down: :func:`backoffice.fleet.fleet_state`)."""
    rows = s.query(KioskHeartbeat).order_by(KioskHeartbeat.kiosk_id).all()
    return [{"kiosk_id": r.kiosk_id, "last_seen_at": iso_utc(r.last_seen_at),
             "software_version": r.software_version, "devices": json.loads(r.devices),
             "journal_backlog": r.journal_backlog, "uptime_s": r.uptime_s, "beats": r.beats}
            for r in rows]
