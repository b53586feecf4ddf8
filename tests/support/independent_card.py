"""A second software SSC card, written from ``shared/spec/ssc-card.md`` only.

It exists to prove that the kiosk follows the card profile and not the quirks
of the project's own emulator (``devices/card/emulator/``, which this module
neither reads nor imports). It speaks the vpcd protocol itself: it *connects*
to the port of a vpcd reader slot (2-byte big-endian length + payload; a
1-byte payload is a control: 0 power off, 1 power on, 2 reset, 4 ATR request),
with ``TCP_NODELAY`` and ``TCP_QUICKACK`` re-armed before every receive.
SM4 comes straight from ``cryptography`` (not ``kiosk/sm4.py``).

Usage::

    card = IndependentCard()          # or IndependentCard(CardProfile(card_no=...))
    card.start(35990)                 # "insert" into the reader on that port
    ...
    card.remove(); card.insert()      # pull the card / put it back
    card.set_delay(0xB2, 2.0)         # answer READ RECORD after 2 s
    card.stop()

While inserted, the card reconnects by itself when the connection drops from
the reader's side (pcscd restarted), every 0.1 s, like a card that stays in a
reader whose driver comes back.

Choices made where the profile leaves things open (deliberately different from
what an obvious implementation would do):

- ATR ``3B6D0000 008F544C 332E3030 494E444550``: historical bytes ``00 8F 54 4C``
  then ``"3.00"`` and ``"INDEP"`` in ASCII.
- SELECT of the application answers the FCI *directly* with ``90 00`` (no
  ``61 xx``), whether or not Le is sent (a wrong non-zero Le gets ``6C xx``).
  The FCI carries extra TLVs and another order: ``6F { 84 AID, A5 { 50 label,
  5F2D language, 9F0C { 9F08 version, 86 01 03, 87 date }, BF0C (long-form
  BER length 81 xx) { DF01 } }, 8A 01 05 }``.
- SELECT of an EF answers ``90 00`` without data when sent without Le, and a
  small FCP ``62 { 83 fid }`` when sent with Le.
- INTERNAL AUTHENTICATE always answers ``61 10`` and wants GET RESPONSE
  (a T=0 habit), whatever Le was sent. GET RESPONSE with Le smaller than what
  is pending answers the first Le bytes and ``61 rest``; larger or ``00``
  answers ``6C xx``. Any other command drops what was pending.
- READ RECORD answers ``6C xx`` for any wrong Le, for a missing Le, and for
  ``Le = 00`` on the "strict" tags ``01 07 09 4E 0D``; other tags answer
  ``Le = 00`` as if it were exact.
- GET CHALLENGE answers only Le = ``10`` (other Le, ``00`` included: ``6C 10``);
  the challenges are random (``os.urandom``). A challenge is good for the
  next EXTERNAL AUTHENTICATE, RESET or UNBLOCK only, and is dropped by a new
  GET CHALLENGE, a SELECT of the application or a reset.
- The blocking wrong PIN (the 6th) answers ``69 83`` at once (not ``63 C0``).
  VERIFY without data answers ``63 Cx`` (tries left) or ``69 83``.
- RESET accepts only ``12 34 56`` as its PIN data (other data: ``6A 80``).
- Commands other than SELECT before the application is selected: ``69 85``;
  READ RECORD with no current EF: ``69 86``; wrong P1/P2: ``6A 86``;
  EXTERNAL AUTHENTICATE without a challenge: ``69 85``.
- Default holder: a 16-character name whose GBK (32 bytes) spills into the
  name extension 4E; birthplace ``6501`` padded with ``FF``; ethnicity 05.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import struct
import threading
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

# --- the profile's constants ------------------------------------------------

AID = bytes.fromhex("7378312E73682EC9E7BBE1B1A3D5CF")
ATR = bytes.fromhex("3B6D0000" "008F544C" "332E3030" "494E444550")

#: test master keys of the profile (never production values)
MASTER_IA = bytes.fromhex("00112233445566778899AABBCCDDEEFF")
MASTER_EA = bytes.fromhex("0F1E2D3C4B5A69788796A5B4C3D2E1F0")
MASTER_PIN = bytes.fromhex("A0A1A2A3A4A5A6A7A8A9AAABACADAEAF")

INITIAL_PIN = "123456"
MAX_TRIES = 6
STRICT_LE00_TAGS = frozenset({0x01, 0x07, 0x09, 0x4E, 0x0D})

_SSN_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def ssn_with_check(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _SSN_WEIGHTS))
    return first17 + "10X98765432"[total % 11]


def sm4_ecb(key: bytes, data: bytes) -> bytes:
    enc = Cipher(algorithms.SM4(key), modes.ECB()).encryptor()
    return enc.update(data) + enc.finalize()


def sm4_mac4(key: bytes, iv: bytes, data: bytes) -> bytes:
    padded = data + b"\x80"
    padded += b"\x00" * (-len(padded) % 16)
    enc = Cipher(algorithms.SM4(key), modes.CBC(iv)).encryptor()
    out = enc.update(padded) + enc.finalize()
    return out[-16:][:4]


def _bcd(digits: str) -> bytes:
    return bytes.fromhex(digits)


def _bcd_date(day: dt.date) -> bytes:
    return _bcd(day.strftime("%Y%m%d"))


def _tlv(tag: int, value: bytes, *, long_form: bool = False) -> bytes:
    tag_bytes = tag.to_bytes(2 if tag > 0xFF else 1, "big")
    if long_form or len(value) > 0x7F:
        if len(value) > 0xFF:
            raise ValueError("value too long for this card")
        return tag_bytes + bytes([0x81, len(value)]) + value
    return tag_bytes + bytes([len(value)]) + value


@dataclass
class CardProfile:
    """What the card holds (the test reads these to check what the kiosk decodes)."""

    card_no: str = "T00000042"
    card_id_code: bytes = bytes.fromhex("420100D156000005A1B2C3D4E5F60718")
    card_type: str = "3"
    spec_version: str = "3.00"
    issuer: str = "420100000000000000000017"          # 24 digits = 12 BCD bytes
    issued_on: dt.date = dt.date(2021, 3, 15)
    expires_on: dt.date = dt.date(2031, 3, 14)
    ssn: str = field(default_factory=lambda: ssn_with_check("65010219900709013"))
    name: str = "阿卜杜热合曼·买买提艾力·司马义"        # 32 bytes of GBK: spills into 4E
    gender: str = "1"
    ethnicity: str = "05"
    birthplace: str = "6501"                           # BCD, FF padded to 3 bytes
    birth_date: dt.date = dt.date(1990, 7, 9)
    algorithm: int = 0x03                              # 86 01 AA in the FCI

    def ef05(self) -> dict[int, bytes]:
        return {
            0x01: self.card_id_code,
            0x02: self.card_type.encode("ascii"),
            0x03: self.spec_version.encode("ascii"),
            0x04: _bcd(self.issuer),
            0x05: _bcd_date(self.issued_on),
            0x06: _bcd_date(self.expires_on),
            0x07: self.card_no.encode("ascii"),
        }

    def ef06(self) -> dict[int, bytes]:
        raw = self.name.encode("gbk")
        head, rest = b"", b""
        for i, ch in enumerate(self.name):          # split on a character boundary
            enc = ch.encode("gbk")
            if len(head) + len(enc) > 30:
                rest = self.name[i:].encode("gbk")
                break
            head += enc
        assert len(head) + len(rest) == len(raw) and len(rest) <= 20
        place = bytes.fromhex(self.birthplace + "F" * (6 - len(self.birthplace)))
        return {
            0x08: self.ssn.encode("ascii"),
            0x09: head.ljust(30, b"\x00"),
            0x4E: rest.ljust(20, b"\x00"),
            0x0A: self.gender.encode("ascii"),
            0x0B: _bcd(self.ethnicity),
            0x0C: place,
            0x0D: _bcd_date(self.birth_date),
        }


GUARDED = {0x05, 0x06, 0x08, 0x09, 0x4E, 0x0A, 0x0B, 0x0C, 0x0D}


def _sw(sw: int) -> bytes:
    return sw.to_bytes(2, "big")


class _Bad(Exception):
    def __init__(self, sw: int):
        self.sw = sw


class IndependentApplet:
    """The card's logic: ``process(apdu) -> response``; no I/O, no threads."""

    def __init__(self, profile: CardProfile | None = None, pin: str = INITIAL_PIN):
        self.profile = profile or CardProfile()
        self.pin = pin
        self.tries_left = MAX_TRIES
        cid = self.profile.card_id_code
        self.k_ia = sm4_ecb(MASTER_IA, cid)
        self.k_ea = sm4_ecb(MASTER_EA, cid)
        self.k_pin = sm4_ecb(MASTER_PIN, cid)
        self.files = {0xEF05: self.profile.ef05(), 0xEF06: self.profile.ef06()}
        self.power_off()

    # -- volatile state ----------------------------------------------------

    def power_off(self) -> None:
        self.app_selected = False
        self.current_ef: int | None = None
        self.authenticated = False
        self.challenge: bytes | None = None
        self.pending: bytes = b""

    reset = power_off

    def fci(self) -> bytes:
        p = self.profile
        in_9f0c = (_tlv(0x9F08, b"\x03\x00") + _tlv(0x86, bytes([p.algorithm]))
                   + _tlv(0x87, _bcd_date(p.issued_on)))
        a5 = (_tlv(0x50, b"SSC3 INDEP") + _tlv(0x5F2D, b"zhen") + _tlv(0x9F0C, in_9f0c)
              + _tlv(0xBF0C, _tlv(0xDF01, b"\x00\x01"), long_form=True))
        return _tlv(0x6F, _tlv(0x84, AID) + _tlv(0xA5, a5) + _tlv(0x8A, b"\x05"))

    # -- commands ----------------------------------------------------------

    def process(self, apdu: bytes) -> bytes:
        try:
            return self._process(bytes(apdu))
        except _Bad as bad:
            return _sw(bad.sw)

    def _process(self, apdu: bytes) -> bytes:
        if len(apdu) < 4:
            raise _Bad(0x6700)
        cla, ins, p1, p2 = apdu[:4]
        data, le = self._parse(apdu[4:])
        pending, self.pending = self.pending, b""
        if ins == 0xC0 and cla == 0x00:
            return self._get_response(pending, le)
        known = {(0x00, 0xA4), (0x00, 0xB2), (0x00, 0x88), (0x00, 0x84), (0x00, 0x82),
                 (0x00, 0x20), (0x80, 0x5E), (0x84, 0x24)}
        if (cla, ins) not in known:
            if ins in {i for _, i in known} or cla not in (0x00, 0x80, 0x84):
                raise _Bad(0x6E00)
            raise _Bad(0x6D00)
        if ins == 0xA4:
            return self._select(p1, p2, data, le)
        if not self.app_selected:
            raise _Bad(0x6985)
        handler = {0xB2: self._read_record, 0x88: self._internal_auth,
                   0x84: self._get_challenge, 0x82: self._external_auth,
                   0x20: self._verify, 0x5E: self._change_or_reset,
                   0x24: self._unblock}[ins]
        return handler(cla, ins, p1, p2, data, le)

    @staticmethod
    def _parse(body: bytes) -> tuple[bytes, int | None]:
        if not body:
            return b"", None
        if len(body) == 1:
            return b"", body[0]
        lc = body[0]
        if lc == 0:
            raise _Bad(0x6700)          # no extended lengths on this card
        data, rest = body[1:1 + lc], body[1 + lc:]
        if len(data) != lc or len(rest) > 1:
            raise _Bad(0x6700)
        return data, (rest[0] if rest else None)

    def _get_response(self, pending: bytes, le: int | None) -> bytes:
        if not pending:
            raise _Bad(0x6985)
        if le is None or le == 0 or le > len(pending):
            self.pending = pending
            return _sw(0x6C00 | len(pending))
        out, self.pending = pending[:le], pending[le:]
        return out + (_sw(0x6100 | len(self.pending)) if self.pending else _sw(0x9000))

    def _select(self, p1: int, p2: int, data: bytes, le: int | None) -> bytes:
        if p1 == 0x04 and p2 == 0x00:
            if data != AID:
                raise _Bad(0x6A82)
            self.app_selected = True
            self.current_ef = None
            self.challenge = None
            fci = self.fci()
            if le not in (None, 0, len(fci)):
                raise _Bad(0x6C00 | len(fci))
            return fci + _sw(0x9000)
        if p1 == 0x02 and p2 == 0x00:
            if len(data) != 2:
                raise _Bad(0x6700)
            fid = int.from_bytes(data, "big")
            if not self.app_selected or fid not in self.files:
                raise _Bad(0x6A82)
            self.current_ef = fid
            if le is None:
                return _sw(0x9000)
            fcp = _tlv(0x62, _tlv(0x83, data))
            if le not in (0, len(fcp)):
                raise _Bad(0x6C00 | len(fcp))
            return fcp + _sw(0x9000)
        raise _Bad(0x6A86)

    def _read_record(self, cla, ins, p1, p2, data, le) -> bytes:
        if data:
            raise _Bad(0x6700)
        if self.current_ef is None:
            raise _Bad(0x6986)
        records = self.files[self.current_ef]
        if p2 == 0x00:
            tag = p1
        elif p2 == 0x04:
            tags = list(records)
            if not 1 <= p1 <= len(tags):
                raise _Bad(0x6A83)
            tag = tags[p1 - 1]
        else:
            raise _Bad(0x6A86)
        if tag not in records:
            raise _Bad(0x6A83)
        if tag in GUARDED and not self.authenticated:
            raise _Bad(0x6982)
        value = records[tag]
        record = bytes([tag, len(value)]) + value
        exact = le == len(record) or (le == 0 and tag not in STRICT_LE00_TAGS)
        if not exact:
            raise _Bad(0x6C00 | len(record))
        return record + _sw(0x9000)

    def _internal_auth(self, cla, ins, p1, p2, data, le) -> bytes:
        if (p1, p2) != (0, 0):
            raise _Bad(0x6A86)
        if len(data) != 16:
            raise _Bad(0x6700)
        self.pending = sm4_ecb(self.k_ia, data)
        return _sw(0x6110)

    def _get_challenge(self, cla, ins, p1, p2, data, le) -> bytes:
        if (p1, p2) != (0, 0) or data:
            raise _Bad(0x6A86 if data == b"" else 0x6700)
        self.challenge = None
        if le != 0x10:
            raise _Bad(0x6C10)
        self.challenge = os.urandom(16)
        return self.challenge + _sw(0x9000)

    def _take_challenge(self) -> bytes:
        challenge, self.challenge = self.challenge, None
        if challenge is None:
            raise _Bad(0x6985)
        return challenge

    def _external_auth(self, cla, ins, p1, p2, data, le) -> bytes:
        if (p1, p2) != (0x00, 0x0A):
            raise _Bad(0x6A86)
        if len(data) != 16:
            raise _Bad(0x6700)
        challenge = self._take_challenge()
        if data != sm4_ecb(self.k_ea, challenge):
            self.authenticated = False
            raise _Bad(0x6300)
        self.authenticated = True
        return _sw(0x9000)

    @staticmethod
    def _pin_digits(raw: bytes) -> str:
        digits = raw.hex().upper()
        if len(digits) != 6 or not digits.isdigit():
            raise _Bad(0x6A80)
        return digits

    def _check_pin(self, offered: str) -> None:
        if self.tries_left == 0:
            raise _Bad(0x6983)
        if offered != self.pin:
            self.tries_left -= 1
            raise _Bad(0x6983 if self.tries_left == 0 else 0x63C0 | self.tries_left)
        self.tries_left = MAX_TRIES

    def _verify(self, cla, ins, p1, p2, data, le) -> bytes:
        if (p1, p2) != (0, 0):
            raise _Bad(0x6A86)
        if not data:
            raise _Bad(0x6983 if self.tries_left == 0 else 0x63C0 | self.tries_left)
        if len(data) != 3:
            raise _Bad(0x6700)
        self._check_pin(self._pin_digits(data))
        return _sw(0x9000)

    def _change_or_reset(self, cla, ins, p1, p2, data, le) -> bytes:
        if p1 == 0x01 and p2 == 0x00:                       # CHANGE
            if len(data) != 7:
                raise _Bad(0x6700)
            if data[3] != 0xFF:
                raise _Bad(0x6A80)
            old, new = self._pin_digits(data[:3]), self._pin_digits(data[4:])
            self._check_pin(old)
            self.pin = new
            return _sw(0x9000)
        if p1 == 0x00 and p2 == 0x00:                       # RESET (重装PIN)
            if len(data) != 7:
                raise _Bad(0x6700)
            challenge = self._take_challenge()
            if sm4_mac4(self.k_pin, challenge, bytes([cla, ins, p1, p2, 7]) + data[:3]) != data[3:]:
                raise _Bad(0x6988)
            if data[:3] != _bcd(INITIAL_PIN):
                raise _Bad(0x6A80)
            self.pin, self.tries_left = INITIAL_PIN, MAX_TRIES
            return _sw(0x9000)
        raise _Bad(0x6A86)

    def _unblock(self, cla, ins, p1, p2, data, le) -> bytes:
        if (p1, p2) != (0, 0):
            raise _Bad(0x6A86)
        if len(data) != 4:
            raise _Bad(0x6700)
        challenge = self._take_challenge()
        if sm4_mac4(self.k_pin, challenge, bytes([cla, ins, p1, p2, 4])) != data:
            raise _Bad(0x6988)
        self.tries_left = MAX_TRIES
        return _sw(0x9000)


# --- the vpcd side ----------------------------------------------------------

_CTRL_OFF, _CTRL_ON, _CTRL_RESET, _CTRL_ATR = 0, 1, 2, 4


class IndependentCard:
    """The applet behind a vpcd connection, with a small control API for tests."""

    def __init__(self, profile: CardProfile | None = None, *, pin: str = INITIAL_PIN,
                 atr: bytes = ATR):
        self.applet = IndependentApplet(profile, pin)
        self.atr = atr
        self._delays: dict[int, float] = {}
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._inserted = threading.Event()   # we want to be in the reader
        self._stopping = threading.Event()
        self._kick = threading.Event()       # interrupts sleeps (remove, stop)
        self.connected = threading.Event()   # a vpcd connection is open now
        self.address: tuple[str, int] | None = None
        self.apdus = 0                        # APDUs answered (no content kept)

    @property
    def profile(self) -> CardProfile:
        return self.applet.profile

    # -- control -----------------------------------------------------------

    def start(self, port: int, host: str = "127.0.0.1") -> "IndependentCard":
        """Insert the card into the vpcd slot listening on ``host:port``."""
        if self._thread is not None:
            raise RuntimeError("already started")
        self.address = (host, port)
        self._stopping.clear()
        self._inserted.set()
        self._thread = threading.Thread(target=self._run, name=f"independent-card:{port}",
                                        daemon=True)
        self._thread.start()
        return self

    def insert(self) -> None:
        self._inserted.set()
        self._kick.set()

    def remove(self) -> None:
        """Pull the card: the connection closes at once, even mid-command."""
        self._inserted.clear()
        self._kick.set()
        self._shutdown_socket()

    def stop(self, timeout: float = 2.0) -> None:
        self._stopping.set()
        self.remove()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def set_delay(self, ins: int | None, seconds: float) -> None:
        """Answer commands with instruction ``ins`` (None: every command) after ``seconds``."""
        self._delays[-1 if ins is None else ins] = seconds

    def clear_delays(self) -> None:
        self._delays.clear()

    def wait_connected(self, timeout: float = 3.0) -> bool:
        return self.connected.wait(timeout)

    def __enter__(self) -> "IndependentCard":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- the connection ----------------------------------------------------

    def _shutdown_socket(self) -> None:
        with self._lock:
            sock = self._sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def _run(self) -> None:
        while not self._stopping.is_set():
            if not self._inserted.is_set():
                self._kick.wait(0.1)
                self._kick.clear()
                continue
            try:
                sock = socket.create_connection(self.address, timeout=1.0)
            except OSError:
                self._kick.wait(0.1)
                self._kick.clear()
                continue
            sock.settimeout(None)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                self._sock = sock
            if not self._inserted.is_set():   # removed while connecting
                self._shutdown_socket()
            self._kick.clear()
            self.connected.set()
            try:
                self._serve(sock)
            except OSError:
                pass
            finally:
                self.connected.clear()
                with self._lock:
                    self._sock = None
                sock.close()
                self.applet.power_off()
            if self._inserted.is_set() and not self._stopping.is_set():
                self._kick.wait(0.1)             # the reader went away: try again shortly
                self._kick.clear()

    @staticmethod
    def _recv_exact(sock: socket.socket, n: int) -> bytes | None:
        buf = b""
        while len(buf) < n:
            if hasattr(socket, "TCP_QUICKACK"):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
            chunk = sock.recv(n - len(buf))
            if not chunk:
                return None
            buf += chunk
        return buf

    def _serve(self, sock: socket.socket) -> None:
        while True:
            head = self._recv_exact(sock, 2)
            if head is None:
                return
            (size,) = struct.unpack(">H", head)
            payload = self._recv_exact(sock, size) if size else b""
            if payload is None:
                return
            if size == 1:
                ctrl = payload[0]
                if ctrl in (_CTRL_OFF, _CTRL_ON, _CTRL_RESET):
                    self.applet.power_off()
                elif ctrl == _CTRL_ATR:
                    sock.sendall(struct.pack(">H", len(self.atr)) + self.atr)
                continue
            delay = self._delays.get(payload[1] if len(payload) > 1 else -1,
                                     self._delays.get(-1, 0.0))
            if delay:
                self._kick.wait(delay)
                if not self._inserted.is_set():
                    return                        # pulled while "working"
            answer = self.applet.process(payload)
            self.apdus += 1
            sock.sendall(struct.pack(">H", len(answer)) + answer)
