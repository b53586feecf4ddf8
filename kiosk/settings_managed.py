"""The back office's managed settings (``GET /v1/kiosks/config``) laid over the local ones.

The fields it sends win (:data:`MANAGED_KEYS`); a value that fails validation is
ignored, logged and journalled (service ``settings_managed``), and the local value
stays. The managed settings are locked on the maintenance screen.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from typing import Any, Mapping

from .settings import KioskSettings, Problem
from .settings_checks import check_field
from .settings_store import change_entry

log = logging.getLogger("kiosk.settings")


#: ``GET /v1/kiosks/config`` key -> the setting it manages. Network identity, files,
#: hardware and the technician credential stay local: the back office cannot move a
#: kiosk to another back office or lock a technician out.
MANAGED_KEYS: Mapping[str, str] = {
    "jurisdiction": "jurisdiction",
    "idle_timeout_s": "idle_timeout_s",
    "locales": "languages",
    "default_font": "default_font",
    "high_contrast": "high_contrast",
    "shuffle_keypad": "shuffle_keypad",
    "speech_volume": "speech_volume",
    "speech_default_on": "speech_default_on",
}


@dataclass(frozen=True)
class EffectiveSettings:
    """The settings the kiosk runs on: local, with the back office's managed values over them."""

    settings: KioskSettings
    local: KioskSettings
    #: settings the back office set: locked on the maintenance screen
    managed: frozenset[str] = frozenset()
    #: managed values that were refused (the local value stays)
    ignored: tuple[Problem, ...] = ()
    config_version: str | None = None
    #: how often the back office wants a heartbeat (None: it did not say)
    heartbeat_interval_s: float | None = None

    def is_locked(self, name: str) -> bool:
        return name in self.managed


def local_only(local: KioskSettings) -> EffectiveSettings:
    """The effective settings without a back-office answer (it could not be reached)."""
    return EffectiveSettings(settings=local, local=local)


def apply_managed(local: KioskSettings, config, *, journal=None) -> EffectiveSettings:
    """Lay ``config`` (a :class:`~kiosk.backoffice_types.KioskConfig`, or its JSON object)
    over ``local``.

    Every key of :data:`MANAGED_KEYS` present in the answer sets its setting
    (``locales`` -> ``languages``), unless the value fails validation: then it
    is ignored with a warning and the local value stays. When a managed value
    differs from the local one, or one is ignored, the journal gets a
    ``settings_managed`` attempt with a step per field.
    """
    raw: Mapping[str, Any] = getattr(config, "raw", config)
    values: dict[str, Any] = {}
    managed: set[str] = set()
    ignored: list[Problem] = []
    for key, name in MANAGED_KEYS.items():
        if key not in raw:
            continue
        value = raw[key]
        if name == "languages" and isinstance(value, (list, tuple)):
            value = tuple(value)
        if name == "idle_timeout_s" and isinstance(value, float) and value.is_integer():
            value = int(value)  # JSON has one number type
        reason = check_field(name, value)
        if reason:
            ignored.append(Problem(name, reason))
            log.warning("managed setting %s ignored (%s); the local value stays", name, reason)
            continue
        values[name] = value
        managed.add(name)
    effective = dataclasses.replace(local, **values)
    version = raw.get("config_version")
    interval = raw.get("heartbeat_interval_s")
    if isinstance(interval, bool) or not isinstance(interval, (int, float)) \
            or not 5 <= interval <= 86400:
        interval = None                 # absent or absurd: the kiosk's own default
    result = EffectiveSettings(settings=effective, local=local, managed=frozenset(managed),
                               ignored=tuple(ignored),
                               config_version=None if version is None else str(version),
                               heartbeat_interval_s=None if interval is None else float(interval))
    if journal is not None:
        _journal_managed(journal, result)
    return result


def _journal_managed(journal, result: EffectiveSettings) -> None:
    changed = [n for n in sorted(result.managed)
               if getattr(result.local, n) != getattr(result.settings, n)]
    if not changed and not result.ignored:
        return
    try:
        with journal.attempt("settings_managed") as a:
            a.step("applied", actor="managed", fields=len(changed), ignored=len(result.ignored),
                   config_version=result.config_version)
            for name in changed:
                a.step("changed", **change_entry(name, getattr(result.local, name),
                                                 getattr(result.settings, name)))
            for p in result.ignored:
                a.step("ignored", field=p.field, reason=p.reason)
    except Exception:  # noqa: BLE001 - the kiosk runs on whatever the journal does
        log.exception("could not journal the managed settings")


def journal_config_unavailable(journal, error: BaseException) -> None:
    """Journal that the back office's config could not be fetched (the kiosk runs on local)."""
    code = getattr(error, "code", None) or type(error).__name__
    log.warning("managed settings unavailable (%s): running on the local settings", code)
    if journal is None:
        return
    try:
        with journal.attempt("settings_managed") as a:
            a.step("config_unavailable", error=str(code))
            a.outcome("failed", str(code))
    except Exception:  # noqa: BLE001
        log.exception("could not journal the missing managed settings")
