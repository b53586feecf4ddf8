"""The card transport: one small interface, several implementations.

- :class:`Transport` is a connection to one card in one reader that moves raw
  APDUs (``devices/card/pcsc.py`` over PC/SC, ``devices/card/emulator/inprocess.py``
  straight into the software card).
- :class:`ReaderBackend` lists readers and connects to a card.
- :class:`CardChannel` is the one place that handles T=0 status words
  (``61xx`` → GET RESPONSE, ``6Cxx`` → resend once with the right Le) and
  records the redacted trace. Everything above talks to a channel.

Implementations raise the typed errors of :mod:`kiosk.errors` only
(``ReaderServiceDown``, ``NoReader``, ``NoCard``, ``CardRemoved``,
``CardTimeout``); no pyscard exception leaves this package.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Protocol

from kiosk.errors import CardProtocolError

from .trace import TRACE, ApduTrace, describe_response

#: every card command is bounded by this many seconds unless a transport is told otherwise
DEFAULT_TIMEOUT_S = 5.0
_MAX_GET_RESPONSE = 16


class Transport(Protocol):
    reader: str

    def atr(self) -> bytes: ...

    def transmit(self, apdu: bytes) -> bytes:
        """Send one APDU, return data + SW1 SW2. Bounded by the transport's timeout."""
        ...

    def close(self) -> None: ...


class ReaderBackend(Protocol):
    def readers(self) -> list[str]:
        """Names of the connected readers (raises ReaderServiceDown)."""
        ...

    def connect(self, reader: str) -> Transport:
        """Connect to the card in ``reader`` (raises NoReader, NoCard, ...)."""
        ...

    def has_card(self, reader: str) -> bool: ...


@dataclass(frozen=True)
class Response:
    data: bytes
    sw: int

    @property
    def sw1(self) -> int:
        return self.sw >> 8

    @property
    def sw2(self) -> int:
        return self.sw & 0xFF

    @property
    def ok(self) -> bool:
        return self.sw == 0x9000


class CardChannel:
    """APDUs to one card, with the T=0 rules applied once, here."""

    def __init__(self, transport: Transport, trace: ApduTrace | None = TRACE):
        self.transport = transport
        self.trace = trace

    @property
    def reader(self) -> str:
        return self.transport.reader

    def _raw(self, apdu: bytes | bytearray) -> Response:
        start = time.perf_counter()
        try:
            raw = self.transport.transmit(bytes(apdu))
        except Exception as exc:
            if self.trace:
                self.trace.record(self.reader, apdu, getattr(exc, "code", type(exc).__name__),
                                  (time.perf_counter() - start) * 1000)
            raise
        if len(raw) < 2:
            if self.trace:
                self.trace.record(self.reader, apdu, raw.hex().upper() or "(empty)",
                                  (time.perf_counter() - start) * 1000)
            raise CardProtocolError("the card answered fewer than two bytes")
        resp = Response(raw[:-2], (raw[-2] << 8) | raw[-1])
        if self.trace:
            self.trace.record(self.reader, apdu, describe_response(resp.data, resp.sw),
                              (time.perf_counter() - start) * 1000)
        return resp

    def transmit(self, apdu: bytes | bytearray) -> Response:
        resp = self._raw(apdu)
        if resp.sw1 == 0x6C:
            # Wrong Le: resend once with Le = SW2.
            fixed = with_le(apdu, resp.sw2)
            resp = self._raw(fixed)
            if resp.sw1 == 0x6C:
                raise CardProtocolError("the card asked twice for another length", sw=resp.sw)
        data = resp.data
        for _ in range(_MAX_GET_RESPONSE):
            if resp.sw1 != 0x61:
                break
            resp = self._raw(bytes([0x00, 0xC0, 0x00, 0x00, resp.sw2]))
            data += resp.data
        else:
            raise CardProtocolError("the card kept announcing more data", sw=resp.sw)
        return Response(data, resp.sw)


def with_le(apdu: bytes | bytearray, le: int) -> bytes:
    """The same command with its Le set to ``le`` (added when it had none)."""
    apdu = bytes(apdu)
    if len(apdu) <= 4:                       # case 1
        return apdu[:4] + bytes([le])
    if len(apdu) == 5:                       # case 2: header + Le
        return apdu[:4] + bytes([le])
    lc = apdu[4]
    return apdu[:5 + lc] + bytes([le])       # case 3 or 4
