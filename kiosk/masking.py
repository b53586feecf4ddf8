"""How personal data is shown on screens, in the journal and in logs.

=================  ========================  ==============================
what               example in                example out
=================  ========================  ==============================
card number        ``A12345001``             ``A1****001``
SSN (ID number)    ``42010119900307123X``    ``4201**********123X``
mobile phone       ``13812341234``           ``138****1234``
name               ``张三`` / ``欧阳娜娜``        ``张*`` / ``欧阳**``
=================  ========================  ==============================

A name keeps its surname only: the first character, or the first two for a
compound surname (复姓, :data:`COMPOUND_SURNAMES`) when the name is longer than
two characters. Every helper accepts a value that is already masked (it
contains ``*``) and returns it unchanged, and never raises on odd input: the
worst case is more stars.

:func:`find_unmasked` and :func:`scrub` are the detectors used by the journal's
write guard.
"""

from __future__ import annotations

import functools
import re

from . import ssn as ssn_rules

MASK = "*"

#: compound surnames kept whole when a name is masked (the common ones)
COMPOUND_SURNAMES = frozenset({
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文",
    "司徒", "司空", "夏侯", "令狐", "端木", "轩辕", "独孤", "南宫", "西门", "百里", "呼延",
    "万俟", "闻人", "赫连", "澹台", "公冶", "宗政", "濮阳", "淳于", "太叔", "申屠", "钟离",
    "东郭", "拓跋", "左丘", "第五", "梁丘", "乐正", "谷梁", "羊舌", "微生", "公羊", "單于",
})

#: an 18-character citizen ID number (17 digits and a digit or X), not inside a longer token
ID_NUMBER_RE = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{16}[\dXx](?![0-9A-Za-z])")
#: a mainland mobile number, 11 digits starting 1[3-9], not inside a longer number
PHONE_RE = re.compile(r"(?<![0-9])1[3-9]\d{9}(?![0-9])")
#: words that make a field name a PIN / password field
PIN_WORDS = frozenset({"pin", "pins", "pin1", "pin2", "puk", "passcode", "password", "passwd",
                       "pwd", "newpin", "oldpin"})
#: words that make a PIN-named field metadata about the PIN (``pin_tries_left``), not the PIN
PIN_META_WORDS = frozenset({"tries", "try", "left", "attempts", "attempt", "retries", "remaining",
                            "counter", "count", "status", "state", "blocked", "locked", "lock",
                            "authorization", "authorizations", "authorisation", "auth",
                            "length", "len", "policy", "result", "changed", "change", "reset",
                            "unblock", "reload", "verified", "error", "operation", "step",
                            "ms", "time", "at", "in", "use", "used", "pad", "layout"})
_WORD_SPLIT_RE = re.compile(r"[_\-\s.:/]+|(?<=[a-z0-9])(?=[A-Z])")
_SIX_DIGITS_RE = re.compile(r"^\s*\d{6}\s*$")


def _is_masked(value: str) -> bool:
    return MASK in value


def card_no(value: str | None) -> str:
    """``A12345001`` -> ``A1****001``: the first 2 and last 3 characters."""
    if not value:
        return ""
    value = value.strip()
    if _is_masked(value):
        return value
    if len(value) < 6:
        return MASK * len(value)
    return value[:2] + MASK * (len(value) - 5) + value[-3:]


def ssn(value: str | None) -> str:
    """``42010119900307123X`` -> ``4201**********123X`` (:func:`kiosk.ssn.mask`)."""
    if not value:
        return ""
    value = value.strip()
    if _is_masked(value):
        return value
    return ssn_rules.mask(value)


def phone(value: str | None) -> str:
    """``13812341234`` -> ``138****1234``; other numbers keep their last 4 digits only."""
    if not value:
        return ""
    value = value.strip()
    if _is_masked(value):
        return value
    digits = re.sub(r"\D", "", value)
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]  # +86 country code
    if len(digits) == 11:
        return digits[:3] + MASK * 4 + digits[-4:]
    if len(digits) <= 4:
        return MASK * len(digits)
    return MASK * (len(digits) - 4) + digits[-4:]


def name(value: str | None) -> str:
    """``张三`` -> ``张*``, ``张三丰`` -> ``张**``, ``欧阳娜娜`` -> ``欧阳**``.

    Only the surname stays: the first character, or a compound surname (when
    something follows it); every other character becomes ``*``, so the length
    shows but nothing else: ``买买提·艾力`` -> ``买*****``.
    """
    if not value:
        return ""
    value = value.strip()
    if _is_masked(value):
        return value
    keep = 2 if len(value) > 2 and value[:2] in COMPOUND_SURNAMES else 1
    return value[:keep] + MASK * (len(value) - keep)


def find_unmasked(text: str) -> list[str]:
    """The kinds of personal data ``text`` seems to contain: ``id_number``, ``phone``."""
    found = []
    if ID_NUMBER_RE.search(text):
        found.append("id_number")
    if PHONE_RE.search(text):
        found.append("phone")
    return found


def scrub(text: str) -> str:
    """``text`` with every ID number and mobile number in it masked."""
    text = ID_NUMBER_RE.sub(lambda m: ssn(m.group(0)), text)
    return PHONE_RE.sub(lambda m: phone(m.group(0)), text)


def field_words(key: str) -> list[str]:
    return [w.lower() for w in _WORD_SPLIT_RE.split(key.strip()) if w]


def is_pin_field(key: str) -> bool:
    """Does this field name hold a PIN or password (``pin``, ``new_pin``, ``pinCode``, ``密码``)?

    A PIN word (:data:`PIN_WORDS`) makes it one, unless a metadata word says the field
    is about the PIN (``pin_tries_left``, ``pin_authorization_id``).
    """
    if "密码" in key:
        return True
    words = field_words(key)
    return any(w in PIN_WORDS for w in words) and not any(w in PIN_META_WORDS for w in words)


def is_pin_value(key: str, value: object) -> bool:
    """A PIN field, or any field with a PIN word in its name whose value is 6 digits."""
    if is_pin_field(key):
        return True
    if any(w in PIN_WORDS for w in field_words(key)):
        if isinstance(value, bool):
            return False
        if isinstance(value, int):
            value = str(value)
        return isinstance(value, str) and bool(_SIX_DIGITS_RE.match(value))
    return False


# --- redaction of free text (log lines) and of data exported off the kiosk ------------------

#: a word that announces a PIN or password, then up to 5 separator characters (``=``, ``:``,
#: quotes, spaces, ``：``), then a run of 4-12 digits: the digits are the secret
_PIN_NEAR = (
    r"(?i)(?P<key>[a-z_]*(?:pin|puk|passcode|password|passwd|pwd)[a-z0-9_]*?|密码)"
    r"(?P<sep>[\s\"'=:：,]{0,5})(?P<digits>\d{4,12})(?![0-9])")
#: ``姓名``/``name`` (``holder_name``, ``"name":``...), a separator, then a Chinese name
# (case by hand, not (?i): case-folding the CJK range costs 20 ms)
_NAME_AFTER_KEY = (
    r"(?P<key>姓名|[A-Za-z_]*[Nn][Aa][Mm][Ee])(?P<sep>[\s\"'=:：]{1,5})"
    r"(?P<name>[\u3400-\u9fff][\u3400-\u9fff·•・]{1,40})")
#: data keys whose string value is a person's name (masked by :func:`redact_data`)
NAME_KEYS = frozenset({"name", "姓名", "holder_name", "full_name", "fullname", "holder",
                       "new_name", "old_name", "citizen_name", "person_name"})
REDACTED_PIN = "[redacted]"


@functools.lru_cache(maxsize=None)
def _redaction_re(pattern: str) -> re.Pattern:
    """Compiled when first used (by the bundle and the log files), not at the kiosk's start:
    the CJK character class alone takes about 10 ms to compile."""
    return re.compile(pattern)


def redact_line(text: str) -> str:
    """One line of free text (a log line) made safe to leave the kiosk.

    - every 18-character ID number and mobile number masked (:func:`scrub`);
    - a run of 4-12 digits right after a PIN or password word (``pin=802413``,
      ``new_pin: "802413"``, ``密码：802413``) replaced by ``*`` of its length;
    - a Chinese name after a ``姓名``/``name`` key (``姓名=陈思远``, ``"name": "王丽华"``)
      masked as :func:`name` shows it.

    A name anywhere else cannot be told from other Chinese text: the kiosk's own
    code never logs one (the back-office types mask theirs in ``repr``).
    """
    if not text:
        return text
    text = scrub(text)
    text = _redaction_re(_PIN_NEAR).sub(
        lambda m: m.group("key") + m.group("sep") + MASK * len(m.group("digits")), text)
    return _redaction_re(_NAME_AFTER_KEY).sub(
        lambda m: m.group("key") + m.group("sep") + name(m.group("name")), text)


def redact_data(value: object, *, key: str = "") -> object:
    """A JSON-like value (dicts, lists, text, numbers) with personal data and PINs removed.

    Under a PIN field (:func:`is_pin_value`) the value becomes ``[redacted]``; under a
    name key (:data:`NAME_KEYS`) a text is masked by :func:`name`; an ``ssn`` or
    ``card_no`` key's text by :func:`ssn` / :func:`card_no`; every other text goes
    through :func:`redact_line`. Used on whatever leaves the kiosk (the diagnostics
    bundle), even data the journal already masked when it wrote it.
    """
    if key and is_pin_value(key, value):
        return REDACTED_PIN
    if isinstance(value, dict):
        return {redact_line(str(k)): redact_data(v, key=str(k)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact_data(v, key=key) for v in value]
    if isinstance(value, str):
        k = key.lower()
        if k in NAME_KEYS:
            return name(value)
        if k in ("ssn", "id_number", "idno"):
            return ssn(value)
        if k in ("card_no", "card_number"):
            return card_no(value)
        return redact_line(value)
    if isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
        redacted = redact_line(text)
        return value if redacted == text else redacted
    return value
