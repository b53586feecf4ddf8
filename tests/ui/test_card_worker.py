"""Card work runs off the GUI thread, answers on it, and every wait has a deadline."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import QThread

from devices.card.events import CardEvent
from kiosk.errors import CardTimeout
from ui.card_worker import CardWorker, WatcherBridge


@pytest.fixture
def worker(qapp):
    w = CardWorker("test")
    yield w
    assert w.shutdown(2000)


def test_runs_off_the_gui_thread_and_answers_on_it(qtbot, worker):
    gui = QThread.currentThread()
    ran_on, answered_on = [], []
    worker.submit(lambda: ran_on.append(QThread.currentThread()) or 42,
                  on_success=lambda v: answered_on.append((QThread.currentThread(), v)))
    qtbot.waitUntil(lambda: bool(answered_on), timeout=2000)
    assert ran_on[0] is not gui
    assert answered_on == [(gui, 42)]


def test_failures_come_back_as_exceptions(qtbot, worker):
    got = []

    def boom():
        raise ValueError("no")

    worker.submit(boom, on_failure=got.append)
    qtbot.waitUntil(lambda: bool(got), timeout=2000)
    assert isinstance(got[0], ValueError)


def test_a_deadline_answers_card_timeout_and_drops_the_late_answer(qtbot, worker):
    release = threading.Event()
    got = []
    worker.submit(lambda: release.wait(2) and "late", on_success=got.append, on_failure=got.append,
                  timeout_s=0.1)
    qtbot.waitUntil(lambda: bool(got), timeout=2000)
    assert isinstance(got[0], CardTimeout)
    release.set()
    qtbot.waitUntil(lambda: not worker.busy(), timeout=2000)
    assert len(got) == 1


def test_drop_pending(qtbot, worker):
    release = threading.Event()
    got = []
    worker.submit(lambda: release.wait(2), on_success=got.append)
    worker.drop_pending()
    assert worker.pending() == 0
    release.set()
    qtbot.waitUntil(lambda: not worker.busy(), timeout=2000)
    assert got == []


def test_watcher_events_from_another_thread_arrive_on_the_gui_thread(qtbot, qapp):
    class Watcher:
        def __init__(self):
            self.cbs = []

        def subscribe(self, cb):
            self.cbs.append(cb)
            return lambda: self.cbs.remove(cb)

    watcher = Watcher()
    bridge = WatcherBridge(watcher)
    got = []
    bridge.event.connect(lambda ev: got.append((ev, QThread.currentThread())))
    t = threading.Thread(target=lambda: [cb(CardEvent("inserted", "R")) for cb in watcher.cbs])
    t.start()
    t.join()
    qtbot.waitUntil(lambda: bool(got), timeout=2000)
    assert got[0][0].kind == "inserted" and got[0][1] is QThread.currentThread()
    bridge.close()
    assert watcher.cbs == []
