"""The in-process readers: what the kiosk and the demo panel rely on.

Events, bounded commands, removal during a command and thread safety, seen
from the outside (ReaderBackend, CardWatcher, CardChannel).
"""

from __future__ import annotations

import threading
import time

import pytest

from devices.card.emulator import (DEFAULT_READER, SSC_AID, EmulatedReaders, SoftCard,
                                   demo_profiles, load_profile)
from devices.card.events import CardEvent
from devices.card.transport import DEFAULT_TIMEOUT_S, CardChannel
from kiosk.errors import CardError, CardRemoved, CardTimeout, NoCard, NoReader

pytestmark = pytest.mark.timeout(30)

H = bytes.fromhex
SELECT_SSC = H("00A404000F") + SSC_AID


def card(name: str = "ordinary") -> SoftCard:
    return SoftCard(load_profile(demo_profiles()[name]), state_path=None)


def softcard_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("softcard-")]


@pytest.fixture
def readers():
    backend = EmulatedReaders()
    yield backend
    deadline = time.monotonic() + 2
    while softcard_threads() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not softcard_threads(), "a card worker thread outlived its test"


@pytest.fixture
def events(readers):
    seen: list[CardEvent] = []
    unsubscribe = readers.subscribe(seen.append)
    yield seen
    unsubscribe()


# --- the reader backend ------------------------------------------------------------

def test_one_default_reader_and_typed_errors(readers):
    assert readers.readers() == [DEFAULT_READER]
    assert readers.timeout_s == DEFAULT_TIMEOUT_S
    assert not readers.has_card(DEFAULT_READER)
    with pytest.raises(NoCard):
        readers.connect(DEFAULT_READER)
    with pytest.raises(NoReader):
        readers.connect("Reader 9")
    with pytest.raises(NoReader):
        readers.insert("Reader 9", card())


def test_a_channel_reads_the_card_through_the_t0_rules(readers):
    c = card()
    readers.insert(DEFAULT_READER, c)
    transport = readers.connect(DEFAULT_READER)
    assert transport.atr() == c.atr and transport.reader == DEFAULT_READER
    channel = CardChannel(transport, trace=None)
    fci = channel.transmit(SELECT_SSC)
    assert fci.ok and fci.data[0] == 0x6F                 # 61xx followed for us
    assert channel.transmit(H("00A4020002EF05")).ok
    number = channel.transmit(H("00B2070005"))             # 6C0B followed for us
    assert number.ok and number.data == b"\x07\x09A10000001"


def test_a_connection_does_not_survive_the_card_going_out_and_back(readers):
    c = card()
    readers.insert(DEFAULT_READER, c)
    old = readers.connect(DEFAULT_READER)
    readers.remove(DEFAULT_READER)
    with pytest.raises(CardRemoved):
        old.transmit(SELECT_SSC)
    readers.insert(DEFAULT_READER, c)
    with pytest.raises(CardRemoved):
        old.transmit(SELECT_SSC)
    fresh = readers.connect(DEFAULT_READER)
    assert fresh.transmit(SELECT_SSC)[-2] == 0x61
    fresh.close()
    with pytest.raises(CardError):
        fresh.transmit(SELECT_SSC)


def test_removal_powers_the_card_off(readers):
    c = card()
    readers.insert(DEFAULT_READER, c)
    c.next_challenges.append(H("0F0E0D0C0B0A09080706050403020100"))
    t = readers.connect(DEFAULT_READER)
    t.transmit(H("0084000010"))
    t.transmit(H("0082000A10A24860DBE49DC1D87156050DE289DC48"))
    assert c.authenticated
    readers.remove(DEFAULT_READER)
    assert not c.authenticated


# --- events ---------------------------------------------------------------------------

def test_a_new_subscriber_hears_of_a_card_already_present(readers):
    c = card()
    readers.insert(DEFAULT_READER, c)
    seen: list[CardEvent] = []
    unsubscribe = readers.subscribe(seen.append)
    assert seen == [CardEvent("inserted", DEFAULT_READER, c.atr)]
    unsubscribe()


def test_insert_remove_and_reader_events_in_order(readers, events):
    c, foreign = card(), card("foreign_card")
    readers.insert(DEFAULT_READER, c)
    readers.insert(DEFAULT_READER, foreign)              # swapping: out, then in
    assert readers.remove(DEFAULT_READER) is True
    assert readers.remove(DEFAULT_READER) is False       # nothing to remove: no event
    readers.add_reader("Counter Reader")
    readers.insert("Counter Reader", c)
    readers.remove_reader("Counter Reader")
    assert events == [
        CardEvent("inserted", DEFAULT_READER, c.atr),
        CardEvent("removed", DEFAULT_READER),
        CardEvent("inserted", DEFAULT_READER, foreign.atr),
        CardEvent("removed", DEFAULT_READER),
        CardEvent("reader_added", "Counter Reader"),
        CardEvent("inserted", "Counter Reader", c.atr),
        CardEvent("removed", "Counter Reader"),
        CardEvent("reader_removed", "Counter Reader"),
    ]
    assert readers.readers() == [DEFAULT_READER]


def test_unsubscribe_and_a_failing_subscriber(readers, caplog):
    seen: list[CardEvent] = []

    def broken(event):
        raise RuntimeError("subscriber bug")

    readers.subscribe(broken)
    unsubscribe = readers.subscribe(seen.append)
    readers.insert(DEFAULT_READER, card())
    assert [e.kind for e in seen] == ["inserted"]        # the broken one did not stop it
    assert "subscriber failed" in caplog.text
    unsubscribe()
    unsubscribe()                                          # twice is harmless
    readers.remove(DEFAULT_READER)
    assert [e.kind for e in seen] == ["inserted"]


def test_a_card_cannot_be_in_two_readers(readers):
    c = card()
    readers.add_reader("Second")
    readers.insert(DEFAULT_READER, c)
    with pytest.raises(ValueError):
        readers.insert("Second", c)
    with pytest.raises(ValueError):
        readers.add_reader("Second")


# --- bounded commands, removal during a command ------------------------------------------

def test_a_slow_card_times_out_after_the_transport_timeout_not_the_card_delay(readers):
    readers.timeout_s = 0.2
    c = card()
    readers.insert(DEFAULT_READER, c)
    c.faults.delay_s = 10
    transport = readers.connect(DEFAULT_READER)
    start = time.monotonic()
    with pytest.raises(CardTimeout):
        transport.transmit(SELECT_SSC)
    elapsed = time.monotonic() - start
    assert 0.2 <= elapsed < 1.5
    c.faults.delay_s = 0.05                                 # slow but within the timeout
    assert transport.transmit(SELECT_SSC)[-2] == 0x61


def test_a_card_pulled_out_during_a_slow_command_gives_card_removed_at_once(readers, events):
    c = card()
    readers.insert(DEFAULT_READER, c)
    c.faults.delay_s = 10
    transport = readers.connect(DEFAULT_READER)
    timer = threading.Timer(0.1, readers.remove, args=(DEFAULT_READER,))
    timer.start()
    start = time.monotonic()
    with pytest.raises(CardRemoved):
        transport.transmit(SELECT_SSC)
    assert time.monotonic() - start < 1.5
    timer.join()
    assert events[-1] == CardEvent("removed", DEFAULT_READER)


def test_a_vanishing_card_gives_card_removed_and_leaves_the_reader(readers, events):
    c = card()
    readers.insert(DEFAULT_READER, c)
    transport = readers.connect(DEFAULT_READER)
    c.faults.vanish_on_ins = 0xB2
    transport.transmit(SELECT_SSC)
    with pytest.raises(CardRemoved):
        transport.transmit(H("00B2070000"))
    assert not readers.has_card(DEFAULT_READER)
    assert events[-1] == CardEvent("removed", DEFAULT_READER)


def test_a_slow_card_vanishing_is_also_card_removed(readers):
    c = card()
    readers.insert(DEFAULT_READER, c)
    c.faults.delay_s = 0.05
    c.faults.vanish_on_command = 1
    with pytest.raises(CardRemoved):
        readers.connect(DEFAULT_READER).transmit(SELECT_SSC)
    assert not readers.has_card(DEFAULT_READER)


def test_reader_unplugged_during_a_command(readers):
    readers.add_reader("USB Reader")
    c = card()
    readers.insert("USB Reader", c)
    c.faults.delay_s = 10
    transport = readers.connect("USB Reader")
    timer = threading.Timer(0.1, readers.remove_reader, args=("USB Reader",))
    timer.start()
    with pytest.raises(CardRemoved):
        transport.transmit(SELECT_SSC)
    timer.join()


def test_concurrent_inserts_removes_and_commands_only_raise_typed_errors(readers):
    """The demo panel inserts and removes on one thread while the kiosk talks on another."""
    c = card()
    readers.insert(DEFAULT_READER, c)
    seen: list[CardEvent] = []
    unsubscribe = readers.subscribe(seen.append)
    stop = threading.Event()
    problems: list[BaseException] = []
    answered = 0

    def kiosk():
        nonlocal answered
        while not stop.is_set():
            try:
                channel = CardChannel(readers.connect(DEFAULT_READER), trace=None)
                channel.transmit(SELECT_SSC)
                answered += 1
            except (CardRemoved, NoCard):
                pass
            except BaseException as exc:  # anything else is a bug
                problems.append(exc)
                return

    def panel() -> int:
        cycles, deadline = 0, time.monotonic() + 5
        while (cycles < 300 or answered < 50) and time.monotonic() < deadline:
            readers.remove(DEFAULT_READER)
            readers.insert(DEFAULT_READER, c)
            cycles += 1
            if cycles % 10 == 0:
                time.sleep(0.001)              # let the kiosk thread in
        return cycles

    worker = threading.Thread(target=kiosk, name="test-kiosk")
    worker.start()
    cycles = panel()
    stop.set()
    worker.join(5)
    unsubscribe()
    assert not worker.is_alive() and not problems
    assert answered >= 50
    kinds = [e.kind for e in seen]
    assert kinds[0] == "inserted" and kinds.count("removed") == cycles
    assert all(a != b for a, b in zip(kinds, kinds[1:]))   # strictly alternating
