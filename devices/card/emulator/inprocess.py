"""Readers in the same process: software cards without pcscd.

:class:`EmulatedReaders` is both a :class:`~devices.card.transport.ReaderBackend`
and a :class:`~devices.card.events.CardWatcher`, so the kiosk, the unit tests
and the demo panel run the real card code path (CardChannel, the SSC
protocol, the workflows) against :class:`SoftCard` objects they can insert,
pull out and misbehave on demand.

It behaves like a reader where the kiosk can tell: a command is bounded by
the transport's timeout even when the card is slow (``CardTimeout`` after the
timeout, not after the card's delay), a card pulled out before or during a
command gives ``CardRemoved``, and a connection does not survive the card
being taken out and put back (connect again, as with PC/SC).

Events are delivered synchronously, in order, on the thread that caused them
(the demo panel's GUI thread for insert/remove, a card worker for a card that
vanishes); the UI re-emits them as queued signals. ``start``/``stop`` exist
for the watcher protocol and do nothing: there is nothing to poll.
"""

from __future__ import annotations

import logging
import threading
from typing import Callable, Iterable

from kiosk.errors import CardError, CardRemoved, CardTimeout, NoCard, NoReader

from ..events import CardEvent, Subscriber
from ..transport import DEFAULT_TIMEOUT_S
from .card import CardVanished, CommandAborted, SoftCard

log = logging.getLogger(__name__)

DEFAULT_READER = "Emulated Reader 0"
_JOIN_S = 1.0


class _Slot:
    """One reader; ``insertion`` changes whenever its card goes in or out."""

    def __init__(self, name: str):
        self.name = name
        self.card: SoftCard | None = None
        self.insertion = 0
        self.waiters: set[threading.Event] = set()


class EmulatedReaders:
    """Named in-process readers holding software cards; thread-safe."""

    def __init__(self, readers: Iterable[str] = (DEFAULT_READER,), *,
                 timeout_s: float = DEFAULT_TIMEOUT_S):
        self.timeout_s = timeout_s
        self._lock = threading.RLock()        # readers and cards
        self._dispatch = threading.RLock()    # keeps events in order; taken first
        self._slots: dict[str, _Slot] = {name: _Slot(name) for name in readers}
        self._subscribers: list[Subscriber] = []

    # --- ReaderBackend ---------------------------------------------------------
    def readers(self) -> list[str]:
        with self._lock:
            return list(self._slots)

    def has_card(self, reader: str) -> bool:
        """Whether ``reader`` holds a card (NoReader for a reader that is not there)."""
        with self._lock:
            return self._slot(reader).card is not None

    def card_in(self, reader: str) -> SoftCard | None:
        """The software card in ``reader`` (for the demo panel and tests)."""
        with self._lock:
            return self._slot(reader).card

    def connect(self, reader: str) -> "EmulatedTransport":
        with self._lock:
            slot = self._slot(reader)
            if slot.card is None:
                raise NoCard(f"no card in {reader}")
            return EmulatedTransport(self, slot, slot.card, slot.insertion, self.timeout_s)

    def _slot(self, reader: str) -> _Slot:
        slot = self._slots.get(reader)
        if slot is None:
            raise NoReader(f"no reader named {reader!r}")
        return slot

    # --- control API ---------------------------------------------------------------
    def add_reader(self, name: str) -> None:
        with self._dispatch:
            with self._lock:
                if name in self._slots:
                    raise ValueError(f"a reader named {name!r} exists already")
                self._slots[name] = _Slot(name)
            self._emit([CardEvent("reader_added", name)])

    def remove_reader(self, name: str) -> None:
        """Unplug a reader; a card in it is removed first (``removed`` then ``reader_removed``)."""
        with self._dispatch:
            with self._lock:
                slot = self._slot(name)
                events = self._take_out(slot)
                slot.insertion += 1
                del self._slots[name]
            self._emit(events + [CardEvent("reader_removed", name)])

    def insert(self, reader: str, card: SoftCard) -> None:
        """Put ``card`` in ``reader`` (a card already there is taken out first)."""
        with self._dispatch:
            with self._lock:
                slot = self._slot(reader)
                for other in self._slots.values():
                    if other.card is card:
                        raise ValueError(f"that card is already in {other.name}")
                events = self._take_out(slot)
                slot.card = card
                slot.insertion += 1
                card.power_on()
                events.append(CardEvent("inserted", reader, card.atr))
            self._emit(events)

    def remove(self, reader: str) -> bool:
        """Take the card out of ``reader``; False when it held none."""
        with self._dispatch:
            with self._lock:
                events = self._take_out(self._slot(reader))
            self._emit(events)
        return bool(events)

    def _take_out(self, slot: _Slot) -> list[CardEvent]:
        if slot.card is None:
            return []
        slot.card.power_off()
        slot.card = None
        slot.insertion += 1
        for waiter in slot.waiters:
            waiter.set()                   # a command in flight learns at once
        return [CardEvent("removed", slot.name)]

    def _vanished(self, transport: "EmulatedTransport") -> None:
        """The card left during a command (vanish fault): as if pulled out."""
        with self._dispatch:
            with self._lock:
                events = self._take_out(transport._slot) if self._current(transport) else []
            self._emit(events)

    def _current(self, transport: "EmulatedTransport") -> bool:
        slot = transport._slot
        return self._slots.get(slot.name) is slot and slot.insertion == transport._insertion

    # --- CardWatcher ---------------------------------------------------------------------
    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        """Register ``callback``; it hears ``inserted`` at once for cards already in."""
        with self._dispatch:
            with self._lock:
                self._subscribers.append(callback)
                present = [CardEvent("inserted", s.name, s.card.atr)
                           for s in self._slots.values() if s.card is not None]
            self._emit(present, only=callback)

        def unsubscribe() -> None:
            with self._lock:
                if callback in self._subscribers:
                    self._subscribers.remove(callback)

        return unsubscribe

    def start(self) -> None:
        """Nothing to start: events come from the control API itself."""

    def stop(self) -> None:
        """Nothing to stop."""

    def _emit(self, events: list[CardEvent], only: Subscriber | None = None) -> None:
        if not events:
            return
        with self._lock:
            targets = [only] if only is not None else list(self._subscribers)
        for event in events:
            for callback in targets:
                try:
                    callback(event)
                except Exception:  # one broken subscriber must not silence the others
                    log.exception("a card event subscriber failed on %s", event.kind)


class EmulatedTransport:
    """A connection to one software card, as long as it stays in its reader."""

    def __init__(self, backend: EmulatedReaders, slot: _Slot, card: SoftCard,
                 insertion: int, timeout_s: float):
        self.reader = slot.name
        self.timeout_s = timeout_s
        self._backend = backend
        self._slot = slot
        self._card = card
        self._insertion = insertion
        self._atr = card.atr
        self._closed = False

    def atr(self) -> bytes:
        return self._atr

    def close(self) -> None:
        """Leave the card as it is (no reset), like SCardDisconnect(LEAVE_CARD)."""
        self._closed = True

    def transmit(self, apdu: bytes) -> bytes:
        if self._closed:
            raise CardError("the connection to the card is closed")
        wake = threading.Event()
        with self._backend._lock:
            self._ensure_present()
            self._slot.waiters.add(wake)
        try:
            if self._card.faults.delay_s > 0:
                answer = self._bounded(apdu, wake)
            else:
                answer = self._direct(apdu)
        finally:
            with self._backend._lock:
                self._slot.waiters.discard(wake)
        with self._backend._lock:
            self._ensure_present()         # pulled out while it answered
        return answer

    def _ensure_present(self) -> None:
        if not self._backend._current(self):
            raise CardRemoved(f"the card left {self.reader}")

    def _direct(self, apdu: bytes) -> bytes:
        try:
            return self._card.transmit(apdu)
        except CardVanished:
            self._backend._vanished(self)
            raise CardRemoved(f"the card left {self.reader} during the command") from None

    def _bounded(self, apdu: bytes, wake: threading.Event) -> bytes:
        """Run a slow card on a worker so the caller waits at most ``timeout_s``."""
        box: dict[str, object] = {}
        cancel = threading.Event()

        def work() -> None:
            try:
                box["answer"] = self._card.transmit(apdu, cancel=cancel)
            except BaseException as exc:  # handed to the caller below
                box["error"] = exc
            finally:
                wake.set()

        worker = threading.Thread(target=work, name=f"softcard-cmd {self.reader}", daemon=True)
        worker.start()
        wake.wait(self.timeout_s)
        if not box:                        # timed out, or the card was pulled out
            cancel.set()
            worker.join(_JOIN_S)
            with self._backend._lock:
                self._ensure_present()
            raise CardTimeout(f"the card in {self.reader} did not answer within "
                              f"{self.timeout_s:.1f} s")
        worker.join(_JOIN_S)
        error = box.get("error")
        if isinstance(error, CardVanished):
            self._backend._vanished(self)
            raise CardRemoved(f"the card left {self.reader} during the command") from None
        if isinstance(error, CommandAborted):
            raise CardRemoved(f"the card left {self.reader} during the command") from None
        if error is not None:
            raise error  # type: ignore[misc]
        return box["answer"]  # type: ignore[return-value]
