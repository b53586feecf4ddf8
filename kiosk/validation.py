"""Checks of what a citizen types, shared by the workflows and the UI.

Each ``*_problem`` function answers ``None`` for a good value or a short reason
(the UI words it). The verdicts are those of the reference back office
(``backoffice/validation.py``; a test compares them), so a value the kiosk lets
through is not refused later for a reason the citizen could have been told at
once.

==============  ==============================================  ============================
what            rule                                            reasons
==============  ==============================================  ============================
mobile number   ``^1[3-9]\\d{9}$`` (no spaces, no +86)          ``missing``, ``bad_format``
ID number       GB 11643 (:func:`kiosk.ssn.problem`)            ``missing``, ``length``,
                                                                ``characters``,
                                                                ``birth_date``,
                                                                ``check_digit``
name            1..50 characters: CJK of any plane, letters,    ``missing``, ``too_long``,
                ``·``                                           ``unsupported_character``
address         1..200 characters (code points: a rare          ``missing``, ``too_long``,
                character beyond the BMP such as ``𠮷`` counts   ``control_character``,
                once); any script; no control, format,          ``unsupported_character``
                private-use or unassigned characters
                (unassigned ones are accepted in the CJK
                ideograph planes 2 and 3)
day             ``YYYY-MM-DD``, a real day                      ``bad_format``, ``bad_date``
ID valid until  a day not before today, or ``长期``               ... and ``in_the_past``
ethnicity       GB/T 3304 (``01``-``56``, ``97``, ``98``)       ``bad_format``
nationality     ISO 3166-1 alpha-3                              ``bad_format``
gender          GB/T 2261.1 (``1``, ``2``, ``9``)               ``bad_format``
SMS code        4 to 8 digits                                   ``missing``, ``bad_format``
==============  ==============================================  ============================

:func:`clean_field` applies the right check to a profile field and returns the
cleaned value, or raises :class:`InvalidInput` (``.field``, ``.reason``).
Values are never logged here.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from . import ssn as ssn_rules
from .errors import KioskError

MAX_ADDRESS_LENGTH = 200
MAX_NAME_LENGTH = 50
LONG_TERM = "长期"
MOBILE_RE = re.compile(r"^1[3-9]\d{9}\Z", re.ASCII)
SMS_CODE_RE = re.compile(r"^\d{4,8}\Z", re.ASCII)
DAY_RE = re.compile(r"^\d{4}-\d{2}-\d{2}\Z", re.ASCII)
ETHNICITY_RE = re.compile(r"^(?:0[1-9]|[1-4]\d|5[0-6]|97|98)\Z", re.ASCII)
NATIONALITY_RE = re.compile(r"^[A-Z]{3}\Z", re.ASCII)
GENDERS = ("1", "2", "9")
#: the middle dots of transliterated names (阿卜杜热合曼·买买提吐尔逊), read as one
NAME_DOTS = "·•・‧．∙⋅"
_REFUSED_CATEGORIES = {"Cc": "control_character", "Cf": "unsupported_character",
                       "Co": "unsupported_character", "Cs": "unsupported_character",
                       "Zl": "control_character", "Zp": "control_character"}


class InvalidInput(KioskError):
    """A value the citizen typed is refused before anything is sent."""

    code = "INVALID_INPUT"

    def __init__(self, field: str, reason: str):
        super().__init__(f"{field}: {reason}")   # the value itself is never in the message
        self.field = field
        self.reason = reason


def _cjk_plane(cp: int) -> bool:
    """Planes 2 and 3: CJK Extensions B to I and the compatibility supplement (生僻字)."""
    return 0x20000 <= cp <= 0x3FFFF


def is_beyond_bmp(text: str) -> bool:
    """Does ``text`` hold a character outside the Basic Multilingual Plane (e.g. ``𠮷``)?"""
    return any(ord(ch) > 0xFFFF for ch in text)


# --- one value each ---------------------------------------------------------------------

def mobile_problem(value: Any) -> str | None:
    if value is None or value == "":
        return "missing"
    if not isinstance(value, str) or not MOBILE_RE.match(value):
        return "bad_format"
    return None


def id_number_problem(value: Any) -> str | None:
    """Why an ID number (social security number) is not valid; the check digit included."""
    if value is None or value == "":
        return "missing"
    if not isinstance(value, str):
        return "characters"
    return ssn_rules.problem(value)


def normalize_id_number(value: str) -> str:
    """What is sent for an ID number: trimmed, a lower-case ``x`` made ``X``."""
    return value.strip().upper()


def refused_character(value: str) -> tuple[str, str] | None:
    """The first character of ``value`` that cannot be stored, with the reason: control,
    format, private-use, surrogate, separator, or unassigned outside the CJK planes 2 and 3."""
    for ch in value:
        category = unicodedata.category(ch)
        reason = _REFUSED_CATEGORIES.get(category)
        if reason is None and category == "Cn" and not _cjk_plane(ord(ch)):
            reason = "unsupported_character"
        if reason:
            return ch, reason
    return None


def _text_problem(value: str) -> str | None:
    refused = refused_character(value)
    return refused[1] if refused else None


def address_problem(value: Any, *, max_length: int = MAX_ADDRESS_LENGTH) -> str | None:
    """An address or mailing address: any script, rare characters beyond the BMP included."""
    if value is None:
        return "missing"
    if not isinstance(value, str):
        return "unsupported_character"
    value = unicodedata.normalize("NFC", value).strip()
    if not value:
        return "missing"
    if len(value) > max_length:   # code points: 𠮷 is one character, as the citizen sees it
        return "too_long"
    return _text_problem(value)


def name_problem(value: Any) -> str | None:
    """A name as on the ID card: CJK of any plane, letters (transliterated names), ``·``."""
    if value is None or not isinstance(value, str) or not value.strip():
        return "missing"
    value = unicodedata.normalize("NFC", value).strip()
    if len(value) > MAX_NAME_LENGTH:
        return "too_long"
    problem = _text_problem(value)
    if problem:
        return problem
    for ch in value:
        if ch in NAME_DOTS or ch == " ":
            continue
        category = unicodedata.category(ch)
        if category.startswith("L") or category == "Mn" or _cjk_plane(ord(ch)):
            continue
        return "unsupported_character"
    return None


def clean_name(value: str) -> str:
    return unicodedata.normalize("NFC", value).strip()


def clean_address(value: str) -> str:
    return unicodedata.normalize("NFC", value).strip()


def parse_day(value: Any) -> dt.date | None:
    """``YYYY-MM-DD`` -> the day, or None when it is not one."""
    if not isinstance(value, str) or not DAY_RE.match(value.strip()):
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None


def day_problem(value: Any) -> str | None:
    if not isinstance(value, str) or not DAY_RE.match(value.strip()):
        return "bad_format"
    return None if parse_day(value) is not None else "bad_date"


def id_valid_until_problem(value: Any, today: dt.date | None = None) -> str | None:
    """An identity card's validity: a day not before ``today``, or ``长期`` (long-term)."""
    if isinstance(value, str) and value.strip() == LONG_TERM:
        return None
    problem = day_problem(value)
    if problem:
        return problem
    today = today or dt.date.today()
    return "in_the_past" if parse_day(value) < today else None


def ethnicity_problem(value: Any) -> str | None:
    return None if isinstance(value, str) and ETHNICITY_RE.match(value) else "bad_format"


def nationality_problem(value: Any) -> str | None:
    return None if isinstance(value, str) and NATIONALITY_RE.match(value) else "bad_format"


def gender_problem(value: Any) -> str | None:
    return None if value in GENDERS else "bad_format"


def sms_code_problem(value: Any) -> str | None:
    if value is None or value == "":
        return "missing"
    return None if isinstance(value, str) and SMS_CODE_RE.match(value) else "bad_format"


# --- profile fields -----------------------------------------------------------------------

def field_problem(field: str, value: Any, today: dt.date | None = None) -> str | None:
    """The problem of ``value`` for the profile field ``field`` (``unknown_field`` if none)."""
    if field == "phone":
        return mobile_problem(value)
    if field == "address":
        return address_problem(value)
    if field == "mailing_address":
        return None if value is None else address_problem(value)   # None: mail to the address
    if field == "id_valid_until":
        return id_valid_until_problem(value, today)
    if field == "ethnicity":
        return ethnicity_problem(value)
    if field == "nationality":
        return nationality_problem(value)
    if field == "gender":
        return gender_problem(value)
    return "unknown_field"


def clean_field(field: str, value: Any, today: dt.date | None = None) -> Any:
    """The value to send for ``field``, or :class:`InvalidInput`."""
    problem = field_problem(field, value, today)
    if problem:
        raise InvalidInput(field, problem)
    if isinstance(value, str):
        value = clean_address(value) if field in ("address", "mailing_address") else value.strip()
    return value
