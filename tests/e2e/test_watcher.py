"""PcscWatcher against a real pcscd: cards, readers and the service coming and going."""

from __future__ import annotations

import threading
import time

import pytest

from devices.card.pcsc import PcscBackend
from devices.card.watcher import PcscWatcher
from kiosk.errors import ReaderServiceDown
from tests.e2e.conftest import E2E_TIMEOUT_S, Recorder, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(E2E_TIMEOUT_S)]


def test_a_card_present_at_start_is_reported(card, watch):
    watcher, events = watch()
    _, added = events.wait_for("reader_added", card.reader)
    _, inserted = events.wait_for("inserted", card.reader)
    assert inserted.atr == card.atr
    assert events.kinds()[:3] == [("reader_added", "Virtual PCD 00 00"),
                                  ("reader_added", "Virtual PCD 00 01"),
                                  ("inserted", "Virtual PCD 00 00")]
    assert watcher.cards() == {card.reader: card.atr}


@pytest.mark.parametrize("kind", ["independent", "softcard"])
def test_inserted_and_removed(daemon, watch, kind):
    from tests.e2e.conftest import CARD_KINDS

    watcher, events = watch()
    events.wait_for("reader_added", daemon.reader_names[1])
    holder = CARD_KINDS[kind](daemon)
    try:
        holder.start()
        _, inserted = events.wait_for("inserted", holder.reader)
        assert inserted.atr == holder.atr
        mark = events.mark()
        holder.remove()
        events.wait_for("removed", holder.reader, since=mark)
        mark = events.mark()
        holder.insert()
        events.wait_for("inserted", holder.reader, since=mark)
    finally:
        holder.stop()
    events.wait_for("removed", holder.reader, since=mark)
    assert [k for k, _ in events.kinds()].count("inserted") == 2
    assert [k for k, _ in events.kinds()].count("removed") == 2


def test_a_late_subscriber_gets_the_current_picture(card, watch):
    watcher, events = watch()
    events.wait_for("inserted", card.reader)
    late = Recorder()
    unsubscribe = watcher.subscribe(late)
    _, inserted = late.wait_for("inserted", card.reader, timeout=1.0)
    assert inserted.atr == card.atr
    unsubscribe()
    mark = late.mark()
    card.remove()
    events.wait_for("removed", card.reader)
    assert late.mark() == mark                     # unsubscribed: nothing more


def test_pcscd_stopping_and_coming_back(daemon, card, watch):
    watcher, events = watch()
    events.wait_for("inserted", card.reader)
    mark = events.mark()
    daemon.stop()
    events.wait_for("service_down", since=mark)
    # the card's connection died with the service: removed comes first
    assert events.kinds(mark)[:2] == [("removed", card.reader), ("service_down", "")]
    backend = PcscBackend()
    try:
        with pytest.raises(ReaderServiceDown):
            backend.readers()
    finally:
        backend.close()
    time.sleep(1.2)                                 # several retries while it is down...
    assert [k for k, _ in events.kinds(mark)].count("service_down") == 1   # ...said once
    assert watcher.running and watcher.service_up is False
    mark = events.mark()
    back = time.monotonic()
    daemon.start()
    up_at, _ = events.wait_for("service_up", since=mark, timeout=3.0)
    in_at, inserted = events.wait_for("inserted", card.reader, since=mark, timeout=3.0)
    assert up_at - back < 3.0 and in_at - back < 3.0
    assert inserted.atr == card.atr
    # the same readers came back: no reader_added / reader_removed
    assert [k for k, _ in events.kinds(mark)] == ["service_up", "inserted"]


def test_a_watcher_started_while_pcscd_is_down(daemon, independent_card, watch):
    daemon.stop()
    watcher, events = watch()
    events.wait_for("service_down")
    daemon.start()
    events.wait_for("service_up")
    events.wait_for("reader_added", independent_card.reader)
    events.wait_for("inserted", independent_card.reader)


def test_a_vanishing_reader(daemon, independent_card, watch):
    watcher, events = watch()
    events.wait_for("inserted", independent_card.reader)
    mark = events.mark()
    daemon.restart(readers=0)                      # the reader is unplugged
    for name in ("Virtual PCD 00 00", "Virtual PCD 00 01"):
        events.wait_for("reader_removed", name, since=mark)
    kinds = events.kinds(mark)
    assert kinds.index(("removed", "Virtual PCD 00 00")) < kinds.index(("reader_removed", "Virtual PCD 00 00"))
    assert watcher.readers() == []
    mark = events.mark()
    daemon.restart(readers=1)                      # plugged in again, the card still in it
    events.wait_for("reader_added", "Virtual PCD 00 00", since=mark)
    events.wait_for("inserted", "Virtual PCD 00 00", since=mark)


def test_another_reader_appearing(daemon, watch):
    watcher, events = watch()
    events.wait_for("reader_added", "Virtual PCD 00 01")
    mark = events.mark()
    daemon.restart(readers=1, name="Other PCD")
    for name in ("Virtual PCD 00 00", "Virtual PCD 00 01"):
        events.wait_for("reader_removed", name, since=mark)
    for name in ("Other PCD 00 00", "Other PCD 00 01"):
        events.wait_for("reader_added", name, since=mark)
    assert sorted(watcher.readers()) == ["Other PCD 00 00", "Other PCD 00 01"]


def test_a_failing_subscriber_does_not_stop_the_others(card, watch, caplog):
    watcher, events = watch(start=False)
    calls = []

    def broken(event):
        calls.append(event)
        raise RuntimeError("subscriber bug")

    watcher.subscribe(broken)
    watcher.start()
    events.wait_for("inserted", card.reader)
    mark = events.mark()
    card.remove()
    events.wait_for("removed", card.reader, since=mark)
    assert watcher.running
    assert wait_until(lambda: len(calls) == events.mark(), timeout=1.0)
    assert [e.kind for e in calls] == [k for k, _ in events.kinds()]
    assert "subscriber" in caplog.text


def test_stop_is_prompt(daemon, watch):
    watcher, events = watch()
    events.wait_for("reader_added")
    start = time.monotonic()
    watcher.stop()
    assert time.monotonic() - start < 2.0
    assert not watcher.running
    assert not [t for t in threading.enumerate() if t.name == "pcsc-watcher"]


def test_stop_is_prompt_while_pcscd_is_down(daemon, watch):
    daemon.stop()
    watcher, events = watch()
    events.wait_for("service_down")
    start = time.monotonic()
    watcher.stop()
    assert time.monotonic() - start < 2.0 and not watcher.running


def test_a_watcher_can_be_started_again(card):
    watcher, events = PcscWatcher(), Recorder()
    watcher.subscribe(events)
    try:
        watcher.start()
        events.wait_for("inserted", card.reader)
        watcher.stop()
        mark = events.mark()
        watcher.start()
        events.wait_for("inserted", card.reader, since=mark)
    finally:
        watcher.stop()
