"""The citizen identity number of GB 11643-1999, used as the social security number."""

from __future__ import annotations

import datetime as dt
import re

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_SHAPE = re.compile(r"^\d{17}[\dX]$")


def check_digit(first17: str) -> str:
    """The 18th character for the first 17 digits (ISO 7064 MOD 11-2)."""
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError("needs 17 digits")
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS))
    return _CHECK[total % 11]


def problem(ssn: str) -> str | None:
    """Why ``ssn`` is not a valid number, or None when it is.

    Answers one of ``length``, ``characters``, ``birth_date``, ``check_digit``.
    """
    ssn = ssn.strip().upper()
    if len(ssn) != 18:
        return "length"
    if not _SHAPE.match(ssn):
        return "characters"
    try:
        born = dt.date(int(ssn[6:10]), int(ssn[10:12]), int(ssn[12:14]))
    except ValueError:
        return "birth_date"
    if born.year < 1900:
        return "birth_date"
    if check_digit(ssn[:17]) != ssn[17]:
        return "check_digit"
    return None


def is_valid(ssn: str) -> bool:
    return problem(ssn) is None


def mask(ssn: str) -> str:
    """What a screen or the journal may show: ``4201**********123X`` style."""
    ssn = ssn.strip()
    if len(ssn) < 8:
        return "*" * len(ssn)
    return ssn[:4] + "*" * (len(ssn) - 8) + ssn[-4:]
