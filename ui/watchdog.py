"""The systemd watchdog, fed from the Qt event loop: a hung UI is restarted.

Under the ``ssc-kiosk`` unit (``deploy/systemd/ssc-kiosk.service``,
``WatchdogSec=30``) systemd restarts the kiosk when it has not heard
``WATCHDOG=1`` for 30 seconds. The pings come from a :class:`QTimer` on the GUI
thread, so they come only while the event loop turns: a UI stuck in a slot, a
dead lock or a blocking call stops them, and systemd kills and restarts the
kiosk (``Restart=always``) instead of leaving a frozen screen in the hall.

``READY=1`` is sent after the window's first paint (``MainWindow.firstPainted``),
so ``systemctl start`` returns when a citizen can see the kiosk, and
``STOPPING=1`` when the window closes or the application quits.

The watchdog's signal (SIGABRT) reaches the kiosk too; :func:`install_watchdog`
turns on :mod:`faulthandler`, so the journal of the unit shows where every
thread was when the UI hung.
"""

from __future__ import annotations

import faulthandler
import logging
import sys

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from kiosk import sdnotify

log = logging.getLogger("ui.watchdog")


class WatchdogFeeder(QObject):
    """Pings systemd's watchdog from the GUI thread every ``interval_s / 2``.

    ``interval_s`` None: no watchdog configured, but still under systemd
    (``READY=1`` and ``STOPPING=1`` are sent, no pings).
    """

    def __init__(self, interval_s: float | None, parent: QObject | None = None):
        super().__init__(parent)
        self.interval_s = interval_s
        self.pings = 0          # pings sent (a technician's diag, the tests)
        self.ready_sent = False
        self.stopping_sent = False
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.ping)
        if interval_s is not None:
            self._timer.setInterval(max(1, int(interval_s * 1000 / 2)))

    @property
    def period_ms(self) -> int | None:
        return self._timer.interval() if self.interval_s is not None else None

    def start(self) -> None:
        """Ping now, then every half interval (from before the first paint: start-up counts)."""
        if self.interval_s is None or self.stopping_sent:
            return
        self.ping()
        self._timer.start()

    def ping(self) -> None:
        if sdnotify.watchdog_ping():
            self.pings += 1

    def announce_ready(self) -> None:
        """``READY=1`` once (the window is on the screen)."""
        if not self.ready_sent and not self.stopping_sent:
            self.ready_sent = True
            sdnotify.ready("the kiosk window is shown")

    def announce_stopping(self) -> None:
        """``STOPPING=1`` once and no more pings (a deliberate shutdown, not a hang)."""
        self._timer.stop()
        if not self.stopping_sent:
            self.stopping_sent = True
            sdnotify.stopping("the kiosk is shutting down")


def _enable_faulthandler() -> None:
    """The watchdog's SIGABRT then prints every thread's stack to stderr (the unit's journal)."""
    if faulthandler.is_enabled() or sys.stderr is None:
        return
    try:
        faulthandler.enable()
    except (OSError, ValueError, AttributeError):  # a stderr without a file descriptor
        log.info("no faulthandler: stderr has no file descriptor")


def install_watchdog(app: QApplication, window: QWidget) -> WatchdogFeeder | None:
    """Feed systemd's watchdog from ``app``'s event loop; None when not under systemd.

    Call it once, after ``build_app`` and before ``app.exec()``; the feeder is a
    child of ``window`` (it lives as long as the window). ``window`` must have
    the ``firstPainted`` and ``closing`` signals of :class:`ui.main_window.MainWindow`.
    """
    if not sdnotify.notify("STATUS=starting the kiosk window"):
        return None  # no $NOTIFY_SOCKET: a terminal, the demo, the tests
    interval = sdnotify.watchdog_interval_s()
    feeder = WatchdogFeeder(interval, parent=window)
    if getattr(window, "painted", False):
        feeder.announce_ready()
    else:
        window.firstPainted.connect(feeder.announce_ready)
    window.closing.connect(feeder.announce_stopping)
    app.aboutToQuit.connect(feeder.announce_stopping)
    if interval is not None:
        _enable_faulthandler()
        feeder.start()
        log.info("systemd watchdog: %.1f s, pinging every %d ms", interval, feeder.period_ms)
    return feeder
