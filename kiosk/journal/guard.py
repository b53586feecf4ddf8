"""The journal's write guard: no ID number, phone number or PIN reaches the file.

Every value the journal writes passes :meth:`PrivacyGuard.check` (strings,
numbers, and the keys and values of step data, recursively). It looks for

- a full 18-character citizen ID number (17 digits and a digit or X);
- an 11-digit mobile number;
- a field whose name holds a PIN or password (``pin``, ``new_pin``,
  ``pin_code``, ``密码``...), or a 6-digit value under a PIN-worded name.

In **strict** mode (tests, development) it raises :class:`JournalPrivacyError`,
so a leak fails the test that caused it. Otherwise (production) it masks
(ID and phone numbers as :mod:`kiosk.masking` shows them, a PIN field's value
as ``[redacted]``), logs one warning naming the place (never the value), and
the write goes on: losing the record of a service would be worse.

Strict mode is the default when ``SSC_JOURNAL_STRICT=1`` or under pytest
(``PYTEST_CURRENT_TEST``); ``Journal(strict=...)`` overrides it.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from kiosk import masking
from kiosk.errors import KioskError

log = logging.getLogger("kiosk.journal")

REDACTED = "[redacted]"


class JournalPrivacyError(KioskError):
    """Personal data or a PIN was about to be written to the journal (strict mode)."""

    code = "JOURNAL_PRIVACY"

    def __init__(self, kind: str, where: str):
        super().__init__(f"refused to journal a {kind.replace('_', ' ')} in {where}")
        self.kind = kind
        self.where = where


def strict_by_default() -> bool:
    flag = os.environ.get("SSC_JOURNAL_STRICT")
    if flag is not None:
        return flag.strip().lower() in ("1", "true", "yes", "on")
    return "PYTEST_CURRENT_TEST" in os.environ


class PrivacyGuard:
    def __init__(self, strict: bool | None = None):
        self.strict = strict_by_default() if strict is None else bool(strict)

    def check(self, value: Any, where: str) -> Any:
        """``value`` if it is clean; else raise (strict) or a masked copy (production)."""
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, str):
            return self._text(value, where)
        if isinstance(value, int):
            text = str(value)
            return value if self._text(text, where) == text else masking.scrub(text)
        if isinstance(value, float):
            return value
        if isinstance(value, dict):
            out = {}
            for key, item in value.items():
                key = str(key)
                place = f"{where}.{key}"
                if masking.is_pin_value(key, item):
                    self._found("pin_field", place)
                    out[key] = REDACTED
                    continue
                out[self._text(key, f"{where} (a key)")] = self.check(item, place)
            return out
        if isinstance(value, (list, tuple)):
            return [self.check(item, f"{where}[{i}]") for i, item in enumerate(value)]
        # anything else is journalled as its text
        return self._text(str(value), where)

    def _text(self, text: str, where: str) -> str:
        kinds = masking.find_unmasked(text)
        if not kinds:
            return text
        for kind in kinds:
            self._found(kind, where)
        return masking.scrub(text)

    def _found(self, kind: str, where: str) -> None:
        if self.strict:
            raise JournalPrivacyError(kind, where)
        log.warning("journal: a %s in %s was masked before writing", kind.replace("_", " "),
                    where)
