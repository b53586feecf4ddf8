"""Software-card profiles: one TOML file per card, checked strictly when loaded.

A profile is data, not code, so a tester can add a card (an odd ATR, a locked
application, a name that needs 姓名扩展) without touching Python. Loading is
strict on purpose: a misspelt key silently falling back to a default would
make a test pass for the wrong reason, so an unknown or missing key is an
error naming the file and the key.

Dates may be absolute (``issued_on`` / ``expires_on``, ISO dates) or relative
to today (``issued_in_days`` / ``expires_in_days``, negative = in the past), so
that "expires within 90 days" or "expired" stays true as the calendar moves.

The PIN and the master keys are never part of ``repr`` or of an error message.

Keys (``profiles/ordinary.toml`` is a complete example):

- always: ``atr`` (hex, a well-formed ISO 7816-3 ATR), ``has_ssc_application``
  (bool), ``card_no`` (9 letters/digits, names the state file); optional
  ``description``;
- a card with the SSC application also needs ``algorithm`` (1 DES, 2 SSF33,
  3 SM4), ``card_id_code`` (16 bytes hex), ``card_type`` (1 char),
  ``spec_version`` (4 chars), ``issuer`` (24 digits: 12 bytes of BCD, as the
  spec's EF05 table says), ``issued_on`` | ``issued_in_days``, ``expires_on`` |
  ``expires_in_days``, ``ssn`` (18 chars), ``name`` (full name; the card splits
  it over 姓名 + 姓名扩展), ``gender`` ("1", "2", "9"), ``ethnicity`` (2 digits,
  GB/T 3304), ``birthplace`` (region digits), ``birth_date``, ``pin`` (6
  digits, as a string), ``pin_tries_left`` (0 = blocked), ``application_locked``;
  optional ``max_tries`` (6) and a ``[master_keys]`` table with
  ``internal_auth``, ``external_auth``, ``pin`` (16 bytes hex each; the spec's
  TEST keys when absent). A card without the application may not carry these.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk import codec

PROFILES_DIR = Path(__file__).with_name("profiles")

#: the spec's TEST master keys (shared/spec/ssc-card.md), used when a profile names none
TEST_MASTER_KEYS = {
    "internal_auth": bytes.fromhex("00112233445566778899AABBCCDDEEFF"),
    "external_auth": bytes.fromhex("0F1E2D3C4B5A69788796A5B4C3D2E1F0"),
    "pin": bytes.fromhex("A0A1A2A3A4A5A6A7A8A9AAABACADAEAF"),
}

INITIAL_PIN = "123456"


class ProfileError(ValueError):
    """A profile file that cannot describe a card (message names file and key)."""


@dataclass(frozen=True, repr=False)
class CardProfile:
    """Everything a :class:`~devices.card.emulator.card.SoftCard` is made from.

    For a card without the SSC application (``has_ssc_application = false``)
    only ``atr`` and ``card_no`` matter; the other fields keep neutral values.
    """

    profile_name: str
    atr: bytes
    has_ssc_application: bool
    card_no: str                      # 9 ASCII characters; also names the state file
    algorithm: int = 3                # FCI 86 01 AA: 1 DES, 2 SSF33, 3 SM4
    card_id_code: bytes = bytes(16)
    card_type: str = "3"
    spec_version: str = "3.00"
    issuer: str = "0" * 24            # 12 bytes of BCD = 24 digits
    issued_on: dt.date = dt.date(2000, 1, 1)
    expires_on: dt.date = dt.date(2000, 1, 1)
    ssn: str = ""
    name: str = ""                    # the holder's full name
    gender: str = "9"
    ethnicity: str = "01"
    birthplace: str = ""
    birth_date: dt.date = dt.date(2000, 1, 1)
    pin: str = field(default=INITIAL_PIN, repr=False)
    pin_tries_left: int = 6
    max_tries: int = 6
    application_locked: bool = False
    description: str = ""
    master_keys: dict[str, bytes] = field(default_factory=lambda: dict(TEST_MASTER_KEYS),
                                          repr=False, compare=False)

    def __repr__(self) -> str:
        # no PIN, no keys, no personal data: a repr may end up in a log line
        return (f"CardProfile({self.profile_name!r}, card_no={self.card_no!r}, "
                f"atr={self.atr.hex().upper()}, ssc={self.has_ssc_application}, "
                f"algorithm={self.algorithm})")


# --- the file format ----------------------------------------------------------

_ALWAYS = {"atr", "has_ssc_application", "card_no"}
_SSC_REQUIRED = {
    "algorithm", "card_id_code", "card_type", "spec_version", "issuer", "ssn", "name",
    "gender", "ethnicity", "birthplace", "birth_date", "pin", "pin_tries_left",
    "application_locked",
}
_OPTIONAL = {"max_tries", "description", "master_keys",
             "issued_on", "issued_in_days", "expires_on", "expires_in_days"}
_KNOWN = _ALWAYS | _SSC_REQUIRED | _OPTIONAL
_MASTER_KEY_NAMES = set(TEST_MASTER_KEYS)


def demo_profiles() -> dict[str, Path]:
    """The shipped demo cards: profile name (file stem) → file."""
    return {p.stem: p for p in sorted(PROFILES_DIR.glob("*.toml"))}


def load_profile(path: str | Path, *, today: dt.date | None = None) -> CardProfile:
    """Read and check one profile file; raises :class:`ProfileError`.

    ``today`` anchors the relative dates (tests pass a fixed day).
    """
    path = Path(path)
    try:
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
    except OSError as exc:
        raise ProfileError(f"{path}: cannot read the profile ({exc.strerror})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{path}: not valid TOML ({exc})") from None
    return profile_from_dict(raw, name=path.stem, source=str(path), today=today)


def profile_from_dict(raw: dict[str, Any], *, name: str, source: str = "<profile>",
                      today: dt.date | None = None) -> CardProfile:
    """Build a profile from already parsed TOML (the same checks as a file)."""
    v = _Checker(raw, source)
    today = today or dt.date.today()

    unknown = sorted(set(raw) - _KNOWN)
    if unknown:
        raise ProfileError(f"{source}: unknown key {unknown[0]!r}"
                           f" (known: {', '.join(sorted(_KNOWN))})")
    has_ssc = v.boolean("has_ssc_application")
    required = _ALWAYS | (_SSC_REQUIRED if has_ssc else set())
    if not has_ssc:
        ssc_only = sorted(set(raw) - _ALWAYS - {"description", "master_keys"})
        if ssc_only:
            raise ProfileError(f"{source}: key {ssc_only[0]!r} is only for a card with the"
                               " SSC application (has_ssc_application = true)")
    missing = sorted(k for k in required if k not in raw)
    if missing:
        raise ProfileError(f"{source}: missing key {missing[0]!r}")
    if has_ssc:
        for what in ("issued", "expires"):
            given = [k for k in (f"{what}_on", f"{what}_in_days") if k in raw]
            if len(given) != 1:
                raise ProfileError(f"{source}: give exactly one of '{what}_on' or"
                                   f" '{what}_in_days'")

    common = dict(
        profile_name=name,
        atr=v.atr("atr"),
        has_ssc_application=has_ssc,
        card_no=v.card_no("card_no"),
        description=v.text("description", optional=True) or "",
        master_keys=v.master_keys(),
    )
    if not has_ssc:
        return CardProfile(**common)

    max_tries = v.integer("max_tries", 1, 15, optional=True)
    max_tries = 6 if max_tries is None else max_tries
    pin = v.pin("pin")
    profile = CardProfile(
        **common,
        algorithm=v.integer("algorithm", 0, 255),
        card_id_code=v.hex_bytes("card_id_code", 16),
        card_type=v.ascii_text("card_type", exact=1),
        spec_version=v.ascii_text("spec_version", exact=4),
        issuer=v.digits("issuer", lengths=(24,)),
        issued_on=v.date_or_days("issued", today),
        expires_on=v.date_or_days("expires", today),
        ssn=v.ascii_text("ssn", exact=18),
        name=v.holder_name("name"),
        gender=v.choice("gender", ("1", "2", "9")),
        ethnicity=v.digits("ethnicity", lengths=(2,)),
        birthplace=v.digits("birthplace", lengths=(2, 4, 6)),
        birth_date=v.date("birth_date"),
        pin=pin,
        pin_tries_left=v.integer("pin_tries_left", 0, max_tries),
        max_tries=max_tries,
        application_locked=v.boolean("application_locked"),
    )
    return profile


class _Checker:
    """Typed getters that turn a bad value into a ProfileError naming the key."""

    def __init__(self, raw: dict[str, Any], source: str):
        self.raw = raw
        self.source = source

    def fail(self, key: str, why: str) -> ProfileError:
        return ProfileError(f"{self.source}: key {key!r}: {why}")

    def boolean(self, key: str) -> bool:
        value = self.raw.get(key)
        if not isinstance(value, bool):
            raise self.fail(key, "must be true or false")
        return value

    def integer(self, key: str, low: int, high: int, *, optional: bool = False) -> int | None:
        if key not in self.raw and optional:
            return None
        value = self.raw.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.fail(key, f"must be a whole number from {low} to {high}")
        return value

    def text(self, key: str, *, optional: bool = False) -> str | None:
        if key not in self.raw and optional:
            return None
        value = self.raw.get(key)
        if not isinstance(value, str):
            raise self.fail(key, "must be a string")
        return value

    def ascii_text(self, key: str, *, exact: int) -> str:
        value = self.text(key)
        if not value.isascii() or len(value) != exact:
            raise self.fail(key, f"must be {exact} ASCII characters")
        return value

    def card_no(self, key: str) -> str:
        value = self.ascii_text(key, exact=9)
        if not value.isalnum():  # it names the state file, so no '/' or '.'
            raise self.fail(key, "must be 9 letters or digits")
        return value

    def digits(self, key: str, *, lengths: tuple[int, ...]) -> str:
        value = self.raw.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value).zfill(lengths[0])  # ethnicity = 1 → "01"
        if not isinstance(value, str) or not (value.isascii() and value.isdigit()) \
                or len(value) not in lengths:
            raise self.fail(key, f"must be a string of {' or '.join(map(str, lengths))} digits")
        return value

    def choice(self, key: str, allowed: tuple[str, ...]) -> str:
        value = self.raw.get(key)
        value = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
        if value not in allowed:
            raise self.fail(key, f"must be one of {', '.join(allowed)}")
        return value

    def hex_bytes(self, key: str, size: int, value: Any = None) -> bytes:
        value = self.raw.get(key) if value is None else value
        try:
            data = bytes.fromhex(value) if isinstance(value, str) else None
        except ValueError:
            data = None
        if data is None or len(data) != size:
            raise self.fail(key, f"must be {size} bytes of hex")
        return data

    def atr(self, key: str) -> bytes:
        value = self.raw.get(key)
        try:
            data = bytes.fromhex(value) if isinstance(value, str) else None
        except ValueError:
            data = None
        if data is None:
            raise self.fail(key, "must be hex")
        problem = atr_problem(data)
        if problem:
            raise self.fail(key, problem)
        return data

    def pin(self, key: str) -> str:
        value = self.raw.get(key)
        # the message never repeats the value: it is a PIN
        if not isinstance(value, str) or len(value) != 6 or not (value.isascii() and value.isdigit()):
            raise self.fail(key, "must be a string of 6 digits")
        return value

    def holder_name(self, key: str) -> str:
        value = self.text(key)
        if not value:
            raise self.fail(key, "must not be empty")
        try:
            codec.split_name(value)
        except (UnicodeEncodeError, ValueError):
            raise self.fail(key, "must be GBK text of at most 50 bytes (姓名 30 + 姓名扩展 20)") from None
        return value

    def date(self, key: str) -> dt.date:
        value = self.raw.get(key)
        if isinstance(value, dt.datetime):
            raise self.fail(key, "must be a date without a time")
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        raise self.fail(key, "must be a date (YYYY-MM-DD)")

    def date_or_days(self, what: str, today: dt.date) -> dt.date:
        if f"{what}_on" in self.raw:
            return self.date(f"{what}_on")
        days = self.integer(f"{what}_in_days", -100_000, 100_000)
        return today + dt.timedelta(days=days)

    def master_keys(self) -> dict[str, bytes]:
        keys = dict(TEST_MASTER_KEYS)
        table = self.raw.get("master_keys")
        if table is None:
            return keys
        if not isinstance(table, dict):
            raise self.fail("master_keys", "must be a table")
        unknown = sorted(set(table) - _MASTER_KEY_NAMES)
        if unknown:
            raise self.fail("master_keys", f"unknown key {unknown[0]!r}"
                                           f" (known: {', '.join(sorted(_MASTER_KEY_NAMES))})")
        for name, value in table.items():
            keys[name] = self.hex_bytes(f"master_keys.{name}", 16, value)
        return keys


def atr_problem(atr: bytes) -> str | None:
    """Why ``atr`` is not a well-formed ISO 7816-3 ATR, or None.

    pcscd parses the ATR a vpcd card gives; a malformed one makes the reader
    refuse the card, which would look like a kiosk bug.
    """
    if len(atr) < 2 or len(atr) > 33 or atr[0] not in (0x3B, 0x3F):
        return "an ATR starts with 3B or 3F and has 2 to 33 bytes"
    historical = atr[1] & 0x0F
    i, y, protocols = 2, atr[1] >> 4, set()
    while True:
        i += bin(y & 0x07).count("1")          # TA, TB, TC
        if not y & 0x08:
            break
        if i >= len(atr):
            return "the ATR ends inside its interface bytes"
        protocols.add(atr[i] & 0x0F)
        y = atr[i] >> 4
        i += 1
    expected = i + historical + (1 if protocols - {0} else 0)
    if len(atr) != expected:
        return f"the ATR announces {expected} bytes but has {len(atr)}"
    if protocols - {0}:
        check = 0
        for b in atr[1:]:
            check ^= b
        if check:
            return "the ATR's check byte TCK is wrong"
    return None
