"""The kiosk's settings: one JSON file, validated, overridden by the back office.

A technician (or the installer) sets the terminal up with a JSON file, by
default ``/etc/ssc-kiosk/settings.json`` (``$SSC_KIOSK_SETTINGS``)::

    store = SettingsStore("/etc/ssc-kiosk/settings.json", journal=journal)
    local = store.load()                       # defaults for missing keys
    problems = validate(local)                 # [Problem("kiosk_id", "required"), ...]
    store.save(replace(local, idle_timeout_s=120), actor="technician")
    effective = apply_managed(local, client.kiosk_config(), journal=journal)
    effective.settings.idle_timeout_s          # the back office's, when it sets one
    effective.is_locked("idle_timeout_s")      # True: the maintenance screen shows a lock

- :class:`KioskSettings` holds every setting (see ``docs/settings.md``); the
  kiosk's HMAC secret is never one of them: ``secret_file`` names the file
  that holds it (:func:`read_secret`), so neither the settings file nor a
  diagnostics bundle ever contains it.
The schema is here; :mod:`kiosk.settings_checks` validates (:func:`validate`,
:func:`read_secret`), :mod:`kiosk.settings_store` reads and writes the file
(:class:`SettingsStore`), :mod:`kiosk.settings_managed` lays the back office's
values over the local ones (:func:`apply_managed`).

- :func:`validate` answers :class:`Problem` values with stable reason codes
  (:data:`REASONS`) that the maintenance screen translates.
- :meth:`SettingsStore.save` refuses invalid settings
  (:class:`SettingsInvalid`), writes atomically (a temporary file, ``fsync``,
  ``os.replace``: a power cut leaves the old file or the new one, never half of
  one) and journals every changed field (service ``settings_change``); the
  local technician credential is journalled as "changed", never its value.
- :func:`apply_managed` lays the back office's ``GET /v1/kiosks/config`` over
  the local settings: the fields it sends win (:data:`MANAGED_KEYS`); a value
  that fails validation is ignored, logged and journalled (service
  ``settings_managed``), and the local value stays.

Qt-free: the UI maps these settings with ``ui.settings_bridge``.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from .errors import KioskError

DEFAULT_SETTINGS_PATH = "/etc/ssc-kiosk/settings.json"
#: the environment variable that points at another settings file
SETTINGS_ENV = "SSC_KIOSK_SETTINGS"

LANGUAGES = ("zh_CN", "en")
FONT_MODES = ("normal", "large")
CAMERA_WORDS = ("none", "synthetic")
IDLE_TIMEOUT_RANGE = (30, 600)
SPEECH_VOLUME_RANGE = (0, 100)
#: the journal's file name in ``data_dir``
JOURNAL_FILE = "journal.sqlite3"

#: the reasons :func:`validate` gives, stable for translations and tests
REASONS = (
    "required",        # empty, or one of a pair (client certificate and key) missing
    "wrong_type",      # not the JSON type the setting takes
    "out_of_range",    # a number outside its range
    "unknown_choice",  # not one of the values offered (jurisdiction, font, language, camera)
    "empty",           # an empty list (languages)
    "duplicate",       # a value listed twice (languages)
    "bad_format",      # kiosk id characters, credential hash format
    "too_long",
    "not_a_url",       # not http(s)://host...
    "insecure_url",    # plain http to a host that is not loopback
    "url_has_query",   # a base URL with ?query or #fragment
    "not_absolute",    # a relative path
    "not_found",       # a file that does not exist (certificates, secret file)
)

#: settings whose value is journalled as "changed" only, and never exported
SECRET_FIELDS = frozenset({"local_technician_credential"})


class SettingsError(KioskError):
    code = "SETTINGS_ERROR"


class SettingsInvalid(SettingsError):
    """Settings that fail :func:`validate`; ``problems`` lists why (a refusal, not a fault)."""

    code = "SETTINGS_INVALID"
    refusal = True  # the journal records a refused save as "refused"

    def __init__(self, problems: Iterable["Problem"], what: str = "settings"):
        self.problems = tuple(problems)
        listed = ", ".join(f"{p.field}: {p.reason}" for p in self.problems)
        super().__init__(f"invalid {what} ({listed})")


class SettingsUnreadable(SettingsError):
    """The settings file (or the secret file) exists but cannot be read or parsed."""

    code = "SETTINGS_UNREADABLE"


@dataclass(frozen=True)
class Problem:
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.field}: {self.reason}"


@dataclass(frozen=True)
class KioskSettings:
    """Every setting of one kiosk; the defaults are those of a fresh install."""

    #: this terminal's id at the back office (``X-Kiosk-Id``)
    kiosk_id: str = ""
    #: the back office's base URL: https, or http to a loopback address only
    backoffice_url: str = ""
    #: the CA bundle that signs the back office's certificate (None: the system's)
    backoffice_ca_bundle: str | None = None
    #: the client certificate and key for mutual TLS (both or neither)
    client_cert: str | None = None
    client_key: str | None = None
    #: the file holding the kiosk's HMAC secret (the secret itself is never a setting)
    secret_file: str = "/etc/ssc-kiosk/secret"
    #: the rule pack (``kiosk/policies/<jurisdiction>.toml``)
    jurisdiction: str = ""
    #: no touch for this long during a session -> "do you need more time?"
    idle_timeout_s: int = 90
    #: the languages offered; the first is the one the kiosk starts in
    languages: tuple[str, ...] = LANGUAGES
    #: the text size the kiosk starts in: "normal" or "large" (长辈版)
    default_font: str = "normal"
    high_contrast: bool = False
    shuffle_keypad: bool = False
    speech_volume: int = 80
    speech_default_on: bool = False
    #: "none", "synthetic" (a test scene), a V4L2 device index, or a device path
    camera: str | int = "none"
    #: the PC/SC reader to use ("": every reader, the first card served)
    reader: str = ""
    #: where the journal and the outbox live
    data_dir: str = "/var/lib/ssc-kiosk"
    log_dir: str = "/var/log/ssc-kiosk"
    #: the maintenance mode's local fallback credential: a salted hash
    #: (:func:`kiosk.secret_hash.hash_secret`, ``scrypt$16384$8$1$<salt>$<hash>``)
    local_technician_credential: str | None = None
    #: keys of the file this version does not know: kept on save, reported on load
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def to_json_dict(self, *, secrets: bool = True) -> dict[str, Any]:
        """The file's content; ``secrets=False`` drops :data:`SECRET_FIELDS` (for export)."""
        data: dict[str, Any] = {}
        for name in setting_names():
            if not secrets and name in SECRET_FIELDS:
                continue
            value = getattr(self, name)
            data[name] = list(value) if isinstance(value, tuple) else value
        for key, value in self.extra.items():
            data.setdefault(key, value)
        return data

    @classmethod
    def from_json_dict(cls, data: Mapping[str, Any]) -> "KioskSettings":
        """Defaults for missing keys; unknown keys go to ``extra``; values are not validated."""
        known = set(setting_names())
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key in known:
                values[key] = tuple(value) if key == "languages" and isinstance(value, list) \
                    else value
        extra = {k: v for k, v in data.items() if k not in known}
        return cls(**values, extra=extra)

    def camera_source(self) -> str | int | None:
        """What the camera setting opens: None (no camera), ``"synthetic"``, an index, a path."""
        cam = self.camera
        if cam == "none":
            return None
        if isinstance(cam, str) and cam.isdigit():
            return int(cam)
        return cam

    def journal_path(self) -> Path:
        """The journal's SQLite file (the outbox shares it) in ``data_dir``."""
        return Path(self.data_dir) / JOURNAL_FILE

    def client_certificate(self) -> tuple[str, str] | None:
        """``(cert, key)`` for the back-office client, or None."""
        if self.client_cert and self.client_key:
            return (self.client_cert, self.client_key)
        return None


def setting_names() -> list[str]:
    """The settings, in the order of :class:`KioskSettings` (``extra`` is not one)."""
    return [f.name for f in dataclasses.fields(KioskSettings) if f.name != "extra"]


def settings_path(path: str | os.PathLike | None = None) -> Path:
    """``path``, else ``$SSC_KIOSK_SETTINGS``, else :data:`DEFAULT_SETTINGS_PATH`."""
    return Path(path or os.environ.get(SETTINGS_ENV) or DEFAULT_SETTINGS_PATH)
