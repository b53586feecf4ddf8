"""The settings file: read (defaults for missing keys), validated, written atomically, journalled.

:meth:`SettingsStore.save` refuses invalid settings (:class:`~kiosk.settings.SettingsInvalid`),
writes atomically (a temporary file, ``fsync``, ``os.replace``: a power cut leaves the
old file or the new one, never half of one) and journals every changed field (service
``settings_change``); the local technician credential is journalled as "changed", never
its value.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
from pathlib import Path
from typing import Any

from .files import write_atomically
from .settings import (SECRET_FIELDS, KioskSettings, Problem, SettingsInvalid,
                       SettingsUnreadable, setting_names)
from .settings_checks import validate

log = logging.getLogger("kiosk.settings")


def _journal_value(name: str, value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def changed_fields(old: KioskSettings | None, new: KioskSettings) -> list[str]:
    """The settings that differ (every setting when ``old`` is None)."""
    return [n for n in setting_names()
            if old is None or getattr(old, n) != getattr(new, n)]


class SettingsStore:
    """The settings file at ``path``; changes are journalled in ``journal`` when given."""

    ACTORS = ("technician", "managed", "install")

    def __init__(self, path: str | os.PathLike, journal=None):
        self.path = Path(path)
        self.journal = journal
        #: unknown keys found by the last :meth:`load` (kept in ``settings.extra``)
        self.unknown_keys: tuple[str, ...] = ()

    def exists(self) -> bool:
        return self.path.is_file()

    def load(self) -> KioskSettings:
        """The settings in the file (defaults for missing keys; no file: all defaults).

        Values are not validated here (call :func:`validate`): a technician must be
        able to open invalid settings to correct them. Raises
        :class:`SettingsUnreadable` for a file that is not a JSON object.
        """
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            self.unknown_keys = ()
            return KioskSettings()
        except OSError as exc:
            raise SettingsUnreadable(f"cannot read {self.path}: {exc.strerror}") from None
        try:
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise SettingsUnreadable(f"{self.path} is not JSON: {exc}") from None
        if not isinstance(data, dict):
            raise SettingsUnreadable(f"{self.path} does not hold a JSON object")
        settings = KioskSettings.from_json_dict(data)
        self.unknown_keys = tuple(settings.extra)
        if self.unknown_keys:
            log.warning("settings file %s has keys this version does not know (kept): %s",
                        self.path, ", ".join(self.unknown_keys))
        return settings

    def save(self, new: KioskSettings, actor: str = "technician") -> list[str]:
        """Validate, write atomically, journal; returns the names of the changed settings.

        Keys of the file this version does not know are kept (``new.extra`` over them).

        Raises :class:`SettingsInvalid` (nothing written; the refusal is journalled).
        """
        if actor not in self.ACTORS:
            raise ValueError(f"actor must be one of {self.ACTORS}")
        try:
            old = self.load() if self.exists() else None
        except SettingsUnreadable:
            log.warning("replacing an unreadable settings file %s", self.path)
            old = None
        problems = validate(new)
        if problems:
            self._journal_refused(actor, problems)
            raise SettingsInvalid(problems)
        changed = changed_fields(old, new)
        # keys this version does not know stay in the file (a newer version's settings)
        extra = {**(dict(old.extra) if old is not None else {}), **dict(new.extra)}
        if old is not None and not changed and dict(old.extra) == extra:
            return []
        new = dataclasses.replace(new, extra=extra)
        body = json.dumps(new.to_json_dict(), ensure_ascii=False, indent=2) + "\n"
        write_atomically(self.path, body.encode("utf-8"))
        log.info("settings saved by %s: %s", actor, ", ".join(changed) or "(unchanged)")
        self._journal_changes(actor, old, new, changed)
        return changed

    # --- journal ---------------------------------------------------------------------------
    def _journal_changes(self, actor: str, old: KioskSettings | None, new: KioskSettings,
                         changed: list[str]) -> None:
        if self.journal is None:
            return
        with self.journal.attempt("settings_change") as a:
            a.step("saved", actor=actor, fields=len(changed), first_save=old is None)
            for name in changed:
                a.step("changed", **change_entry(name, None if old is None else getattr(old, name),
                                                 getattr(new, name)))

    def _journal_refused(self, actor: str, problems: list[Problem]) -> None:
        if self.journal is None:
            return
        try:
            with self.journal.attempt("settings_change") as a:
                a.step("refused", actor=actor,
                       problems=[{"field": p.field, "reason": p.reason} for p in problems])
                a.outcome("refused", SettingsInvalid.code)
        except Exception:  # noqa: BLE001 - the refusal is raised whatever the journal does
            log.exception("could not journal a refused settings change")


def change_entry(name: str, old: Any, new: Any) -> dict[str, Any]:
    """The journal's record of one changed setting: old -> new, or "changed" for a secret."""
    if name in SECRET_FIELDS:
        return {"field": name, "change": "changed" if new is not None else "removed"}
    return {"field": name, "old": _journal_value(name, old), "new": _journal_value(name, new)}
