"""Validation of the kiosk's settings: one check per field, stable reason codes.

:func:`validate` answers :class:`~kiosk.settings.Problem` values whose reasons are
:data:`kiosk.settings.REASONS` (the maintenance screen translates them);
:func:`check_field` checks one value alone (the managed values use it);
:func:`read_secret` reads the kiosk's HMAC secret from the file the settings name.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Callable, Iterable

from .settings import (CAMERA_WORDS, FONT_MODES, IDLE_TIMEOUT_RANGE, LANGUAGES,
                       SPEECH_VOLUME_RANGE, KioskSettings, Problem, SettingsInvalid,
                       SettingsUnreadable, setting_names)

_KIOSK_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")


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
