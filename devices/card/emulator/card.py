"""The software card: the SSC application profile of ``shared/spec/ssc-card.md``.

:class:`SoftCard` answers raw APDUs exactly as the spec says a third-generation
card does, including the T=0 habits (``61xx`` + GET RESPONSE, ``6Cxx`` for a
wrong Le) that real cards have and that the kiosk must survive. It is the
card behind the in-process reader (tests, the demo) and behind the vpcd
bridge (a real pcscd reader), so both paths exercise the same card.

What the spec leaves open is decided here, once:

- a challenge (GET CHALLENGE) is consumed by the next command that uses one
  (EXTERNAL AUTHENTICATE, RESET, UNBLOCK), right or wrong; other commands in
  between leave it alone; without a fresh challenge the answer is the
  command's own refusal (``6300`` / ``6988``);
- a failed EXTERNAL AUTHENTICATE also closes an earlier authentication;
- a locked application answers ``9303`` to every command but GET RESPONSE,
  SELECT included;
- malformed data that is not a PIN comparison (a CHANGE without the ``FF``
  separator, a new PIN that is not BCD digits, a RESET to something other than
  ``123456``) answers ``6A80`` and costs no try; wrong P1/P2 answer ``6A86``;
  GET RESPONSE with nothing pending answers ``6985``.

The PIN is kept only as a salted SHA-256 digest, in memory and in the state
file, so no log, repr, traceback or file shows its digits.
"""

from __future__ import annotations

import collections
import hashlib
import hmac
import json
import logging
import os
import random
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from kiosk import codec, sm4
from kiosk.errors import CardRemoved
from kiosk.files import write_atomically

from .profile import INITIAL_PIN, CardProfile, load_profile

log = logging.getLogger(__name__)

SSC_AID = bytes.fromhex("7378312E73682EC9E7BBE1B1A3D5CF")  # "sx1.sh.社会保障" in GBK
EF_CARD = 0xEF05
EF_HOLDER = 0xEF06
MF = 0x3F00

SW_OK = 0x9000


class CardVanished(CardRemoved):
    """The card left in the middle of a command (the ``vanish`` fault)."""


class CommandAborted(Exception):
    """A slow command was given up by its caller (timeout, removal, stop)."""


class _Status(Exception):
    """A status word that ends a command; carried up to :meth:`SoftCard.transmit`."""

    def __init__(self, sw: int):
        super().__init__(f"{sw:04X}")
        self.sw = sw


# --- fault knobs ----------------------------------------------------------------

_GARBAGE_KINDS = (None, "junk", "one_byte")


@dataclass
class Faults:
    """Misbehaviour on demand, settable while the card is in use.

    - ``delay_s``: every answer comes this many seconds late (a slow card);
    - ``garbage``: ``"junk"`` answers random bytes whose status word no card
      uses, ``"one_byte"`` answers a single byte, ``None`` answers properly;
    - ``vanish_on_command``: the card leaves during the Nth APDU from now
      (1 = the next one); ``vanish_on_ins``: during the next APDU with this
      INS. Both fire once and clear themselves (the card is gone anyway); the
      command is not carried out.
    """

    delay_s: float = 0.0
    garbage: str | None = None
    vanish_on_command: int | None = None
    vanish_on_ins: int | None = None

    def __setattr__(self, name: str, value) -> None:
        if name == "garbage" and value not in _GARBAGE_KINDS:
            raise ValueError(f"garbage must be one of {_GARBAGE_KINDS}")
        if name == "delay_s" and (value is None or value < 0):
            raise ValueError("delay_s must be zero or more seconds")
        if name == "vanish_on_command" and value is not None and value < 1:
            raise ValueError("vanish_on_command counts from 1 (the next APDU)")
        super().__setattr__(name, value)

    def clear(self) -> None:
        self.delay_s = 0.0
        self.garbage = None
        self.vanish_on_command = None
        self.vanish_on_ins = None

    def vanish_now(self, ins: int | None) -> bool:
        """Count one APDU; True when the card must leave during it."""
        fire = False
        if self.vanish_on_ins is not None and ins == self.vanish_on_ins:
            self.vanish_on_ins = None
            fire = True
        if self.vanish_on_command is not None:
            if self.vanish_on_command <= 1:
                self.vanish_on_command = None
                fire = True
            else:
                self.vanish_on_command -= 1
        return fire


# --- persistent state -------------------------------------------------------------

class _DefaultStatePath:
    def __repr__(self) -> str:
        return "DEFAULT_STATE_PATH"


#: ``state_path`` default: ``default_state_path(card_no)``
DEFAULT_STATE_PATH = _DefaultStatePath()


def default_state_path(card_no: str) -> Path:
    """``$XDG_STATE_HOME/ssc-kiosk/cards/<card_no>.json`` (``~/.local/state`` without it)."""
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "ssc-kiosk" / "cards" / f"{card_no}.json"




# --- APDU parsing -------------------------------------------------------------------

@dataclass(frozen=True)
class _Command:
    cla: int
    ins: int
    p1: int
    p2: int
    data: bytes
    le: int | None          # None when the command carries no Le
    header: bytes           # CLA INS P1 P2 (+ Lc when there is data), as sent

    @classmethod
    def parse(cls, apdu: bytes) -> "_Command":
        if len(apdu) < 4:
            raise _Status(0x6700)
        cla, ins, p1, p2 = apdu[:4]
        if len(apdu) == 4:
            return cls(cla, ins, p1, p2, b"", None, apdu[:4])
        if len(apdu) == 5:
            return cls(cla, ins, p1, p2, b"", apdu[4], apdu[:4])
        lc = apdu[4]
        if lc == 0 or len(apdu) not in (5 + lc, 6 + lc):
            raise _Status(0x6700)
        le = apdu[5 + lc] if len(apdu) == 6 + lc else None
        return cls(cla, ins, p1, p2, apdu[5:5 + lc], le, apdu[:5])


def _sw(sw: int) -> bytes:
    return sw.to_bytes(2, "big")


def _tlv(tag: bytes, value: bytes) -> bytes:
    return tag + bytes([len(value)]) + value


@dataclass(frozen=True)
class _Record:
    tag: int
    value: bytes
    guarded: bool

    def encoded(self) -> bytes:
        return bytes([self.tag, len(self.value)]) + self.value


def _records(p: CardProfile) -> dict[int, list[_Record]]:
    """EF05 and EF06 of the spec's tables, in table order (= record numbers)."""
    name, name_ext = codec.split_name(p.name)
    return {
        EF_CARD: [
            _Record(0x01, p.card_id_code, False),
            _Record(0x02, p.card_type.encode("ascii"), False),
            _Record(0x03, p.spec_version.encode("ascii"), False),
            _Record(0x04, codec.bcd_encode(p.issuer), False),
            _Record(0x05, codec.bcd_date_encode(p.issued_on), True),
            _Record(0x06, codec.bcd_date_encode(p.expires_on), True),
            _Record(0x07, p.card_no.encode("ascii"), False),
        ],
        EF_HOLDER: [
            _Record(0x08, p.ssn.encode("ascii"), True),
            _Record(0x09, name, True),
            _Record(0x4E, name_ext, True),
            _Record(0x0A, p.gender.encode("ascii"), True),
            _Record(0x0B, codec.bcd_encode(p.ethnicity), True),
            _Record(0x0C, bytes.fromhex(p.birthplace.ljust(6, "F")), True),
            _Record(0x0D, codec.bcd_date_encode(p.birth_date), True),
        ],
    }


# --- the card -----------------------------------------------------------------------

class SoftCard:
    """A social security card in software; feed it APDUs with :meth:`transmit`.

    ``t0=True`` (the default) behaves like a real T=0 card; ``t0=False``
    answers every command directly. ``state_path`` keeps the PIN, the tries
    left and the lock across removal and process restarts (``None`` = memory
    only). ``faults`` and ``next_challenges`` are the control API of tests and
    the demo.
    """

    def __init__(self, profile: CardProfile, *, t0: bool = True,
                 state_path: str | Path | None | _DefaultStatePath = DEFAULT_STATE_PATH,
                 rng: random.Random | None = None):
        self.profile = profile
        self.t0 = t0
        self.faults = Faults()
        #: test hook: GET CHALLENGE answers these 16-byte values first, in order
        self.next_challenges: collections.deque[bytes] = collections.deque()
        self._rng = rng or random.Random()
        self._lock = threading.RLock()
        if isinstance(state_path, _DefaultStatePath):
            state_path = default_state_path(profile.card_no)
        self.state_path = Path(state_path) if state_path is not None else None

        self._records = _records(profile) if profile.has_ssc_application else {}
        self._commands = self._command_table()
        masters = profile.master_keys
        cid = profile.card_id_code
        self._k_ia = sm4.derive_card_key(masters["internal_auth"], cid)
        self._k_ea = sm4.derive_card_key(masters["external_auth"], cid)
        self._k_pin = sm4.derive_card_key(masters["pin"], cid)

        # persistent state
        self._pin_digest = self._digest(profile.pin.encode("ascii"))
        self._tries_left = profile.pin_tries_left
        self._locked = profile.application_locked
        self._load_state()

        # volatile state (cleared by reset / power off)
        self._app_selected = False
        self._current_ef: int | None = None
        self._authenticated = False
        self._challenge: bytes | None = None
        self._pending: bytes | None = None

    @classmethod
    def from_file(cls, path: str | Path, **kwargs) -> "SoftCard":
        return cls(load_profile(path), **kwargs)

    # --- what tests and the demo may look at ------------------------------------
    @property
    def atr(self) -> bytes:
        return self.profile.atr

    @property
    def card_no(self) -> str:
        return self.profile.card_no

    @property
    def authenticated(self) -> bool:
        return self._authenticated

    @property
    def tries_left(self) -> int:
        return self._tries_left

    @property
    def pin_blocked(self) -> bool:
        return self._tries_left == 0

    @property
    def application_locked(self) -> bool:
        return self._locked

    @application_locked.setter
    def application_locked(self, value: bool) -> None:
        with self._lock:
            self._locked = bool(value)
            self._save_state()

    def __repr__(self) -> str:
        return (f"SoftCard({self.profile.profile_name!r}, card_no={self.card_no!r}, "
                f"t0={self.t0}, tries_left={self._tries_left}, "
                f"authenticated={self._authenticated})")

    # --- power ------------------------------------------------------------------------
    def power_on(self) -> None:
        self._clear_volatile()

    def power_off(self) -> None:
        self._clear_volatile()

    def reset(self) -> None:
        self._clear_volatile()

    def _clear_volatile(self) -> None:
        with self._lock:
            self._app_selected = False
            self._current_ef = None
            self._authenticated = False
            self._challenge = None
            self._pending = None

    def restore_profile_state(self) -> None:
        """Back to the profile's PIN, tries and lock; forgets the state file."""
        with self._lock:
            self._pin_digest = self._digest(self.profile.pin.encode("ascii"))
            self._tries_left = self.profile.pin_tries_left
            self._locked = self.profile.application_locked
            if self.state_path is not None:
                try:
                    self.state_path.unlink()
                except FileNotFoundError:
                    pass

    # --- APDUs ---------------------------------------------------------------------------
    def transmit(self, apdu: bytes | bytearray, *,
                 cancel: threading.Event | None = None) -> bytes:
        """Answer one command APDU with data + SW1 SW2.

        Raises :class:`CardVanished` for the vanish fault and
        :class:`CommandAborted` when ``cancel`` is set during a delay.
        """
        apdu = bytes(apdu)
        with self._lock:
            if self.faults.vanish_now(apdu[1] if len(apdu) > 1 else None):
                log.info("card %s vanishes during a command (fault)", self.card_no)
                raise CardVanished("the card left during the command")
            delay, garbage = self.faults.delay_s, self.faults.garbage
        if delay > 0:
            if (cancel or threading.Event()).wait(delay):
                raise CommandAborted("the command was given up")
        if garbage:
            return self._garbage(garbage)
        if cancel is not None and cancel.is_set():
            raise CommandAborted("the command was given up")
        with self._lock:
            return self._process(apdu)

    def _garbage(self, kind: str) -> bytes:
        if kind == "one_byte":
            return bytes([self._rng.randrange(256)])
        junk = bytearray(self._rng.randbytes(self._rng.randrange(3, 24)))
        junk[-2] = self._rng.randrange(0x00, 0x60)  # no card's SW1 is below 0x60
        return bytes(junk)

    def _process(self, apdu: bytes) -> bytes:
        pending, self._pending = self._pending, None
        try:
            cmd = _Command.parse(apdu)
            handler = self._handler(cmd)
            out = handler(cmd, pending)
        except _Status as status:
            out = _sw(status.sw)
        if log.isEnabledFor(logging.DEBUG):  # INS and SW only: never the data
            log.debug("card %s: INS %02X -> %s", self.card_no,
                      apdu[1] if len(apdu) > 1 else 0, out[-2:].hex().upper())
        return out

    def _handler(self, cmd: _Command) -> Callable[[_Command, bytes | None], bytes]:
        if cmd.cla not in (0x00, 0x80, 0x84):
            raise _Status(0x6E00)
        table = self._commands
        handler = table.get((cmd.cla, cmd.ins))
        if handler is None:
            raise _Status(0x6E00 if any(ins == cmd.ins for _, ins in table) else 0x6D00)
        if not self.profile.has_ssc_application and cmd.ins not in (0xA4, 0xC0):
            raise _Status(0x6D00)
        if self._locked and cmd.ins != 0xC0:
            raise _Status(0x9303)
        return handler

    def _command_table(self) -> dict[tuple[int, int], Callable[[_Command, bytes | None], bytes]]:
        return {
            (0x00, 0xA4): self._select,
            (0x00, 0xB2): self._read_record,
            (0x00, 0xC0): self._get_response,
            (0x00, 0x88): self._internal_authenticate,
            (0x00, 0x84): self._get_challenge,
            (0x00, 0x82): self._external_authenticate,
            (0x00, 0x20): self._verify,
            (0x80, 0x5E): self._change_or_reset,
            (0x84, 0x24): self._unblock,
        }

    def _reply(self, data: bytes, le: int | None, *, announce: bool = False) -> bytes:
        """``data`` + 9000 as this card delivers it.

        On T=0, ``announce`` (SELECT, a case-3 INTERNAL AUTHENTICATE) answers
        ``61xx`` and keeps the data for GET RESPONSE; a missing or wrong
        non-zero Le answers ``6Cxx``; Le = 00 counts as exact.
        """
        if not self.t0:
            return data + _sw(SW_OK)
        if announce:
            self._pending = data
            return _sw(0x6100 | len(data))
        if le is None or (le != 0 and le != len(data)):
            return _sw(0x6C00 | len(data))
        return data + _sw(SW_OK)

    # --- SELECT, READ RECORD, GET RESPONSE -----------------------------------------------
    def _fci(self) -> bytes:
        proprietary = _tlv(b"\x85", self.profile.spec_version.encode("ascii")) \
            + _tlv(b"\x86", bytes([self.profile.algorithm]))
        return _tlv(b"\x6F", _tlv(b"\x84", SSC_AID) + _tlv(b"\xA5", _tlv(b"\x9F\x0C", proprietary)))

    def _select(self, cmd: _Command, _pending: bytes | None) -> bytes:
        if cmd.p2 not in (0x00, 0x0C):
            raise _Status(0x6A86)
        if cmd.p1 == 0x04:
            if cmd.data != SSC_AID or not self.profile.has_ssc_application:
                raise _Status(0x6A82)
            self._app_selected, self._current_ef = True, None
            if cmd.p2 == 0x0C:
                return _sw(SW_OK)
            return self._reply(self._fci(), cmd.le, announce=True)
        if cmd.p1 in (0x00, 0x02):
            if len(cmd.data) != 2:
                raise _Status(0x6700)
            fid = int.from_bytes(cmd.data, "big")
            if fid == MF and cmd.p1 == 0x00:
                self._app_selected, self._current_ef = False, None
                return _sw(SW_OK)
            if not self._app_selected or fid not in self._records:
                raise _Status(0x6A82)
            self._current_ef = fid
            return _sw(SW_OK)
        raise _Status(0x6A86)

    def _read_record(self, cmd: _Command, _pending: bytes | None) -> bytes:
        if cmd.data:
            raise _Status(0x6700)
        if self._current_ef is None:
            raise _Status(0x6A82)
        records = self._records[self._current_ef]
        if cmd.p2 == 0x00:                       # P1 is a tag
            found = [r for r in records if r.tag == cmd.p1]
        elif cmd.p2 == 0x04:                     # P1 is a record number
            found = records[cmd.p1 - 1:cmd.p1] if cmd.p1 >= 1 else []
        else:
            raise _Status(0x6A86)
        if not found:
            raise _Status(0x6A83)
        if found[0].guarded and not self._authenticated:
            raise _Status(0x6982)
        return self._reply(found[0].encoded(), cmd.le)

    def _get_response(self, cmd: _Command, pending: bytes | None) -> bytes:
        if cmd.p1 or cmd.p2:
            raise _Status(0x6A86)
        if cmd.data:
            raise _Status(0x6700)
        if not pending:
            raise _Status(0x6985)
        le = cmd.le
        if le is None or le > len(pending):
            self._pending = pending
            return _sw(0x6C00 | len(pending))
        if le == 0 or le == len(pending):
            return pending + _sw(SW_OK)
        self._pending = pending[le:]
        return pending[:le] + _sw(0x6100 | len(self._pending))

    # --- authentication ---------------------------------------------------------------------
    def _internal_authenticate(self, cmd: _Command, _pending: bytes | None) -> bytes:
        if cmd.p1 or cmd.p2:
            raise _Status(0x6A86)
        if len(cmd.data) != 16:
            raise _Status(0x6700)
        answer = sm4.sm4_ecb_encrypt(self._k_ia, cmd.data)
        return self._reply(answer, cmd.le, announce=cmd.le is None)

    def _get_challenge(self, cmd: _Command, _pending: bytes | None) -> bytes:
        if cmd.p1 or cmd.p2:
            raise _Status(0x6A86)
        if cmd.data:
            raise _Status(0x6700)
        if self.t0 and cmd.le not in (0, 16):
            return _sw(0x6C10)
        if self.next_challenges:
            challenge = bytes(self.next_challenges.popleft())
            if len(challenge) != 16:
                raise ValueError("next_challenges holds 16-byte values")
        else:
            challenge = os.urandom(16)
        self._challenge = challenge
        return challenge + _sw(SW_OK)

    def _take_challenge(self) -> bytes | None:
        challenge, self._challenge = self._challenge, None
        return challenge

    def _external_authenticate(self, cmd: _Command, _pending: bytes | None) -> bytes:
        if cmd.p1 != 0x00 or cmd.p2 != 0x0A:
            raise _Status(0x6A86)
        if len(cmd.data) != 16:
            raise _Status(0x6700)
        challenge = self._take_challenge()
        self._authenticated = False
        if challenge is None or not hmac.compare_digest(
                sm4.sm4_ecb_encrypt(self._k_ea, challenge), cmd.data):
            raise _Status(0x6300)
        self._authenticated = True
        return _sw(SW_OK)

    # --- PIN --------------------------------------------------------------------------------
    def _digest(self, digits: bytes) -> bytes:
        return hashlib.sha256(b"ssc-softcard-pin\x00" + self.profile.card_no.encode("ascii")
                              + b"\x00" + digits).digest()

    @staticmethod
    def _bcd_digits(data: bytes) -> bytes | None:
        text = data.hex()
        return text.encode("ascii") if text.isdigit() else None

    def _check_pin(self, bcd: bytes) -> None:
        """Compare a PIN; counts a wrong one, resets the counter on a right one."""
        if self._tries_left == 0:
            raise _Status(0x6983)
        digits = self._bcd_digits(bcd)
        if digits is not None and hmac.compare_digest(self._digest(digits), self._pin_digest):
            if self._tries_left != self.profile.max_tries:
                self._tries_left = self.profile.max_tries
                self._save_state()
            return
        self._tries_left -= 1
        self._save_state()
        raise _Status(0x6983 if self._tries_left == 0 else 0x63C0 | self._tries_left)

    def _verify(self, cmd: _Command, _pending: bytes | None) -> bytes:
        if cmd.p1 or cmd.p2:
            raise _Status(0x6A86)
        if len(cmd.data) != 3:
            raise _Status(0x6700)
        self._check_pin(cmd.data)
        return _sw(SW_OK)

    def _change_or_reset(self, cmd: _Command, _pending: bytes | None) -> bytes:
        if cmd.p2 or cmd.p1 not in (0x00, 0x01):
            raise _Status(0x6A86)
        if len(cmd.data) != 7:
            raise _Status(0x6700)
        if cmd.p1 == 0x01:
            return self._change(cmd)
        return self._reset_pin(cmd)

    def _change(self, cmd: _Command) -> bytes:
        old, separator, new = cmd.data[:3], cmd.data[3], cmd.data[4:]
        new_digits = self._bcd_digits(new)
        if separator != 0xFF or new_digits is None:
            raise _Status(0x6A80)
        self._check_pin(old)
        self._pin_digest = self._digest(new_digits)
        self._save_state()
        return _sw(SW_OK)

    def _mac_ok(self, cmd: _Command, covered: bytes, mac: bytes) -> bool:
        challenge = self._take_challenge()
        if challenge is None:
            return False
        return hmac.compare_digest(sm4.mac4(self._k_pin, challenge, covered), mac)

    def _reset_pin(self, cmd: _Command) -> bytes:
        if not self._mac_ok(cmd, cmd.header + cmd.data[:3], cmd.data[3:]):
            raise _Status(0x6988)
        if self._bcd_digits(cmd.data[:3]) != INITIAL_PIN.encode("ascii"):
            raise _Status(0x6A80)
        self._pin_digest = self._digest(INITIAL_PIN.encode("ascii"))
        self._tries_left = self.profile.max_tries
        self._save_state()
        return _sw(SW_OK)

    def _unblock(self, cmd: _Command, _pending: bytes | None) -> bytes:
        if cmd.p1 or cmd.p2:
            raise _Status(0x6A86)
        if len(cmd.data) != 4:
            raise _Status(0x6700)
        if not self._mac_ok(cmd, cmd.header, cmd.data):
            raise _Status(0x6988)
        self._tries_left = self.profile.max_tries
        self._save_state()
        return _sw(SW_OK)

    # --- the state file ------------------------------------------------------------------------
    def _load_state(self) -> None:
        if self.state_path is None or not self.state_path.exists():
            return
        try:
            state = json.loads(self.state_path.read_text(encoding="utf-8"))
            if state.get("format") != 1 or state.get("card_no") != self.card_no:
                raise ValueError("another card's or another format's state")
            digest = bytes.fromhex(state["pin_sha256"])
            tries = state["tries_left"]
            locked = state["application_locked"]
            if len(digest) != 32 or not isinstance(tries, int) \
                    or not 0 <= tries <= self.profile.max_tries or not isinstance(locked, bool):
                raise ValueError("values out of range")
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            log.warning("ignoring the card state file %s (%s); using the profile's",
                        self.state_path, type(exc).__name__)
            return
        self._pin_digest, self._tries_left, self._locked = digest, tries, locked

    def _save_state(self) -> None:
        if self.state_path is None:
            return
        state = {
            "format": 1,
            "card_no": self.card_no,
            "pin_sha256": self._pin_digest.hex(),
            "tries_left": self._tries_left,
            "application_locked": self._locked,
            "saved_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }
        try:
            write_atomically(self.state_path, json.dumps(state, indent=2) + "\n")
        except OSError as exc:
            # a real card would answer 6581; the emulator keeps going in memory
            log.warning("cannot write the card state file %s (%s)", self.state_path, exc.strerror)
