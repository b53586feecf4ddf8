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

# the rules themselves are the kiosk core's (one place; matched whole here, ``fullmatch``)
from kiosk.validation import DAY_RE as _DAY_RE
from kiosk.validation import ETHNICITY_RE as _ETHNICITY_RE
from kiosk.validation import GENDERS, LONG_TERM, MAX_ADDRESS_LENGTH, refused_character
from kiosk.validation import MOBILE_RE as PHONE_RE
from kiosk.validation import NATIONALITY_RE as _NATIONALITY_RE

from .errors import validation_failed


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
    refused = refused_character(value)
    if refused:
        ch, reason = refused
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
