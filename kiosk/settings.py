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
import json
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from .errors import KioskError
from .files import write_atomically

log = logging.getLogger("kiosk.settings")

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

_KIOSK_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


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


# --- validation ---------------------------------------------------------------------------

def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _int_in(lo: int, hi: int) -> Callable[[Any], str | None]:
    def check(v: Any) -> str | None:
        if not _is_int(v):
            return "wrong_type"
        return None if lo <= v <= hi else "out_of_range"
    return check


def _bool(v: Any) -> str | None:
    return None if isinstance(v, bool) else "wrong_type"


def _choice(options: Callable[[], Iterable[str]]) -> Callable[[Any], str | None]:
    def check(v: Any) -> str | None:
        if not isinstance(v, str):
            return "wrong_type"
        if not v:
            return "required"
        return None if v in options() else "unknown_choice"
    return check


def _kiosk_id(v: Any) -> str | None:
    if not isinstance(v, str):
        return "wrong_type"
    if not v:
        return "required"
    return None if _KIOSK_ID_RE.fullmatch(v) else "bad_format"


def _url(v: Any) -> str | None:
    from urllib.parse import urlsplit

    from .backoffice_transport import is_loopback_host

    if not isinstance(v, str):
        return "wrong_type"
    if not v:
        return "required"
    try:
        parts = urlsplit(v)
        host = parts.hostname
    except ValueError:
        return "not_a_url"
    if parts.scheme not in ("http", "https") or not host:
        return "not_a_url"
    if parts.query or parts.fragment:
        return "url_has_query"
    if parts.scheme == "http" and not is_loopback_host(host):
        return "insecure_url"
    return None


def _path(v: Any, *, must_exist: bool, optional: bool) -> str | None:
    if v is None or v == "":
        return None if optional else "required"
    if not isinstance(v, str):
        return "wrong_type"
    if len(v) > 4096:
        return "too_long"
    if not os.path.isabs(v):
        return "not_absolute"
    if must_exist and not os.path.isfile(v):
        return "not_found"
    return None


def _file(optional: bool) -> Callable[[Any], str | None]:
    return lambda v: _path(v, must_exist=True, optional=optional)


def _dir(v: Any) -> str | None:
    return _path(v, must_exist=False, optional=False)


def _languages(v: Any) -> str | None:
    if not isinstance(v, (list, tuple)) or not all(isinstance(x, str) for x in v):
        return "wrong_type"
    if not v:
        return "empty"
    if any(x not in LANGUAGES for x in v):
        return "unknown_choice"
    return "duplicate" if len(set(v)) != len(v) else None


def _camera(v: Any) -> str | None:
    if _is_int(v):
        return None if v >= 0 else "out_of_range"
    if not isinstance(v, str):
        return "wrong_type"
    if v in CAMERA_WORDS or v.isdigit() or os.path.isabs(v):
        return None
    return "unknown_choice"


def _reader(v: Any) -> str | None:
    if not isinstance(v, str):
        return "wrong_type"
    return "too_long" if len(v) > 256 else None


def _credential(v: Any) -> str | None:
    """A salted hash as :func:`kiosk.secret_hash.hash_secret` makes it (``scrypt$N$r$p$salt$hash``),
    never a bare code: the check itself is :func:`kiosk.secret_hash.verify_secret`."""
    from .secret_hash import is_secret_hash

    if v is None:
        return None
    if not isinstance(v, str):
        return "wrong_type"
    return None if is_secret_hash(v) else "bad_format"


def _jurisdictions() -> list[str]:
    from .policies import jurisdictions

    return jurisdictions()


_CHECKS: dict[str, Callable[[Any], str | None]] = {
    "kiosk_id": _kiosk_id,
    "backoffice_url": _url,
    "backoffice_ca_bundle": _file(optional=True),
    "client_cert": _file(optional=True),
    "client_key": _file(optional=True),
    "secret_file": _file(optional=False),
    "jurisdiction": _choice(_jurisdictions),
    "idle_timeout_s": _int_in(*IDLE_TIMEOUT_RANGE),
    "languages": _languages,
    "default_font": _choice(lambda: FONT_MODES),
    "high_contrast": _bool,
    "shuffle_keypad": _bool,
    "speech_volume": _int_in(*SPEECH_VOLUME_RANGE),
    "speech_default_on": _bool,
    "camera": _camera,
    "reader": _reader,
    "data_dir": _dir,
    "log_dir": _dir,
    "local_technician_credential": _credential,
}


def check_field(name: str, value: Any) -> str | None:
    """The reason ``value`` is not a valid ``name`` setting, or None (one field alone)."""
    return _CHECKS[name](value)


def validate(settings: KioskSettings) -> list[Problem]:
    """Every problem of ``settings``, in field order (empty: valid).

    Files named by the settings (CA bundle, client certificate and key, secret
    file) must exist; directories need not (the kiosk creates them).
    """
    problems = []
    for name in setting_names():
        reason = check_field(name, getattr(settings, name))
        if reason:
            problems.append(Problem(name, reason))
    bad = {p.field for p in problems}
    # mutual TLS takes both halves (said once the half that is there is itself good)
    if settings.client_cert and not settings.client_key and "client_cert" not in bad:
        problems.append(Problem("client_key", "required"))
    if settings.client_key and not settings.client_cert and "client_key" not in bad:
        problems.append(Problem("client_cert", "required"))
    return problems


def read_secret(settings: KioskSettings) -> str:
    """The kiosk's HMAC secret from ``secret_file`` (surrounding whitespace stripped)."""
    reason = check_field("secret_file", settings.secret_file)
    if reason:
        raise SettingsInvalid([Problem("secret_file", reason)])
    try:
        secret = Path(settings.secret_file).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsUnreadable(f"cannot read the secret file: {type(exc).__name__}") from None
    if not secret:
        raise SettingsInvalid([Problem("secret_file", "empty")])
    return secret


# --- the file -----------------------------------------------------------------------------

def settings_path(path: str | os.PathLike | None = None) -> Path:
    """``path``, else ``$SSC_KIOSK_SETTINGS``, else :data:`DEFAULT_SETTINGS_PATH`."""
    return Path(path or os.environ.get(SETTINGS_ENV) or DEFAULT_SETTINGS_PATH)


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


# --- managed settings ------------------------------------------------------------------------

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
