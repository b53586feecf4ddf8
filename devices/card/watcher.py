"""Card and reader events from pcscd, on a loop of our own that survives pcscd restarts.

pyscard's ``CardMonitor`` dies with pcscd; :class:`PcscWatcher` instead runs
its own thread around ``SCardGetStatusChange`` (at most ``poll_ms`` per call,
with the ``\\\\?PnP?\\Notification`` pseudo-reader so a reader appearing wakes
it) and lists the readers on every turn, so it sees:

- ``reader_added`` for every reader, including those present at start;
- ``inserted`` (with the ATR; ``None`` for a mute card) for every card,
  including one already in a reader at start; ``removed`` when it leaves
  (a card swapped between two polls gives ``removed`` then ``inserted``);
- ``removed`` (if it held a card) then ``reader_removed`` when a reader goes;
- ``service_down`` once when pcscd stops (or is not running at start),
  preceded by ``removed`` for every card that was present: every connection
  died with the service, so ``inserted`` and ``removed`` always pair up. The
  context is re-established every ``retry_s`` (0.25 s); when pcscd answers
  again: ``service_up``, then ``reader_removed`` / ``reader_added`` for the
  readers that differ from before the outage, then ``inserted`` for every
  card present (as soon as pcscd has seen it: well under a second with vpcd).

A subscriber that joins while the watcher runs first gets the current picture
(``service_down`` if the service is down, else ``reader_added`` for each
reader and ``inserted`` for each card), then the live events. Subscribers
are called on the watcher thread, one after the other; one that raises is
logged and does not disturb the others or the watcher. ``stop()`` cancels
the pending wait (``SCardCancel``) and returns within about 2 s.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Callable

from smartcard import scard

from kiosk.errors import ReaderServiceDown

from .events import CardEvent, Subscriber
from .pcsc import (
    OK,
    SERVICE_DOWN,
    TIMEOUT,
    UNKNOWN_READER,
    _call,
    _u32,
    code_name,
    establish_context,
    list_readers,
    release_context,
)

log = logging.getLogger(__name__)

PNP_READER = "\\\\?PnP?\\Notification"
CANCELLED = _u32(scard.SCARD_E_CANCELLED)
_CHANGED = scard.SCARD_STATE_CHANGED


@dataclass
class _Reader:
    current: int = scard.SCARD_STATE_UNAWARE   # what we pass as dwCurrentState
    present: bool = False
    atr: bytes | None = None
    count: int | None = None                   # pcsc-lite's event counter (high word)


class PcscWatcher:
    """A :class:`CardWatcher` on pcscd."""

    def __init__(self, *, poll_ms: int = 400, retry_s: float = 0.25):
        if not 0 < poll_ms <= 500:
            raise ValueError("poll_ms must be in 1..500")
        self.poll_ms = poll_ms
        self.retry_s = retry_s
        self._subscribers: list[Subscriber] = []
        self._joining: list[Subscriber] = []     # waiting for their first picture
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._ctx: int | None = None
        self._readers: dict[str, _Reader] = {}
        self._service: bool | None = None        # None: not known yet

    # -- the CardWatcher interface -----------------------------------------

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                self._joining.append(callback)
                wake = True
            else:
                self._subscribers.append(callback)
                wake = False
        if wake:
            self._cancel_wait()

        def unsubscribe() -> None:
            with self._lock:
                for group in (self._subscribers, self._joining):
                    if callback in group:
                        group.remove(callback)

        return unsubscribe

    def start(self) -> None:
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            self._stopping.clear()
            self._readers = {}
            self._service = None
            self._subscribers.extend(self._joining)
            self._joining.clear()
            self._thread = threading.Thread(target=self._run, name="pcsc-watcher", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        self._stopping.set()
        self._cancel_wait()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
            if thread.is_alive():
                log.warning("the PC/SC watcher did not stop within %.1f s", timeout)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def cards(self) -> dict[str, bytes | None]:
        """Readers that hold a card now, with the card's ATR (as last seen)."""
        with self._lock:
            return {name: r.atr for name, r in self._readers.items() if r.present}

    def readers(self) -> list[str]:
        with self._lock:
            return list(self._readers)

    @property
    def service_up(self) -> bool | None:
        return self._service

    def __enter__(self) -> "PcscWatcher":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- the thread --------------------------------------------------------

    def _cancel_wait(self) -> None:
        ctx = self._ctx
        if ctx is not None:
            _call(scard.SCardCancel, ctx)

    def _emit(self, event: CardEvent, to: list[Subscriber] | None = None) -> None:
        if to is None:
            with self._lock:
                to = list(self._subscribers)
        for callback in to:
            try:
                callback(event)
            except Exception:  # noqa: BLE001 - a subscriber must not kill the watcher
                log.exception("a card event subscriber failed on %s", event.kind)

    def _welcome(self) -> None:
        """Give subscribers that joined while running the current picture, then let them in."""
        with self._lock:
            joining, self._joining = self._joining, []
            readers = {name: (r.present, r.atr) for name, r in self._readers.items()}
        if not joining:
            return
        if self._service is False:
            self._emit(CardEvent("service_down"), joining)
        else:
            for name in readers:
                self._emit(CardEvent("reader_added", name), joining)
            for name, (present, atr) in readers.items():
                if present:
                    self._emit(CardEvent("inserted", name, atr), joining)
        with self._lock:
            self._subscribers.extend(joining)

    def _run(self) -> None:
        try:
            while not self._stopping.is_set():
                try:
                    self._loop()
                except Exception:  # noqa: BLE001 - last resort: say so, start over
                    log.exception("the PC/SC watcher failed; starting over")
                    self._service_lost("watcher error")
                    self._stopping.wait(self.retry_s)
        finally:
            ctx, self._ctx = self._ctx, None
            release_context(ctx)

    def _service_lost(self, why: str) -> None:
        ctx, self._ctx = self._ctx, None
        release_context(ctx)
        if self._service is not False:
            log.info("PC/SC service down (%s)", why)
            with self._lock:
                self._service = False
                had_card = [name for name, r in self._readers.items() if r.present]
                for reader in self._readers.values():
                    reader.current = scard.SCARD_STATE_UNAWARE
                    reader.present, reader.atr, reader.count = False, None, None
            for name in had_card:
                self._emit(CardEvent("removed", name))
            self._emit(CardEvent("service_down"))

    def _loop(self) -> None:
        while not self._stopping.is_set():
            self._welcome()
            if self._ctx is None:
                try:
                    self._ctx = establish_context()
                except ReaderServiceDown:
                    self._service_lost("no context")
                    self._stopping.wait(self.retry_s)
                    continue
            hr, names = list_readers(self._ctx)
            if hr != OK:
                self._failed(hr)
                continue
            if self._service is not True:
                was_down = self._service is False
                self._service = True
                if was_down:
                    log.info("PC/SC service up again")
                    self._emit(CardEvent("service_up"))
            self._sync_readers(names)
            self._wait_for_change(len(names))

    def _failed(self, hr: int) -> None:
        if hr in SERVICE_DOWN:
            self._service_lost(code_name(hr))
        else:
            log.warning("PC/SC watcher: %s", code_name(hr))
            self._stopping.wait(0.2)

    def _sync_readers(self, names: list[str]) -> None:
        gone = [n for n in self._readers if n not in names]
        new = [n for n in dict.fromkeys(names) if n not in self._readers]
        for name in gone:
            with self._lock:
                reader = self._readers.pop(name)
            if reader.present:
                self._emit(CardEvent("removed", name))
            self._emit(CardEvent("reader_removed", name))
        for name in new:
            with self._lock:
                self._readers[name] = _Reader()
            self._emit(CardEvent("reader_added", name))

    def _wait_for_change(self, reader_count: int) -> None:
        states = [(PNP_READER, (reader_count << 16) & 0xFFFF0000)]
        states += [(name, r.current) for name, r in self._readers.items()]
        hr, results = _call(scard.SCardGetStatusChange, self._ctx, self.poll_ms, states)[:2]
        if hr in (TIMEOUT, CANCELLED, UNKNOWN_READER):
            return                      # nothing new / woken / list changed: list again
        if hr != OK:
            self._failed(hr)
            return
        for name, event, atr in results or []:
            if name == PNP_READER or name not in self._readers:
                continue
            self._update(name, event, bytes(atr or b""))

    def _update(self, name: str, event: int, atr: bytes) -> None:
        reader = self._readers[name]
        if event & scard.SCARD_STATE_UNKNOWN:
            return                      # vanished: the next listing says so
        present = bool(event & scard.SCARD_STATE_PRESENT)
        count = (event >> 16) & 0xFFFF
        card_atr = atr if present and atr and not event & scard.SCARD_STATE_MUTE else None
        swapped = (present and reader.present and reader.count is not None
                   and count != reader.count)
        was_present = reader.present
        with self._lock:
            reader.current = event & ~_CHANGED
            reader.present, reader.atr, reader.count = present, card_atr, count
        if was_present and (not present or swapped):
            self._emit(CardEvent("removed", name))
        if present and (not was_present or swapped):
            self._emit(CardEvent("inserted", name, card_atr))
