"""Values a citizen may type at the kiosk: mobile numbers, addresses, days, codes.

Every check returns the cleaned value or raises ``VALIDATION_FAILED`` with
``details.field`` and ``details.reason``:

- ``phone``: a mainland mobile number, ``^1[3-9]\\d{9}$`` (11 digits, no spaces
  or ``+86``);
- ``address`` / ``mailing_address``: at most :data:`MAX_ADDRESS_LENGTH` (200)
  characters (code points) after trimming; any script including rare CJK
  characters outside the BMP (生僻字 in Extensions B to I, e.g. ``𠮷``);
  refused: control characters (``\\n``, ``\\t``...), format characters
  (bidirectional overrides, zero-width ones), private-use characters,
  unpaired surrogates, line/paragraph separators and unassigned code points
  outside the CJK ideograph planes (reasons ``control_character``,
  ``unsupported_character``); ``mailing_address`` may be null (= the address);
- ``id_valid_until``: an ISO day ``YYYY-MM-DD`` not in the past, or ``长期``
  (a long-term identity card);
- ``ethnicity``: a GB/T 3304 code (``01``-``56``, ``97``, ``98``);
- ``nationality``: ISO 3166-1 alpha-3 (``CHN``);
- ``gender``: GB/T 2261.1 (``1``, ``2``, ``9``).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from .errors import validation_failed

MAX_ADDRESS_LENGTH = 200
LONG_TERM = "长期"
PHONE_RE = re.compile(r"1[3-9][0-9]{9}")
_DAY_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ETHNICITY_RE = re.compile(r"0[1-9]|[1-4][0-9]|5[0-6]|97|98")
_NATIONALITY_RE = re.compile(r"[A-Z]{3}")
GENDERS = ("1", "2", "9")
_REFUSED_CATEGORIES = {"Cc": "control_character", "Cf": "unsupported_character",
                       "Co": "unsupported_character", "Cs": "unsupported_character",
                       "Zl": "control_character", "Zp": "control_character"}


def _cjk_plane(cp: int) -> bool:
    """CJK ideographs outside the BMP (Extensions B-I and compatibility, planes 2 and 3)."""
    return 0x20000 <= cp <= 0x3FFFF


def _string(field: str, value) -> str:
    if not isinstance(value, str):
        raise validation_failed(field, "not_a_string")
    return value


def phone(value, field: str = "phone") -> str:
    value = _string(field, value)
    if not PHONE_RE.fullmatch(value):
        raise validation_failed(field, "bad_format", "a mobile number is 11 digits starting "
                                "with 13-19 (e.g. 13812345678)")
    return value


def address(value, field: str = "address", *, nullable: bool = False) -> str | None:
    if value is None:
        if nullable:
            return None
        raise validation_failed(field, "missing")
    value = _string(field, value).strip()
    if not value:
        raise validation_failed(field, "bad_length", "the address is empty")
    if len(value) > MAX_ADDRESS_LENGTH:
        raise validation_failed(field, "too_long",
                                f"an address has at most {MAX_ADDRESS_LENGTH} characters")
    for ch in value:
        category = unicodedata.category(ch)
        reason = _REFUSED_CATEGORIES.get(category)
        if reason is None and category == "Cn" and not _cjk_plane(ord(ch)):
            reason = "unsupported_character"
        if reason:
            raise validation_failed(field, reason, f"the address holds a character that "
                                    f"cannot be stored (U+{ord(ch):04X})")
    return value


def id_valid_until(value, today: dt.date, field: str = "id_valid_until") -> str:
    value = _string(field, value).strip()
    if value == LONG_TERM:
        return value
    if not _DAY_RE.fullmatch(value):
        raise validation_failed(field, "bad_format", "a day is YYYY-MM-DD (or 长期)")
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise validation_failed(field, "bad_date", "no such day") from None
    if day < today:
        raise validation_failed(field, "in_the_past", "the identity card would have expired")
    return value


def ethnicity(value, field: str = "ethnicity") -> str:
    value = _string(field, value)
    if not _ETHNICITY_RE.fullmatch(value):
        raise validation_failed(field, "bad_format", "a GB/T 3304 code, 01-56, 97 or 98")
    return value


def nationality(value, field: str = "nationality") -> str:
    value = _string(field, value)
    if not _NATIONALITY_RE.fullmatch(value):
        raise validation_failed(field, "bad_format", "an ISO 3166-1 alpha-3 code, e.g. CHN")
    return value


def gender(value, field: str = "gender") -> str:
    value = _string(field, value)
    if value not in GENDERS:
        raise validation_failed(field, "bad_format", "1 (male), 2 (female) or 9 (unstated)")
    return value
