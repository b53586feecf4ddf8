"""The social security card application, host side (``shared/spec/ssc-card.md``).

:class:`SscCard` speaks the application's commands over a
:class:`~devices.card.transport.CardChannel` and turns status words into the
typed errors of :mod:`kiosk.errors`. It holds no keys: card authentication and
the MACs of RESET/UNBLOCK come from the back office through injected callables.

Everything unexpected ends in a typed error, never in a traceback: an odd status
word is a :class:`~kiosk.errors.CardProtocolError`, an undecodable field is
reported as such, a social security number with a wrong check digit is read and
flagged (``Holder.ssn_problem``), not refused.
"""

from __future__ import annotations

import dataclasses
import logging
import os
from typing import Callable

from kiosk import codec, ssn as ssn_rules
from kiosk.card import ALGORITHMS, GENDERS, CardAuthAnswer, CardAuthRequest, CardData, CardInfo, Holder
from kiosk.errors import (
    ApplicationLocked,
    CardNotServed,
    CardProtocolError,
    MacRefused,
    NotAuthenticated,
    PinBlocked,
    TerminalNotAuthorised,
    WrongPin,
)
from kiosk.pin import Pin, check_new_pin

from .transport import CardChannel, Response

log = logging.getLogger(__name__)

#: "sx1.sh.社会保障" in GBK
SSC_AID = bytes.fromhex("7378312E73682EC9E7BBE1B1A3D5CF")
SM4 = 0x03

EF05 = b"\xEF\x05"
EF06 = b"\xEF\x06"

# tag: (field, size) — the records of the spec's tables
EF05_PUBLIC = {0x01: ("card_id_code", 16), 0x02: ("card_type", 1), 0x03: ("spec_version", 4),
               0x04: ("issuer", 12), 0x07: ("card_no", 9)}
EF05_GUARDED = {0x05: ("issued_on", 4), 0x06: ("expires_on", 4)}
EF06_FIELDS = {0x08: ("ssn", 18), 0x09: ("name", 30), 0x4E: ("name_ext", 20), 0x0A: ("gender", 1),
               0x0B: ("ethnicity", 1), 0x0C: ("birthplace", 3), 0x0D: ("birth_date", 4)}

HsmStep = Callable[[CardAuthRequest], CardAuthAnswer]
#: ``(operation, challenge) -> whole APDU`` from ``POST /v1/me/pin-authorizations``
PinAuthorizer = Callable[[str, bytes], bytes]

RESET_HEADER = bytes.fromhex("805E000007") + bytes.fromhex("123456")
UNBLOCK_HEADER = bytes.fromhex("8424000004")


def parse_tlv(data: bytes) -> list[tuple[int, bytes]]:
    """BER-TLV at one level: ``[(tag, value), ...]``; raises ValueError on a bad encoding."""
    out = []
    i = 0
    while i < len(data):
        if data[i] in (0x00, 0xFF):  # padding between objects
            i += 1
            continue
        tag = data[i]
        i += 1
        if tag & 0x1F == 0x1F:  # multi-byte tag
            while True:
                if i >= len(data):
                    raise ValueError("truncated tag")
                tag = (tag << 8) | data[i]
                i += 1
                if not data[i - 1] & 0x80:
                    break
        if i >= len(data):
            raise ValueError("truncated length")
        length = data[i]
        i += 1
        if length & 0x80:
            n = length & 0x7F
            if n == 0 or n > 3 or i + n > len(data):
                raise ValueError("bad length")
            length = int.from_bytes(data[i:i + n], "big")
            i += n
        if i + length > len(data):
            raise ValueError("value runs past the end")
        out.append((tag, data[i:i + length]))
        i += length
    return out


def _find(tlvs: list[tuple[int, bytes]], tag: int) -> bytes | None:
    for t, v in tlvs:
        if t == tag:
            return v
    return None


def algorithm_from_fci(fci: bytes) -> int:
    """The AA of ``86 01 AA`` inside ``6F / A5 / 9F0C``; raises CardNotServed when absent."""
    try:
        top = _find(parse_tlv(fci), 0x6F)
        prop = _find(parse_tlv(top), 0xA5) if top is not None else None
        issuer = _find(parse_tlv(prop), 0x9F0C) if prop is not None else None
    except ValueError as exc:
        raise CardNotServed(f"the application's FCI is malformed ({exc})", reason="bad_fci") from None
    if issuer is None:
        raise CardNotServed("the FCI has no 6F/A5/9F0C", reason="bad_fci")
    # "9F0C whose value contains 86 01 AA": try TLV first, then a plain search.
    try:
        alg = _find(parse_tlv(issuer), 0x86)
        if alg is not None and len(alg) == 1:
            return alg[0]
    except ValueError:
        pass
    at = issuer.find(b"\x86\x01")
    if at < 0 or at + 2 >= len(issuer):
        raise CardNotServed("the FCI names no algorithm", reason="bad_fci")
    return issuer[at + 2]


def check_status(resp: Response, what: str) -> None:
    """Raise the typed error for a status word other than 90 00."""
    sw = resp.sw
    if sw == 0x9000:
        return
    if sw == 0x6982:
        raise NotAuthenticated(f"{what}: security status not satisfied")
    if sw == 0x6983:
        raise PinBlocked()
    if sw & 0xFFF0 == 0x63C0:
        raise WrongPin(sw & 0x0F)
    if sw == 0x6988:
        raise MacRefused(f"{what}: the card refused the MAC")
    if sw == 0x9303:
        raise ApplicationLocked(f"{what}: the application is locked for good")
    names = {0x6700: "wrong length", 0x6A82: "file not found", 0x6A83: "record not found",
             0x6D00: "instruction not supported", 0x6E00: "class not supported"}
    raise CardProtocolError(f"{what}: {names.get(sw, 'unexpected status')} ({sw:04X})", sw=sw)


class SscCard:
    """One social security card application behind a channel."""

    def __init__(self, channel: CardChannel):
        self.channel = channel
        self.algorithm: int | None = None
        self._current_ef: bytes | None = None

    # --- selection and records --------------------------------------------------
    def select_application(self) -> int:
        """Select the SSC application; CardNotServed for another card or algorithm."""
        resp = self.channel.transmit(bytes([0x00, 0xA4, 0x04, 0x00, len(SSC_AID)]) + SSC_AID)
        if resp.sw != 0x9000:
            raise CardNotServed(f"not a social security card: no SSC application (status {resp.sw:04X}); "
                                "it cannot be served here",
                                reason="no_ssc_application")
        alg = algorithm_from_fci(resp.data)
        self.algorithm = alg
        self._current_ef = None
        if alg != SM4:
            raise CardNotServed(f"this card cannot be served here: it uses {ALGORITHMS.get(alg, hex(alg))}, not SM4",
                                reason="algorithm", algorithm=alg)
        return alg

    def _select_ef(self, fid: bytes) -> None:
        if self._current_ef == fid:
            return
        resp = self.channel.transmit(bytes([0x00, 0xA4, 0x02, 0x00, 0x02]) + fid)
        check_status(resp, f"select EF{fid.hex().upper()}")
        self._current_ef = fid

    def read_tag(self, fid: bytes, tag: int, size: int) -> bytes | None:
        """The value of record ``tag`` of ``fid``; None when the card has no such record."""
        self._select_ef(fid)
        resp = self.channel.transmit(bytes([0x00, 0xB2, tag, 0x00, (2 + size) & 0xFF]))
        if resp.sw == 0x6A83:
            return None
        check_status(resp, f"read record {tag:02X}")
        data = resp.data
        if len(data) < 2 or data[0] != tag or data[1] > len(data) - 2:
            raise CardProtocolError(f"record {tag:02X} is not tag-length-value")
        return data[2:2 + data[1]]

    def _read_fields(self, fid: bytes, fields: dict[int, tuple[str, int]]) -> dict[str, bytes | None]:
        return {name: self.read_tag(fid, tag, size) for tag, (name, size) in fields.items()}

    def read_card_data(self) -> CardData:
        """EF05's public fields (readable before authentication)."""
        f = self._read_fields(EF05, EF05_PUBLIC)
        cid = f["card_id_code"]
        if cid is None or len(cid) != 16:
            raise CardProtocolError("the card identification code is missing or not 16 bytes")
        try:
            return CardData(
                card_id_code=cid,
                card_type=codec.ascii_decode(f["card_type"] or b""),
                spec_version=codec.ascii_decode(f["spec_version"] or b""),
                issuer=codec.bcd_decode(f["issuer"] or b"", pad=0xFF),
                card_no=codec.ascii_decode(f["card_no"] or b""),
            )
        except codec.DecodeError as exc:
            raise CardProtocolError(f"card data: {exc}") from None

    # --- authentication ----------------------------------------------------------
    def get_challenge(self) -> bytes:
        resp = self.channel.transmit(bytes.fromhex("0084000010"))
        check_status(resp, "get challenge")
        if len(resp.data) != 16:
            raise CardProtocolError(f"a challenge has 16 bytes, not {len(resp.data)}")
        return resp.data

    def authenticate(self, card: CardData, hsm_step: HsmStep) -> str:
        """Internal then external authentication; returns the back office's card_auth_id."""
        r1 = os.urandom(16)
        resp = self.channel.transmit(bytes.fromhex("0088000010") + r1)
        check_status(resp, "internal authenticate")
        if len(resp.data) != 16:
            raise CardProtocolError("the internal authentication answer is not 16 bytes")
        r2 = self.get_challenge()
        answer = hsm_step(CardAuthRequest(card.card_no, card.card_id_code, r1, resp.data, r2))
        if len(answer.external_auth) != 16:
            raise CardProtocolError("the back office's external authentication is not 16 bytes")
        resp = self.channel.transmit(bytes.fromhex("0082000A10") + answer.external_auth)
        if resp.sw == 0x6300:
            raise TerminalNotAuthorised("the card refused the terminal's authentication")
        check_status(resp, "external authenticate")
        return answer.card_auth_id

    def read_guarded(self, card: CardData) -> tuple[CardData, Holder]:
        """EF05's dates and EF06's holder data (after :meth:`authenticate`)."""
        dates = self._read_fields(EF05, EF05_GUARDED)
        f = self._read_fields(EF06, EF06_FIELDS)
        try:
            card = dataclasses.replace(card, issued_on=_date_or_none(dates["issued_on"]),
                                       expires_on=_date_or_none(dates["expires_on"]))
            number = codec.ascii_decode(f["ssn"] or b"").upper()
            name = codec.gbk_decode(f["name"] or b"") + codec.gbk_decode(f["name_ext"] or b"")
            gender_code = codec.ascii_decode(f["gender"] or b"")
            holder = Holder(
                ssn=number,
                name=name,
                gender=GENDERS.get(gender_code, "unstated"),
                ethnicity=codec.bcd_decode(f["ethnicity"] or b"").zfill(2),
                birthplace=codec.bcd_decode(f["birthplace"] or b"", pad=0xFF),
                birth_date=_date_or_none(f["birth_date"]),
                ssn_problem=ssn_rules.problem(number),
            )
        except codec.DecodeError as exc:
            raise CardProtocolError(f"holder data: {exc}") from None
        if holder.ssn_problem:
            log.warning("card %s: social security number fails its check (%s)", card.card_no, holder.ssn_problem)
        return card, holder

    # --- PIN -----------------------------------------------------------------------
    def _send_secret(self, apdu: bytearray, what: str) -> None:
        try:
            resp = self.channel.transmit(apdu)
        finally:
            for i in range(len(apdu)):
                apdu[i] = 0
        check_status(resp, what)

    def verify_pin(self, pin: Pin) -> None:
        """VERIFY; WrongPin(tries_left) or PinBlocked on refusal."""
        bcd = pin.to_bcd()
        apdu = bytearray(b"\x00\x20\x00\x00\x03") + bcd
        _wipe(bcd)
        self._send_secret(apdu, "verify")

    def change_pin(self, old: Pin, new: Pin, confirmation: Pin | None = None) -> None:
        """CHANGE; a weak new PIN is refused (WeakPin) before any APDU is sent."""
        check_new_pin(new, confirmation)
        old_bcd, new_bcd = old.to_bcd(), new.to_bcd()
        apdu = bytearray(b"\x80\x5E\x01\x00\x07") + old_bcd + b"\xFF" + new_bcd
        _wipe(old_bcd)
        _wipe(new_bcd)
        self._send_secret(apdu, "change PIN")

    def _authorised_command(self, operation: str, expected_head: bytes, authorize: PinAuthorizer) -> None:
        challenge = self.get_challenge()
        apdu = bytes(authorize(operation, challenge))
        # The back office supplies the whole command: accept only the one we asked for.
        if not apdu.startswith(expected_head) or len(apdu) != len(expected_head) + 4:
            raise CardProtocolError(f"the back office's {operation} command is not the expected one")
        resp = self.channel.transmit(apdu)
        check_status(resp, operation)

    def reset_pin(self, authorize: PinAuthorizer) -> None:
        """RESET (重装): the PIN becomes 123456 and the counter clears."""
        self._authorised_command("reload", RESET_HEADER, authorize)

    def unblock_pin(self, authorize: PinAuthorizer) -> None:
        """UNBLOCK (解锁): the counter clears, the PIN stays."""
        self._authorised_command("unblock", UNBLOCK_HEADER, authorize)


def _wipe(buf: bytearray) -> None:
    for i in range(len(buf)):
        buf[i] = 0


def _date_or_none(raw: bytes | None):
    if raw is None or raw.strip(b"\x00\xff") == b"":
        return None
    return codec.bcd_date_decode(raw)


def read_card_info(channel: CardChannel, hsm_step: HsmStep | None) -> tuple[SscCard, CardInfo]:
    """The whole read of an inserted card: select, public data, authentication, holder.

    Without ``hsm_step`` only the public data is read (``holder`` is None).
    Returns the card (still selected and authenticated, for PIN commands) and the info.
    """
    card = SscCard(channel)
    atr = channel.transport.atr()
    card.select_application()
    data = card.read_card_data()
    holder = None
    card_auth_id = None
    if hsm_step is not None:
        card_auth_id = card.authenticate(data, hsm_step)
        data, holder = card.read_guarded(data)
    info = CardInfo(reader=channel.reader, atr=atr, algorithm=ALGORITHMS.get(card.algorithm, "?"),
                    card=data, holder=holder, card_auth_id=card_auth_id)
    return card, info
