"""Configuration of the reference back office, and its one clock.

A :class:`BackOfficeConfig` is plain data; :meth:`BackOfficeConfig.validate`
enforces the safety rules before a server starts:

- the spec's TEST HSM keys only in demo or test mode; a production config
  without keys (or with the test keys) refuses to start;
- the demo kiosk pair (``demo-kiosk-001`` / ``demo-secret-not-for-production``)
  is accepted only in demo mode; any other server refuses it even if it is
  configured (it is dropped from the registry, see :mod:`backoffice.auth`);
- the clock may be shifted (``clock_offset_s``) only in demo or test mode.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import os
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping

from kiosk.demo_identity import DEMO_KIOSK_ID, DEMO_KIOSK_SECRET
from kiosk.signing import MAX_CLOCK_SKEW_S

from .hsm import TEST_KEYS, HsmKeys

log = logging.getLogger("backoffice.config")

DEFAULT_JURISDICTION = "default"
DEFAULT_POLICY_VERSION = "1"
_JURISDICTION_RE = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
_KIOSK_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")

ENV_PREFIX = "SSC_BACKOFFICE_"


class ConfigError(ValueError):
    """The configuration is unsafe or inconsistent; the server must not start."""


def default_state_dir() -> Path:
    """``$SSC_BACKOFFICE_STATE_DIR``, else ``./var/backoffice``."""
    env = os.environ.get(ENV_PREFIX + "STATE_DIR")
    return Path(env) if env else Path("var") / "backoffice"


@dataclass
class BackOfficeConfig:
    #: any SQLAlchemy URL; ``None`` = a SQLite file ``backoffice.sqlite3`` in ``state_dir``
    db_url: str | None = None
    state_dir: Path | None = None
    jurisdiction: str = DEFAULT_JURISDICTION
    #: the version of the jurisdiction's rule pack (the next issue loads it from the pack)
    policy_version: str = DEFAULT_POLICY_VERSION
    demo: bool = False
    test_mode: bool = False
    #: the HSM master keys; ``None`` = the spec's test keys (demo/test mode only)
    hsm_keys: HsmKeys | None = None
    #: kiosk id -> shared secret of the request signatures
    kiosks: dict[str, str] = field(default_factory=dict)
    #: shift of the business clock, seconds (demo/test mode only)
    clock_offset_s: float = 0.0
    max_clock_skew_s: int = MAX_CLOCK_SKEW_S
    #: a citizen session lives at most this long (the contract: 10 minutes)
    session_ttl_s: int = 600
    #: how long a ``card_auth_id`` may be used to open a session or authorise a PIN command
    card_auth_ttl_s: int = 600
    #: how long idempotency keys (and their stored answers) are kept; at least
    #: ``late_replay_window_s``, so a late replay never runs an operation whose first
    #: answer was already forgotten (docs/outbox.md)
    idempotency_retention_s: int = 48 * 3600
    #: a citizen write made while its session lived may be replayed (by the kiosk's outbox)
    #: after the session ended, up to this long after its original, signed request time
    late_replay_window_s: int = 24 * 3600
    #: how long a request waits for a racing request with the same key to finish
    idempotency_wait_s: float = 5.0
    #: a claim older than this is considered abandoned (its process died) and is taken over
    idempotency_lock_timeout_s: float = 60.0
    max_body_bytes: int = 8 * 1024 * 1024
    #: waitress worker threads
    threads: int = 4
    #: seed the demo people and cards at start (``None``: in demo mode)
    seed_demo: bool | None = None
    #: the SMS gateway hook, ``hook(phone, code)``: a callable or ``"module:function"``
    #: (demo/test mode without one: codes go to the log; production without one: no SMS)
    sms_gateway: object | None = None
    #: the face check hook, ``hook(person, jpeg) -> bool``: a callable or
    #: ``"module:function"`` (demo/test mode without one: "exactly one face")
    face_verifier: object | None = None
    #: identity-check limits (see :class:`backoffice.identity.Limits`); None = defaults
    identity_limits: object | None = None
    #: what ``GET /v1/kiosks/config`` hands to the terminals
    idle_timeout_s: int = 120
    locales: tuple[str, ...] = ("zh_CN", "en")
    #: the outlet named in new applications (None = the jurisdiction's demo outlet)
    outlet: str | None = None
    #: how often the kiosks send ``POST /v1/kiosks/heartbeat`` (told in ``GET /v1/kiosks/config``)
    heartbeat_interval_s: int = 60
    #: a kiosk whose last heartbeat is older than this is down (None: 3 heartbeat intervals)
    kiosk_down_after_s: float | None = None
    #: serve ``GET /metrics`` and ``GET /fleet`` (unsigned, for the operator's monitoring);
    #: None: in demo or test mode only. See docs/fleet.md.
    expose_fleet: bool | None = None

    # --- presets -----------------------------------------------------------
    @classmethod
    def for_demo(cls, **overrides) -> "BackOfficeConfig":
        """Demo mode: test keys, the demo kiosk pair, a shiftable clock."""
        values = {"demo": True}
        values.update(overrides)
        return cls(**values)

    @classmethod
    def for_tests(cls, **overrides) -> "BackOfficeConfig":
        """Test mode with the demo pair and an in-memory database (override freely)."""
        values = {"demo": True, "test_mode": True, "db_url": "sqlite:///:memory:"}
        values.update(overrides)
        return cls(**values)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides) -> "BackOfficeConfig":
        """Read the settings a production server needs from the environment.

        ``SSC_BACKOFFICE_DB``, ``SSC_BACKOFFICE_STATE_DIR``, ``SSC_BACKOFFICE_JURISDICTION``,
        ``SSC_BACKOFFICE_KIOSKS`` (``id:secret,id:secret``) or ``SSC_BACKOFFICE_KIOSKS_FILE``
        (a JSON object id -> secret), ``SSC_BACKOFFICE_HSM_KEYS_FILE`` (a JSON object with
        ``internal_auth``, ``external_auth``, ``pin`` in hex) or ``SSC_BACKOFFICE_HSM_K_IA``,
        ``..._K_EA``, ``..._K_PIN``, ``SSC_BACKOFFICE_SMS_GATEWAY`` and
        ``SSC_BACKOFFICE_FACE_VERIFIER`` (``module:function`` hooks),
        ``SSC_BACKOFFICE_OUTLET``, ``SSC_BACKOFFICE_HEARTBEAT_INTERVAL_S``,
        ``SSC_BACKOFFICE_KIOSK_DOWN_AFTER_S``, ``SSC_BACKOFFICE_LATE_REPLAY_WINDOW_S``,
        ``SSC_BACKOFFICE_IDEMPOTENCY_RETENTION_S`` (whole seconds, docs/outbox.md) and
        ``SSC_BACKOFFICE_EXPOSE_FLEET`` (1/0: serve ``/metrics`` and ``/fleet``, see
        docs/fleet.md). Explicit ``overrides`` (not ``None``) win.
        """
        env = os.environ if environ is None else environ
        values: dict = {}
        if env.get(ENV_PREFIX + "DB"):
            values["db_url"] = env[ENV_PREFIX + "DB"]
        if env.get(ENV_PREFIX + "STATE_DIR"):
            values["state_dir"] = Path(env[ENV_PREFIX + "STATE_DIR"])
        if env.get(ENV_PREFIX + "JURISDICTION"):
            values["jurisdiction"] = env[ENV_PREFIX + "JURISDICTION"]
        for name, attr in (("SMS_GATEWAY", "sms_gateway"), ("FACE_VERIFIER", "face_verifier"),
                           ("OUTLET", "outlet")):
            if env.get(ENV_PREFIX + name):
                values[attr] = env[ENV_PREFIX + name]
        kiosks: dict[str, str] = {}
        if env.get(ENV_PREFIX + "KIOSKS_FILE"):
            kiosks.update(_read_json_object(env[ENV_PREFIX + "KIOSKS_FILE"], "kiosks file"))
        if env.get(ENV_PREFIX + "KIOSKS"):
            for item in env[ENV_PREFIX + "KIOSKS"].split(","):
                if not item.strip():
                    continue
                kiosk_id, sep, secret = item.strip().partition(":")
                if not sep:
                    raise ConfigError(f"{ENV_PREFIX}KIOSKS: expected id:secret pairs")
                kiosks[kiosk_id] = secret
        if kiosks:
            values["kiosks"] = kiosks
        if env.get(ENV_PREFIX + "HSM_KEYS_FILE"):
            data = _read_json_object(env[ENV_PREFIX + "HSM_KEYS_FILE"], "HSM keys file")
            try:
                values["hsm_keys"] = HsmKeys.from_hex(
                    data["internal_auth"], data["external_auth"], data["pin"])
            except (KeyError, TypeError, ValueError) as exc:
                raise ConfigError(f"HSM keys file: {exc}") from None
        elif any(env.get(ENV_PREFIX + k) for k in ("HSM_K_IA", "HSM_K_EA", "HSM_K_PIN")):
            try:
                values["hsm_keys"] = HsmKeys.from_hex(
                    env.get(ENV_PREFIX + "HSM_K_IA", ""), env.get(ENV_PREFIX + "HSM_K_EA", ""),
                    env.get(ENV_PREFIX + "HSM_K_PIN", ""))
            except ValueError as exc:
                raise ConfigError(str(exc)) from None
        for name, attr in (("HEARTBEAT_INTERVAL_S", "heartbeat_interval_s"),
                           ("KIOSK_DOWN_AFTER_S", "kiosk_down_after_s"),
                           ("LATE_REPLAY_WINDOW_S", "late_replay_window_s"),
                           ("IDEMPOTENCY_RETENTION_S", "idempotency_retention_s")):
            if env.get(ENV_PREFIX + name):
                try:
                    values[attr] = int(env[ENV_PREFIX + name])
                except ValueError:
                    raise ConfigError(f"{ENV_PREFIX}{name}: expected whole seconds") from None
        if env.get(ENV_PREFIX + "EXPOSE_FLEET"):
            values["expose_fleet"] = _flag(env[ENV_PREFIX + "EXPOSE_FLEET"],
                                           ENV_PREFIX + "EXPOSE_FLEET")
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    # --- derived values ------------------------------------------------------
    @property
    def seeds_demo(self) -> bool:
        return self.demo if self.seed_demo is None else bool(self.seed_demo and self.relaxed)

    @property
    def relaxed(self) -> bool:
        """Demo or test mode: test keys and a shiftable clock are allowed."""
        return bool(self.demo or self.test_mode)

    @property
    def down_after_s(self) -> float:
        """Heartbeat age past which a kiosk counts as down."""
        if self.kiosk_down_after_s is not None:
            return float(self.kiosk_down_after_s)
        return 3.0 * self.heartbeat_interval_s

    @property
    def fleet_exposed(self) -> bool:
        """Whether ``/metrics`` and ``/fleet`` are served (by default in demo/test mode)."""
        return self.relaxed if self.expose_fleet is None else bool(self.expose_fleet)

    def resolved_db_url(self) -> str:
        if self.db_url:
            return self.db_url
        state_dir = self.state_dir or default_state_dir()
        return f"sqlite:///{(Path(state_dir) / 'backoffice.sqlite3').resolve()}"

    def resolved_hsm_keys(self) -> HsmKeys:
        if self.hsm_keys is not None:
            return self.hsm_keys
        if self.relaxed:
            return TEST_KEYS
        raise ConfigError("no HSM master keys configured (the test keys serve only demo/test mode)")

    def resolved_kiosks(self) -> dict[str, str]:
        """The kiosk registry this server accepts: the demo pair only in demo mode."""
        kiosks = {}
        for kiosk_id, secret in self.kiosks.items():
            if not self.demo and (kiosk_id == DEMO_KIOSK_ID or secret == DEMO_KIOSK_SECRET):
                log.warning("kiosk %s refused: the demo pair serves only demo mode", kiosk_id)
                continue
            kiosks[kiosk_id] = secret
        if self.demo:
            kiosks.setdefault(DEMO_KIOSK_ID, DEMO_KIOSK_SECRET)
        return kiosks

    def replace(self, **changes) -> "BackOfficeConfig":
        return dataclasses.replace(self, **changes)

    def validate(self) -> None:
        """Raise :class:`ConfigError` for anything that must stop a start."""
        if not _JURISDICTION_RE.match(self.jurisdiction or ""):
            raise ConfigError(f"bad jurisdiction name {self.jurisdiction!r}")
        keys = self.resolved_hsm_keys()
        if not self.relaxed and _same_keys(keys, TEST_KEYS):
            raise ConfigError("the spec's test HSM keys are refused outside demo/test mode")
        if self.clock_offset_s and not self.relaxed:
            raise ConfigError("the clock can be shifted only in demo or test mode")
        for kiosk_id, secret in self.kiosks.items():
            if not isinstance(kiosk_id, str) or not _KIOSK_ID_RE.match(kiosk_id):
                raise ConfigError(f"bad kiosk id {kiosk_id!r}")
            if not isinstance(secret, str) or not secret:
                raise ConfigError(f"kiosk {kiosk_id}: empty secret")
        if not self.relaxed and not self.resolved_kiosks():
            log.warning("no kiosks configured: every signed request will be refused")
        for name in ("max_clock_skew_s", "session_ttl_s", "card_auth_ttl_s",
                     "idempotency_retention_s", "late_replay_window_s", "threads",
                     "max_body_bytes"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"{name} must be positive")
        if self.late_replay_window_s > self.idempotency_retention_s:
            # a late replay could run again an operation whose stored answer was purged
            raise ConfigError("late_replay_window_s must not exceed idempotency_retention_s")
        if self.idempotency_wait_s < 0 or self.idempotency_lock_timeout_s <= 0:
            raise ConfigError("idempotency timings must be positive")
        if self.idle_timeout_s <= 0:
            raise ConfigError("idle_timeout_s must be positive")
        if not self.locales or not all(isinstance(x, str) and x for x in self.locales):
            raise ConfigError("locales must name at least one locale")
        if isinstance(self.heartbeat_interval_s, bool) or not isinstance(
                self.heartbeat_interval_s, int) or self.heartbeat_interval_s <= 0:
            raise ConfigError("heartbeat_interval_s must be a positive whole number of seconds")
        if self.down_after_s < self.heartbeat_interval_s:
            # every kiosk would blink down between two heartbeats
            raise ConfigError("kiosk_down_after_s must be at least heartbeat_interval_s")
        from .identity import resolve_hook
        from .rules import load_rules

        load_rules(self.jurisdiction)  # the pack must exist and be valid
        resolve_hook(self.sms_gateway)
        resolve_hook(self.face_verifier)

    def __repr__(self) -> str:  # never show secrets or keys
        return (f"BackOfficeConfig(db_url={self.resolved_db_url()!r}, "
                f"jurisdiction={self.jurisdiction!r}, demo={self.demo}, "
                f"test_mode={self.test_mode}, kiosks={sorted(self.kiosks)})")


def _same_keys(a: HsmKeys, b: HsmKeys) -> bool:
    return (a.internal_auth == b.internal_auth or a.external_auth == b.external_auth
            or a.pin == b.pin)


def _flag(value: str, name: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name}: expected 1/0, true/false, yes/no or on/off")


def _read_json_object(path: str, what: str) -> dict:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read the {what} {path}: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"the {what} {path} must hold a JSON object")
    return data


# --- the clock -------------------------------------------------------------------

class Clock:
    """The back office's one source of time.

    :meth:`now` is business time (card-auth and session lifetimes, auto-lifts):
    wall time plus the offset, which demo/test mode may shift. :meth:`wall` is the
    unshifted time used by transport mechanics (signature freshness, idempotency
    retention), so shifting the business clock by days does not make every
    kiosk's signature stale.
    """

    def __init__(self, offset_s: float = 0.0, *, adjustable: bool = False,
                 source: Callable[[], float] = time.time):
        if offset_s and not adjustable:
            raise ConfigError("the clock can be shifted only in demo or test mode")
        self._offset = float(offset_s)
        self._adjustable = adjustable
        self._source = source
        self._lock = threading.Lock()

    @property
    def offset_s(self) -> float:
        return self._offset

    @property
    def adjustable(self) -> bool:
        return self._adjustable

    def set_offset(self, seconds: float) -> None:
        """Set the business clock's offset from wall time; demo/test mode only."""
        if not self._adjustable:
            raise PermissionError("the clock can be shifted only in demo or test mode")
        with self._lock:
            self._offset = float(seconds)

    def shift(self, seconds: float) -> None:
        """Move business time forward (or back); demo/test mode only."""
        if not self._adjustable:
            raise PermissionError("the clock can be shifted only in demo or test mode")
        with self._lock:
            self._offset += float(seconds)

    def timestamp(self) -> float:
        return self._source() + self._offset

    def now(self) -> dt.datetime:
        """Business time, timezone-aware UTC."""
        return dt.datetime.fromtimestamp(self.timestamp(), dt.timezone.utc)

    def wall_timestamp(self) -> float:
        return self._source()

    def wall(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(self._source(), dt.timezone.utc)


def iso_utc(moment: dt.datetime) -> str:
    """``2025-01-02T03:04:05Z``: the API's time format (UTC, whole seconds)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(dt.timezone.utc).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
