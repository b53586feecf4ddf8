"""The fleet's state and the back office's metrics, for the operator's monitoring.

Three pieces, each usable without a request:

- :func:`fleet_state` turns the latest heartbeat of each kiosk (table
  ``kiosk_heartbeats``) into a :class:`KioskState`: up while its last heartbeat
  is at most ``down_after_s`` old by the server's business clock (so the test
  clock can age it), down after that; a registered kiosk that never sent one
  is down too ("never seen");
- :class:`ServiceOutcomes` counts the citizen operations this process served,
  by jurisdiction, service and outcome (``ok`` or the error code); an
  ``after_request`` hook (:func:`init_app`) records every answer of the
  endpoints in :data:`SERVICE_OF_ENDPOINT` in this one place, so no route has
  to remember to count;
- :func:`metrics_text` writes both in the Prometheus text exposition format
  0.0.4 (by hand: the format is small, and a client library would be one more
  dependency for a handful of gauges).

Nothing here carries personal data: kiosk ids, versions, counts and codes only.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import threading
from dataclasses import dataclass
from typing import Iterable, Mapping

from flask import Flask, Response, current_app, request
from sqlalchemy.orm import Session

from kiosk.journal.health import REASONS

from .models import KioskHeartbeat

#: the Content-Type of the text exposition format
METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

#: device states that count as healthy (a device's value, or its ``state``/``status``)
HEALTHY_DEVICE_STATES = frozenset({"ok", "ready", "idle", "connected", "online"})


# --- the fleet ---------------------------------------------------------------------------

@dataclass(frozen=True)
class KioskState:
    """One kiosk as the operator sees it."""

    kiosk_id: str
    up: bool
    #: business time of the last heartbeat (None: never seen)
    last_seen_at: dt.datetime | None
    #: seconds since the last heartbeat by the server's clock (None: never seen)
    age_s: float | None
    software_version: str | None
    journal_backlog: int | None
    #: the kiosk's uptime as it reported in its last heartbeat
    uptime_s: float | None
    #: names of the devices whose reported state is not healthy
    devices_not_ok: tuple[str, ...]
    beats: int
    #: the journal's state as the kiosk reported it (:func:`journal_state`; None: not reported)
    journal: str | None = None
    #: why it cannot be written (``disk_full``...), when ``journal`` is ``unwritable``
    journal_reason: str | None = None


def fleet_state(session: Session, *, now: dt.datetime, down_after_s: float,
                registered: Iterable[str] = ()) -> list[KioskState]:
    """Every kiosk that sent a heartbeat or is registered, sorted by id."""
    kiosks: dict[str, KioskState] = {}
    for row in session.query(KioskHeartbeat).all():
        age = max(0.0, (now - _aware(row.last_seen_at)).total_seconds())
        devices = _json_object(row.devices)
        journal, reason = journal_state(devices)
        kiosks[row.kiosk_id] = KioskState(
            kiosk_id=row.kiosk_id, up=age <= down_after_s,
            last_seen_at=_aware(row.last_seen_at), age_s=age,
            software_version=row.software_version, journal_backlog=row.journal_backlog,
            uptime_s=row.uptime_s, devices_not_ok=devices_not_ok(devices),
            beats=row.beats or 0, journal=journal, journal_reason=reason)
    for kiosk_id in registered:
        if kiosk_id not in kiosks:
            kiosks[kiosk_id] = KioskState(kiosk_id=kiosk_id, up=False, last_seen_at=None,
                                          age_s=None, software_version=None,
                                          journal_backlog=None, uptime_s=None,
                                          devices_not_ok=(), beats=0)
    return [kiosks[k] for k in sorted(kiosks)]


def devices_not_ok(devices: Mapping) -> tuple[str, ...]:
    """The devices whose state is not healthy.

    The heartbeat's ``devices`` is free-form: a device's value is a state
    string (``"ok"``), or an object with a ``state`` (or ``status``) string, or
    ``true``/``false``. Anything else (a missing state, an unknown shape)
    counts as not ok: the operator should look.
    """
    bad = []
    for name, value in devices.items():
        if isinstance(value, Mapping):
            value = value.get("state", value.get("status"))
        if value is True:
            continue
        if isinstance(value, str) and value.strip().lower() in HEALTHY_DEVICE_STATES:
            continue
        bad.append(str(name))
    return tuple(sorted(bad))


#: the journal states a kiosk reports (docs/journal.md); anything else is ``other``
JOURNAL_STATES = ("ok", "unwritable", "replaced", "error")


def journal_state(devices: Mapping) -> tuple[str | None, str | None]:
    """``(state, reason)`` of the journal in a heartbeat's ``devices``: ``"journal"`` is
    ``"ok"``, or ``{"state": "unwritable", "reason": "disk_full", ...}``, or
    ``{"state": "replaced", "kept": [...]}`` (a damaged journal moved aside at a start);
    ``(None, None)`` when the kiosk does not report it. Only known values come out."""
    value = devices.get("journal")
    if value is None:
        return None, None
    reason = None
    if isinstance(value, Mapping):
        reason = value.get("reason")
        value = value.get("state", value.get("status"))
    state = value.strip().lower() if isinstance(value, str) else "other"
    state = state if state in JOURNAL_STATES else "other"
    if state != "unwritable":
        return state, None
    return state, reason if reason in REASONS else "other"


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.timezone.utc)


def _json_object(text: str | None) -> dict:
    try:
        data = json.loads(text or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


# --- service outcomes ----------------------------------------------------------------------

#: endpoint -> the service it serves; a value that depends on the body is refined by
#: :data:`SERVICE_BY_BODY` (only known values become labels: no unbounded label sets)
SERVICE_OF_ENDPOINT = {
    "sessions.open_session": "session",
    "sessions.verify": "session_sms_verify",
    "card.get_card": "card_status",
    "applications.list_applications": "progress",
    "card.report_loss": "report_loss",
    "card.lift_loss": "lift_loss",
    "profile.patch_profile": "profile_change",
    "pin.authorize": "pin_authorization",
    "applications.apply_for_renewal": "renewal",
}
#: endpoint -> (body field, {value: service})
SERVICE_BY_BODY = {
    "sessions.open_session": ("method", {"card": "session_card", "sms": "session_sms",
                                         "face": "session_face"}),
    "card.report_loss": ("kind", {"temporary": "temporary_loss", "formal": "formal_loss"}),
    "pin.authorize": ("operation", {"reload": "pin_reset", "unblock": "pin_unblock"}),
}


class ServiceOutcomes:
    """Counters of served citizen operations, kept by the app process (thread-safe).

    They start at zero with the process, as Prometheus counters do; replayed
    answers (the same ``Idempotency-Key`` again) are not counted twice.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[tuple[str, str, str], int] = {}

    def record(self, jurisdiction: str, service: str, outcome: str) -> None:
        key = (jurisdiction, service, outcome)
        with self._lock:
            self._counts[key] = self._counts.get(key, 0) + 1

    def snapshot(self) -> dict[tuple[str, str, str], int]:
        """``(jurisdiction, service, outcome) -> count``."""
        with self._lock:
            return dict(self._counts)


def service_of_request() -> str | None:
    """The service the current request serves (None: not a counted operation)."""
    service = SERVICE_OF_ENDPOINT.get(request.endpoint or "")
    refine = SERVICE_BY_BODY.get(request.endpoint or "")
    if service is None or refine is None:
        return service
    field, services = refine
    try:  # an oversized body raises 413 again here: then the base service it is
        body = json.loads(request.get_data(cache=True) or b"null")
    except Exception:  # noqa: BLE001 - never let counting spoil the answer
        body = None
    value = body.get(field) if isinstance(body, dict) else None
    return services.get(value, service) if isinstance(value, str) else service


def init_app(app: Flask) -> None:
    """Count every answer of a citizen operation (after the error handlers ran)."""

    @app.after_request
    def _count_outcome(response: Response) -> Response:
        service = service_of_request()
        if service is None or request.environ.get("backoffice.replayed"):
            return response
        if response.status_code < 400:
            outcome = "ok"
        else:
            outcome = request.environ.get("backoffice.error_code") or f"HTTP_{response.status_code}"
        state = current_app.extensions["backoffice"]
        state.outcomes.record(state.rules.jurisdiction, service, outcome)
        return response


# --- the text exposition format -------------------------------------------------------------

class Exposition:
    """Builds a Prometheus text exposition (format 0.0.4): families with HELP and TYPE."""

    def __init__(self) -> None:
        self._lines: list[str] = []

    def family(self, name: str, kind: str, help_text: str,
               samples: Iterable[tuple[Mapping[str, str], float]]) -> None:
        self._lines.append(f"# HELP {name} {escape_help(help_text)}")
        self._lines.append(f"# TYPE {name} {kind}")
        for labels, value in samples:
            self._lines.append(f"{name}{format_labels(labels)} {format_value(value)}")

    def text(self) -> str:
        return "\n".join(self._lines) + "\n"


def escape_help(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def escape_label_value(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def format_labels(labels: Mapping[str, str]) -> str:
    if not labels:
        return ""
    inner = ",".join(f'{k}="{escape_label_value(str(v))}"' for k, v in labels.items())
    return "{" + inner + "}"


def format_value(value: float) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return repr(float(value))


def metrics_text(kiosks: list[KioskState], outcomes: Mapping[tuple[str, str, str], int], *,
                 down_after_s: float) -> str:
    """The fleet and the service outcomes as one exposition."""
    out = Exposition()
    up = sum(1 for k in kiosks if k.up)
    out.family("ssc_kiosks_up", "gauge", "Kiosks whose last heartbeat is recent enough.",
               [({}, up)])
    out.family("ssc_kiosks_down", "gauge", "Kiosks whose last heartbeat is too old, or that "
               "never sent one.", [({}, len(kiosks) - up)])
    out.family("ssc_kiosk_down_after_seconds", "gauge",
               "Heartbeat age past which a kiosk counts as down.", [({}, float(down_after_s))])
    out.family("ssc_kiosk_up", "gauge", "1 if the kiosk is up, 0 if it is down.",
               [({"kiosk": k.kiosk_id}, int(k.up)) for k in kiosks])
    seen = [k for k in kiosks if k.age_s is not None]
    out.family("ssc_kiosk_last_heartbeat_age_seconds", "gauge",
               "Seconds since the kiosk's last heartbeat, by the server's clock.",
               [({"kiosk": k.kiosk_id}, float(k.age_s)) for k in seen])
    out.family("ssc_kiosk_journal_backlog", "gauge",
               "Journal entries the kiosk had not uploaded yet, at its last heartbeat.",
               [({"kiosk": k.kiosk_id}, int(k.journal_backlog or 0)) for k in seen])
    out.family("ssc_kiosk_uptime_seconds", "gauge",
               "The kiosk software's uptime, as reported in its last heartbeat.",
               [({"kiosk": k.kiosk_id}, float(k.uptime_s or 0.0)) for k in seen])
    out.family("ssc_kiosk_devices_not_ok", "gauge",
               "Devices the kiosk reported in a state other than ok, at its last heartbeat.",
               [({"kiosk": k.kiosk_id}, len(k.devices_not_ok)) for k in seen])
    out.family("ssc_kiosk_journal_state", "gauge",
               "1 for the state of the kiosk's journal at its last heartbeat: ok, unwritable "
               "(no service starts), replaced (a damaged journal was moved aside).",
               [({"kiosk": k.kiosk_id, "state": k.journal}, 1)
                for k in seen if k.journal is not None])
    out.family("ssc_kiosk_info", "gauge", "The kiosk's software version (always 1).",
               [({"kiosk": k.kiosk_id, "version": k.software_version or ""}, 1)
                for k in seen])
    out.family("ssc_service_outcomes_total", "counter",
               "Citizen operations served by this back office process, by outcome "
               "(ok or the error code).",
               [({"jurisdiction": j, "service": s, "outcome": o}, n)
                for (j, s, o), n in sorted(outcomes.items())])
    return out.text()
