"""The e2e layer's fixtures: a real pcscd with vpcd readers, and cards in them.

- ``pcscd`` (one for the whole e2e package, released as soon as it is done):
  our own pcscd (``devices/card/pcscd_harness.py``) on a free port pair from
  35990 (not vpcd's default 35963, which a demo may use); its log is in the
  session's temporary directory. There is one pcscd per machine: when another
  test session holds it, this one waits (``LOCK_WAIT_S``) for its turn.
- ``daemon``: the same pcscd for one test, put back (running, one vpcd entry)
  afterwards, whatever the test did to it.
- ``card``: a card in reader 0, parametrized over the independent card
  (``tests/support/independent_card.py``) and the project's SoftCard behind
  its VpcdBridge; ``independent_card`` / ``soft_card`` for one of them.
- ``watch()``: starts a :class:`PcscWatcher` with an event recorder.

Every fixture stops what it started, even when the test fails, and a guard
checks that no card, bridge, watcher or transport thread outlives its test.
The session-wide PIN guard (``tests/support/pin_leaks.py``) covers these tests
and the pcscd log too.
"""

from __future__ import annotations

import threading
import time
from typing import Callable

import pytest

from devices.card.events import CardEvent
from devices.card.pcsc import PcscBackend
from devices.card.pcscd_harness import DEFAULT_NAME, Pcscd, PcscdBusy, PcscdError, free_port_pair
from devices.card.watcher import PcscWatcher
from kiosk.errors import KioskError
from tests.support.independent_card import IndependentCard
from tests.support.pin_leaks import no_pin_in_logs, watch_file  # noqa: F401 - the session-wide PIN guard

E2E_FIRST_PORT = 35990
LOCK_WAIT_S = 120.0
#: per-test bound of the e2e modules: the first test may wait for the pcscd lock
E2E_TIMEOUT_S = LOCK_WAIT_S + 60
_OUR_THREADS = ("pcsc-watcher", "pcsc:", "independent-card", "vpcd-bridge")


def wait_until(predicate: Callable[[], bool], timeout: float = 3.0, interval: float = 0.02) -> bool:
    """Poll ``predicate`` (typed card errors count as False) until true or ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if predicate():
                return True
        except KioskError:
            pass
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


# --- pcscd ----------------------------------------------------------------------

@pytest.fixture(scope="package")
def pcscd(tmp_path_factory):
    from tests.conftest import e2e_unavailable

    reason = e2e_unavailable()
    if reason:
        pytest.skip(f"e2e: {reason}")
    daemon = Pcscd(port=free_port_pair(E2E_FIRST_PORT), readers=1,
                   workdir=tmp_path_factory.mktemp("pcscd"), log_level="info",
                   lock_timeout=LOCK_WAIT_S)
    try:
        daemon.start()
    except PcscdBusy as exc:
        daemon.close()
        pytest.skip(f"e2e: {exc}")
    except PcscdError as exc:
        daemon.close()
        pytest.fail(f"pcscd did not start: {exc}")
    watch_file(daemon.log_path)                 # scanned for PINs at the end of the session
    yield daemon
    daemon.close()


@pytest.fixture
def daemon(pcscd):
    yield pcscd
    if not pcscd.running or pcscd.readers != 1 or pcscd.name != DEFAULT_NAME:
        pcscd.restart(readers=1, name=DEFAULT_NAME)


@pytest.fixture
def reader(daemon) -> str:
    return daemon.reader_names[0]


@pytest.fixture
def backend():
    b = PcscBackend()
    yield b
    b.close()


@pytest.fixture(autouse=True)
def _no_leftover_threads():
    before = set(threading.enumerate())
    yield

    def ours():
        return [t for t in threading.enumerate()
                if t not in before and t.is_alive() and t.name.startswith(_OUR_THREADS)]

    wait_until(lambda: not ours(), timeout=3.0)
    left = ours()
    assert not left, f"threads left running after the test: {[t.name for t in left]}"


# --- cards --------------------------------------------------------------------------

class CardInReader:
    """A software card in a vpcd reader, whichever implementation: one small API."""

    kind = ""
    atr = b""

    def __init__(self, daemon: Pcscd, slot: int = 0):
        self.daemon = daemon
        self.reader = daemon.reader_names[slot]
        self.port = daemon.slot_port(slot)

    def start(self) -> None: ...
    def insert(self) -> None: ...
    def remove(self) -> None: ...
    def slow(self, seconds: float) -> None: ...
    def stop(self) -> None: ...

    def present(self) -> bool:
        backend = PcscBackend()
        try:
            return backend.has_card(self.reader)
        finally:
            backend.close()

    def wait_present(self, timeout: float = 3.0) -> None:
        assert wait_until(self.present, timeout), f"pcscd did not see the {self.kind} card in {self.reader}"

    def wait_absent(self, timeout: float = 3.0) -> None:
        assert wait_until(lambda: not self.present(), timeout), f"pcscd still sees a card in {self.reader}"


class IndependentInReader(CardInReader):
    kind = "independent"

    def __init__(self, daemon: Pcscd, slot: int = 0):
        super().__init__(daemon, slot)
        self.card = IndependentCard()
        self.atr = self.card.atr

    def start(self) -> None:
        self.card.start(self.port)

    def insert(self) -> None:
        self.card.insert()

    def remove(self) -> None:
        self.card.remove()

    def slow(self, seconds: float) -> None:
        self.card.set_delay(None, seconds)

    def stop(self) -> None:
        self.card.clear_delays()
        self.card.stop()


class SoftCardInReader(CardInReader):
    kind = "softcard"

    def __init__(self, daemon: Pcscd, slot: int = 0):
        super().__init__(daemon, slot)
        from devices.card import emulator
        self.card = emulator.SoftCard(emulator.load_profile(emulator.demo_profiles()["ordinary"]),
                                      state_path=None)
        self.bridge = emulator.VpcdBridge(self.card, port=self.port)
        self.atr = self.card.atr

    def start(self) -> None:
        self.bridge.start()

    def insert(self) -> None:
        self.bridge.insert(self.card)

    def remove(self) -> None:
        self.bridge.remove()

    def slow(self, seconds: float) -> None:
        self.card.faults.delay_s = seconds

    def stop(self) -> None:
        self.card.faults.clear()
        self.bridge.stop()


CARD_KINDS = {"independent": IndependentInReader, "softcard": SoftCardInReader}


def _card_fixture(daemon: Pcscd, kind: str, *, present: bool = True):
    holder = CARD_KINDS[kind](daemon)
    try:
        holder.start()
        if present:
            holder.wait_present()
        yield holder
    finally:
        holder.stop()
        if daemon.running and daemon.readers:
            holder.wait_absent()        # the next test starts with an empty reader


@pytest.fixture(params=sorted(CARD_KINDS))
def card(request, daemon):
    """A card already seen by pcscd in reader 0 (each implementation in turn)."""
    yield from _card_fixture(daemon, request.param)


@pytest.fixture
def independent_card(daemon):
    yield from _card_fixture(daemon, "independent")


@pytest.fixture
def soft_card(daemon):
    yield from _card_fixture(daemon, "softcard")


# --- the watcher ------------------------------------------------------------------------

class Recorder:
    """Collects card events (called on the watcher thread) for the test to wait on."""

    def __init__(self):
        self.events: list[tuple[float, CardEvent]] = []
        self._cond = threading.Condition()

    def __call__(self, event: CardEvent) -> None:
        with self._cond:
            self.events.append((time.monotonic(), event))
            self._cond.notify_all()

    def mark(self) -> int:
        with self._cond:
            return len(self.events)

    def kinds(self, since: int = 0) -> list[tuple[str, str]]:
        with self._cond:
            return [(e.kind, e.reader) for _, e in self.events[since:]]

    def wait_for(self, kind: str, reader: str | None = None, *, since: int = 0,
                 timeout: float = 3.0) -> tuple[float, CardEvent]:
        """The first ``kind`` event (for ``reader``) at index ``since`` or later, with its time."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for at, event in self.events[since:]:
                    if event.kind == kind and (reader is None or event.reader == reader):
                        return at, event
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no {kind} event for {reader or 'any reader'} within "
                                         f"{timeout} s; got {self.kinds(since)}")
                self._cond.wait(left)


@pytest.fixture
def watch(daemon):
    """``watch()`` → (watcher, recorder), started; stopped after the test."""
    started: list[PcscWatcher] = []

    def make(*, start: bool = True) -> tuple[PcscWatcher, Recorder]:
        watcher, recorder = PcscWatcher(), Recorder()
        watcher.subscribe(recorder)
        started.append(watcher)
        if start:
            watcher.start()
        return watcher, recorder

    yield make
    for watcher in started:
        watcher.stop()
    assert not any(w.running for w in started), "a watcher did not stop"


def wait_reader_state(daemon: Pcscd, *, present: bool, slot: int = 0, timeout: float = 3.0) -> None:
    """Wait until pcscd sees reader ``slot`` with (or without) a card.

    pcscd notices an arrival or a departure within ~0.4 s; a card put in before it
    noticed the last one leave would be taken for the old one (a person cannot swap
    cards that fast; a test can).
    """
    backend = PcscBackend()
    try:
        ok = wait_until(lambda: backend.has_card(daemon.reader_names[slot]) == present, timeout)
    finally:
        backend.close()
    assert ok, f"pcscd did not see reader {slot} {'with' if present else 'without'} a card"
