"""The PC/SC transport: real readers through pcscd, on pyscard's low-level API.

- :class:`PcscBackend` lists readers, tells whether one holds a card and
  connects to it (a :class:`ReaderBackend`).
- :class:`PcscTransport` is one connection to one card (a :class:`Transport`):
  T=0 or T=1, whichever the card offers. Every call to the card runs on the
  connection's own worker thread, which owns its own PC/SC context; the caller
  waits at most the timeout (``DEFAULT_TIMEOUT_S`` unless told otherwise). On
  a timeout the caller gets :class:`CardTimeout` at once and the connection is
  abandoned: the worker stays blocked in pcscd until the card answers or goes,
  then resets the card and releases everything by itself. (Until then pcscd
  keeps that reader busy: a new connection to it waits too, within its own
  timeout.)
- :func:`first_reader_with_card` picks the reader to use.

Every PC/SC failure becomes one of the typed errors of :mod:`kiosk.errors`;
no pyscard exception leaves this module:

=======================================================  ======================
PC/SC answer                                             typed error
=======================================================  ======================
service not available / stopped, RPC failure, context    ``ReaderServiceDown``
unknown reader, reader unavailable, no readers           ``NoReader``
no smart card / removed card (connecting)                ``NoCard``
removed, reset, unpowered, not transacted (transmitting) ``CardRemoved``
timeout, unresponsive (mute) card                        ``CardTimeout``
protocol mismatch, unsupported card                      ``CardNotServed``
=======================================================  ======================

A transmit that pcscd reports as successful but with an *empty* answer is
``CardRemoved`` too: the vpcd driver answers that way when the card's socket
closes in the middle of a command (a real card always sends SW1 SW2).

Nothing here logs APDU bytes; :class:`CardChannel` keeps the redacted trace.
"""

from __future__ import annotations

import logging
import queue
import threading
from typing import Any, Callable

from smartcard import scard

from kiosk.errors import (
    CardError,
    CardNotServed,
    CardRemoved,
    CardTimeout,
    NoCard,
    NoReader,
    ReaderServiceDown,
)

from .transport import DEFAULT_TIMEOUT_S, ReaderBackend

log = logging.getLogger(__name__)

OK = scard.SCARD_S_SUCCESS


def _u32(hr: int) -> int:
    return int(hr) & 0xFFFFFFFF


_NAMES = {_u32(getattr(scard, n)): n for n in dir(scard)
          if n.startswith(("SCARD_E_", "SCARD_W_", "SCARD_F_", "SCARD_P_"))}


def _codes(*names: str) -> frozenset[int]:
    return frozenset(_u32(getattr(scard, n)) for n in names if hasattr(scard, n))


#: the service is gone or our context with it
SERVICE_DOWN = _codes("SCARD_E_NO_SERVICE", "SCARD_E_SERVICE_STOPPED", "SCARD_F_COMM_ERROR",
                      "SCARD_E_INVALID_HANDLE", "SCARD_F_INTERNAL_ERROR", "SCARD_E_NO_MEMORY",
                      "SCARD_E_SERVER_TOO_BUSY", "SCARD_F_UNKNOWN_ERROR", "SCARD_P_SHUTDOWN",
                      "SCARD_E_SYSTEM_CANCELLED")
#: the context should be thrown away and made again (then retried once)
STALE_CONTEXT = _codes("SCARD_E_NO_SERVICE", "SCARD_E_SERVICE_STOPPED", "SCARD_F_COMM_ERROR",
                       "SCARD_E_INVALID_HANDLE")
_NO_READER = _codes("SCARD_E_UNKNOWN_READER", "SCARD_E_READER_UNAVAILABLE",
                    "SCARD_E_NO_READERS_AVAILABLE", "SCARD_E_READER_UNSUPPORTED",
                    "SCARD_E_DUPLICATE_READER", "SCARD_E_SHARING_VIOLATION")
_NO_CARD = _codes("SCARD_E_NO_SMARTCARD", "SCARD_W_REMOVED_CARD")
_CARD_GONE = _codes("SCARD_W_REMOVED_CARD", "SCARD_W_RESET_CARD", "SCARD_E_NO_SMARTCARD",
                    "SCARD_W_UNPOWERED_CARD", "SCARD_E_NOT_TRANSACTED", "SCARD_E_COMM_DATA_LOST",
                    "SCARD_E_INVALID_HANDLE", "SCARD_E_READER_UNAVAILABLE",
                    "SCARD_E_UNKNOWN_READER", "SCARD_E_CANCELLED")
_TIMEOUT = _codes("SCARD_E_TIMEOUT", "SCARD_F_WAITED_TOO_LONG", "SCARD_W_UNRESPONSIVE_CARD")
_UNSUPPORTED = _codes("SCARD_E_PROTO_MISMATCH", "SCARD_W_UNSUPPORTED_CARD",
                      "SCARD_E_CARD_UNSUPPORTED", "SCARD_E_INVALID_ATR")
NO_READERS = _u32(scard.SCARD_E_NO_READERS_AVAILABLE)
TIMEOUT = _u32(scard.SCARD_E_TIMEOUT)
UNKNOWN_READER = _u32(scard.SCARD_E_UNKNOWN_READER)

_PYSCARD_FAILED = _u32(scard.SCARD_F_UNKNOWN_ERROR)


def code_name(hr: int) -> str:
    """``SCARD_E_NO_SMARTCARD`` style name of a PC/SC result (for messages and logs)."""
    return _NAMES.get(_u32(hr), f"0x{_u32(hr):08X}")


def pcsc_error(hr: int, *, stage: str, reader: str = "") -> CardError:
    """The typed error for a failed PC/SC call.

    ``stage``: ``context`` (establishing or using the context), ``list``,
    ``status``, ``connect`` or ``transmit``; the same code can mean different
    things (a removed card is ``NoCard`` when connecting, ``CardRemoved`` while
    transmitting).
    """
    code = _u32(hr)
    where = f"{reader}: " if reader else ""
    what = f"{where}PC/SC {code_name(code)}"
    if code in SERVICE_DOWN and not (stage == "transmit" and code == _u32(scard.SCARD_E_INVALID_HANDLE)):
        return ReaderServiceDown(f"the PC/SC service is not available ({what})")
    if stage == "transmit":
        if code in _TIMEOUT:
            return CardTimeout(f"the card did not answer in time ({what})")
        if code in _UNSUPPORTED:
            return CardNotServed(f"the card cannot be served here ({what})", reason="no_ssc_application")
        return CardRemoved(f"the card left the reader during a command ({what})")
    if code in _NO_READER:
        if code == _u32(scard.SCARD_E_SHARING_VIOLATION):
            return NoReader(f"the reader is in use by another program ({what})")
        return NoReader(f"no such card reader ({what})")
    if code in _NO_CARD:
        return NoCard(f"no card in the reader ({what})")
    if code in _TIMEOUT:
        return CardTimeout(f"the card does not answer ({what})")
    if code in _UNSUPPORTED:
        return CardNotServed(f"the card cannot be served here ({what})", reason="no_ssc_application")
    if code in _CARD_GONE:
        return NoCard(f"the card is not usable ({what})")
    if stage in ("context", "list"):
        return ReaderServiceDown(f"the PC/SC service failed ({what})")
    return NoCard(f"the card could not be reached ({what})")


def _call(fn: Callable[..., Any], *args: Any) -> tuple:
    """Call a pyscard function; a Python exception becomes ``SCARD_F_UNKNOWN_ERROR``.

    Always returns a tuple whose first item is the PC/SC result.
    """
    try:
        out = fn(*args)
    except Exception as exc:  # noqa: BLE001 - nothing of pyscard's may escape
        log.debug("pyscard %s raised %s", getattr(fn, "__name__", fn), type(exc).__name__)
        return (_PYSCARD_FAILED, None, None, None, None)
    if isinstance(out, (tuple, list)):
        return (_u32(out[0]),) + tuple(out[1:])
    return (_u32(out),)


def establish_context() -> int:
    """A new PC/SC context (raises ReaderServiceDown)."""
    hr, ctx = _call(scard.SCardEstablishContext, scard.SCARD_SCOPE_USER)[:2]
    if hr != OK:
        raise pcsc_error(hr, stage="context")
    return ctx


def release_context(ctx: int | None) -> None:
    if ctx is not None:
        _call(scard.SCardReleaseContext, ctx)


class _SharedContext:
    """A context kept between calls, made again once when pcscd has restarted."""

    def __init__(self) -> None:
        self._ctx: int | None = None
        self._lock = threading.Lock()

    def run(self, fn: Callable[[int], tuple]) -> tuple:
        with self._lock:
            for attempt in (0, 1):
                if self._ctx is None:
                    self._ctx = establish_context()
                out = fn(self._ctx)
                if out[0] in STALE_CONTEXT and attempt == 0:
                    release_context(self._ctx)
                    self._ctx = None
                    continue
                return out
            raise AssertionError("unreachable")

    def close(self) -> None:
        with self._lock:
            release_context(self._ctx)
            self._ctx = None


def list_readers(ctx: int) -> tuple[int, list[str]]:
    """(result, names) with "no readers" turned into success and []."""
    hr, names = _call(scard.SCardListReaders, ctx, [])[:2]
    if hr == NO_READERS:
        return OK, []
    return hr, list(names or []) if hr == OK else []


def reader_state(ctx: int, reader: str) -> tuple[int, int, bytes]:
    """(result, event state, ATR) of ``reader`` right now."""
    hr, states = _call(scard.SCardGetStatusChange, ctx, 0,
                       [(reader, scard.SCARD_STATE_UNAWARE)])[:2]
    if hr == TIMEOUT:
        hr = OK
    if hr != OK or not states:
        return hr, 0, b""
    _, event, atr = states[0]
    if event & scard.SCARD_STATE_UNKNOWN:
        return UNKNOWN_READER, event, b""
    return OK, event, bytes(atr or b"")


class PcscBackend:
    """Readers and cards through pcscd (a :class:`ReaderBackend`)."""

    def __init__(self, timeout: float = DEFAULT_TIMEOUT_S):
        self.timeout = timeout
        self._context = _SharedContext()

    def readers(self) -> list[str]:
        hr, names = self._context.run(list_readers)
        if hr != OK:
            raise pcsc_error(hr, stage="list")
        return names

    def has_card(self, reader: str) -> bool:
        """True when ``reader`` holds a card (raises NoReader when there is no such reader)."""
        hr, event, _ = self._context.run(lambda ctx: reader_state(ctx, reader))
        if hr != OK:
            raise pcsc_error(hr, stage="status", reader=reader)
        return bool(event & scard.SCARD_STATE_PRESENT)

    def connect(self, reader: str, *, timeout: float | None = None) -> "PcscTransport":
        return PcscTransport(reader, timeout=self.timeout if timeout is None else timeout)

    def close(self) -> None:
        self._context.close()


class _Job:
    __slots__ = ("fn", "done", "result", "error")

    def __init__(self, fn: Callable[[], Any]):
        self.fn = fn
        self.done = threading.Event()
        self.result: Any = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.result = self.fn()
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            self.error = exc
        finally:
            self.done.set()


_STOP = object()


class PcscTransport:
    """One connection to the card in ``reader`` (a :class:`Transport`).

    Constructing it connects (bounded by ``timeout``); raises ReaderServiceDown,
    NoReader, NoCard, CardTimeout or CardNotServed.
    """

    def __init__(self, reader: str, *, timeout: float = DEFAULT_TIMEOUT_S,
                 share: int = scard.SCARD_SHARE_SHARED):
        self.reader = reader
        self.timeout = timeout
        self._share = share
        self._ctx: int | None = None
        self._card: int | None = None
        self._protocol = scard.SCARD_PROTOCOL_UNDEFINED
        self._atr = b""
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._closed = False
        self._abandoned = False
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._work, name=f"pcsc:{reader}", daemon=True)
        self._thread.start()
        try:
            self._run(self._connect, timeout, what="connecting")
        except BaseException:
            self._finish()
            raise

    # -- the worker ----------------------------------------------------------

    def _work(self) -> None:
        try:
            while True:
                job = self._jobs.get()
                if job is _STOP:
                    break
                job.run()
                if self._abandoned:
                    break
        finally:
            self._release()

    def _release(self) -> None:
        """On the worker: disconnect (reset the card after a timeout) and free the context."""
        if self._card is not None:
            disposition = scard.SCARD_RESET_CARD if self._abandoned else scard.SCARD_LEAVE_CARD
            _call(scard.SCardDisconnect, self._card, disposition)
            self._card = None
        release_context(self._ctx)
        self._ctx = None
        log.debug("%s: connection released", self.reader)

    def _run(self, fn: Callable[[], Any], timeout: float, *, what: str) -> Any:
        job = _Job(fn)
        with self._lock:
            if self._abandoned:
                raise CardTimeout(f"{self.reader}: the connection was abandoned after a timeout")
            if self._closed:
                raise CardRemoved(f"{self.reader}: the connection to the card is closed")
            self._jobs.put(job)
        if not job.done.wait(timeout):
            with self._lock:
                self._abandoned = True
                self._jobs.put(_STOP)
            log.warning("%s: no answer within %.1f s while %s; connection abandoned",
                        self.reader, timeout, what)
            raise CardTimeout(f"{self.reader}: the card did not answer within {timeout:g} s")
        if job.error is not None:
            raise job.error
        return job.result

    def _connect(self) -> None:
        self._ctx = establish_context()
        hr, card, protocol = _call(scard.SCardConnect, self._ctx, self.reader, self._share,
                                   scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1)[:3]
        if hr != OK:
            raise pcsc_error(hr, stage="connect", reader=self.reader)
        self._card, self._protocol = card, protocol
        hr, _, _, _, atr = _call(scard.SCardStatus, card)[:5]
        if hr != OK:
            raise pcsc_error(hr, stage="connect", reader=self.reader)
        self._atr = bytes(atr or b"")
        log.debug("%s: connected, T=%d", self.reader,
                  0 if protocol == scard.SCARD_PROTOCOL_T0 else 1)

    def _transmit(self, apdu: bytes) -> bytes:
        hr, response = _call(scard.SCardTransmit, self._card, self._protocol, list(apdu))[:2]
        if hr != OK:
            raise pcsc_error(hr, stage="transmit", reader=self.reader)
        if not response:
            raise CardRemoved(f"the card left the reader during a command ({self.reader}: empty answer)")
        return bytes(response)

    # -- the Transport interface -------------------------------------------

    @property
    def protocol(self) -> str:
        return "T=0" if self._protocol == scard.SCARD_PROTOCOL_T0 else "T=1"

    def atr(self) -> bytes:
        return self._atr

    def transmit(self, apdu: bytes, *, timeout: float | None = None) -> bytes:
        """Send one APDU; data + SW1 SW2 back. Raises CardRemoved, CardTimeout, ReaderServiceDown."""
        apdu = bytes(apdu)
        if not 4 <= len(apdu) <= 65544:
            raise ValueError("an APDU has 4 to 65544 bytes")
        return self._run(lambda: self._transmit(apdu),
                         self.timeout if timeout is None else timeout, what="transmitting")

    def close(self, timeout: float = 1.0) -> None:
        """Disconnect (leaving the card as it is). Idempotent; returns within ``timeout``."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            self._jobs.put(_STOP)
            if self._abandoned:
                return                    # the worker cleans up when pcscd lets it go
        self._thread.join(timeout)

    def _finish(self) -> None:
        with self._lock:
            self._closed = True
            self._jobs.put(_STOP)

    @property
    def abandoned(self) -> bool:
        return self._abandoned

    def __enter__(self) -> "PcscTransport":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "abandoned" if self._abandoned else "closed" if self._closed else "open"
        return f"PcscTransport({self.reader!r}, {state})"


def first_reader_with_card(backend: ReaderBackend, name: str | None = None) -> str:
    """The reader to use: ``name`` (exact, else the one reader whose name contains
    it, ignoring case), or the first reader that holds a card.

    Raises ReaderServiceDown, NoReader (none, or no such reader) or NoCard.
    """
    readers = backend.readers()
    if name is not None:
        if name not in readers:
            matches = [r for r in readers if name.lower() in r.lower()]
            if len(matches) != 1:
                raise NoReader(f"no reader named {name!r}" if not matches
                               else f"{name!r} names several readers: {', '.join(matches)}")
            name = matches[0]
        if not backend.has_card(name):
            raise NoCard(f"no card in {name}")
        return name
    if not readers:
        raise NoReader("no card reader is connected")
    for reader in readers:
        try:
            if backend.has_card(reader):
                return reader
        except NoReader:
            continue                      # it vanished while we looked
    raise NoCard("no card in any reader")
