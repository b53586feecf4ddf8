"""The systemd watchdog fed from the Qt event loop (ui/watchdog.py), observed on a real
AF_UNIX datagram socket standing in for systemd's NOTIFY_SOCKET.

What a technician relies on: the kiosk says READY=1 once its window is painted,
pings while its event loop turns, and stops pinging when the UI hangs (so
systemd's WatchdogSec= restarts it) or when it shuts down (STOPPING=1).
"""

from __future__ import annotations

import os
import socket
import time

import pytest

from ui.main_window import MainWindow
from ui.watchdog import install_watchdog

WATCHDOG_USEC = 200_000   # 0.2 s: the feeder pings every 0.1 s


class NotifySocket:
    """What systemd listens on: every datagram the kiosk sends, in order."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(path))
        self.sock.setblocking(False)
        self.messages: list[str] = []

    def drain(self) -> list[str]:
        """The datagrams waiting now (without letting the event loop run)."""
        new = []
        while True:
            try:
                new.append(self.sock.recv(4096).decode("utf-8"))
            except BlockingIOError:
                break
        self.messages += new
        return new

    def count(self, prefix: str) -> int:
        self.drain()
        return sum(m.startswith(prefix) for m in self.messages)

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def systemd(tmp_path, monkeypatch):
    sock = NotifySocket(tmp_path / "notify")
    monkeypatch.setenv("NOTIFY_SOCKET", str(tmp_path / "notify"))
    monkeypatch.setenv("WATCHDOG_USEC", str(WATCHDOG_USEC))
    monkeypatch.setenv("WATCHDOG_PID", str(os.getpid()))
    yield sock
    sock.close()


@pytest.fixture
def window(qtbot):
    w = MainWindow()
    qtbot.addWidget(w)
    w.resize(800, 450)
    yield w
    w.locked = False
    w.close()


def test_ready_after_first_paint_and_pings_from_the_event_loop(qapp, qtbot, systemd, window):
    feeder = install_watchdog(qapp, window)
    assert feeder is not None and feeder.period_ms == WATCHDOG_USEC // 1000 // 2
    assert systemd.count("READY=1") == 0          # not before the window is on the screen
    window.show()
    qtbot.waitUntil(lambda: systemd.count("READY=1") == 1, timeout=5000)
    assert window.painted
    qtbot.waitUntil(lambda: systemd.count("WATCHDOG=1") >= 3, timeout=5000)

    # the UI hangs: the GUI thread is blocked, its timer cannot fire, no ping is sent
    systemd.drain()
    time.sleep(2.5 * WATCHDOG_USEC / 1_000_000)  # longer than the watchdog's timeout
    assert systemd.drain() == [], "a blocked event loop must not feed the watchdog"

    # the loop turns again: so do the pings
    pings = systemd.count("WATCHDOG=1")
    qtbot.waitUntil(lambda: systemd.count("WATCHDOG=1") > pings, timeout=5000)
    assert systemd.count("READY=1") == 1

    # a deliberate shutdown: STOPPING=1, then silence
    window.close()
    assert systemd.count("STOPPING=1") == 1
    qtbot.wait(3 * feeder.period_ms)
    assert not any(m.startswith("WATCHDOG=1") for m in systemd.drain())


def test_not_under_systemd_nothing_is_installed(qapp, window, monkeypatch):
    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    assert install_watchdog(qapp, window) is None


def test_the_watchdog_of_another_process_is_not_fed(qapp, qtbot, systemd, window, monkeypatch):
    # systemd names cage (the main process) in WATCHDOG_PID; the unit drops it for the kiosk
    monkeypatch.setenv("WATCHDOG_PID", str(os.getpid() + 1))
    feeder = install_watchdog(qapp, window)
    assert feeder is not None and feeder.period_ms is None
    window.show()
    qtbot.waitUntil(lambda: systemd.count("READY=1") == 1, timeout=5000)
    qtbot.wait(300)
    assert systemd.count("WATCHDOG=1") == 0
