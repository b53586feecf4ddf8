"""The outbox's periodic replay: :meth:`kiosk.journal.outbox.Outbox.replay` now and then
every ``interval_s``, on a daemon thread, with a back-office client of its own."""

from __future__ import annotations

import logging
import threading

from kiosk.backoffice_client import BackOfficeClient

from .outbox import Outbox, ReplayReport

log = logging.getLogger("kiosk.outbox")


class Replayer:
    """Replays an outbox now and then every ``interval_s`` on a daemon thread.

    It needs a client of its own (a client serves one thread at a time)::

        with Replayer(outbox, BackOfficeClient(...), interval_s=60):
            ...   # the kiosk runs
    """

    def __init__(self, outbox: Outbox, client: BackOfficeClient, interval_s: float = 60.0):
        self.outbox = outbox
        self.client = client
        self.interval_s = float(interval_s)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="outbox-replayer", daemon=True)
        self.last_report: ReplayReport | None = None

    def start(self) -> "Replayer":
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.last_report = self.outbox.replay(self.client)
            except Exception:  # keep replaying; a bug is logged, not fatal
                log.exception("outbox replay pass failed")
            self._stop.wait(self.interval_s)

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def __enter__(self) -> "Replayer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
