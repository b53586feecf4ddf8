"""The kiosk is out of service while its journal cannot be written, and comes back by itself.

The journal's :class:`~kiosk.journal.health.JournalHealth` knows whether the last
write went through (every write reports there). :class:`JournalWatch` follows it
for the controller:

- ``trouble``: the :class:`~kiosk.errors.JournalUnavailable` in force, or None.
  While there is one the controller offers no service (the attract screen says
  本机暂停服务, the services without the card are hidden, an inserted card starts
  no session) and the heartbeat has told the fleet at once (the staff call);
- the re-check: every ``UiSettings.journal_recheck_s`` while in trouble, and at
  the next touch or card, :func:`kiosk.journal.health.probe` runs on the card worker's thread
  (free space, then a real write); a card inserted while out of service also
  tries its session's journal entry, itself a write;
- a change either way reaches the controller on the GUI thread
  (``KioskController.journal_changed``).
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from kiosk.errors import JournalUnavailable

log = logging.getLogger(__name__)

class JournalWatch(QObject):
    # the journal's state changed (emitted from the writing thread, delivered queued)
    _changed = Signal()

    def __init__(self, controller):
        super().__init__(controller)
        self._controller = controller
        self._journal: Any = None
        self._unsubscribe = None
        self._probing = False
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.recheck)
        self._changed.connect(self._on_changed, Qt.ConnectionType.QueuedConnection)

    @property
    def trouble(self) -> JournalUnavailable | None:
        return self._journal.health.trouble if self._journal is not None else None

    def attach(self, journal: Any) -> None:
        """Follow ``journal`` (None: no journal, never out of service for it)."""
        self.detach()
        if journal is None or not hasattr(journal, "health"):
            return
        self._journal = journal
        self._unsubscribe = journal.health.subscribe(lambda _trouble: self._changed.emit())
        self._on_changed()

    def detach(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self._timer.stop()
        self._journal = None

    def recheck(self) -> None:
        """Probe the journal now (on the card worker), if it is in trouble and idle."""
        c = self._controller
        if self.trouble is None or self._probing or c.session is not None:
            return
        from kiosk.journal.health import MIN_FREE_BYTES, probe

        journal = self._journal
        margin = c.settings.journal_min_free_bytes
        margin = MIN_FREE_BYTES if margin is None else margin
        self._probing = True
        c.worker.submit(lambda: probe(journal, min_free_bytes=margin),
                        on_success=self._probed, on_failure=self._probe_failed,
                        timeout_s=c.settings.command_timeout_s)

    def _probed(self, _trouble: JournalUnavailable | None) -> None:
        self._probing = False

    def _probe_failed(self, exc: BaseException) -> None:
        self._probing = False
        log.warning("journal re-check failed: %s", type(exc).__name__)

    def _on_changed(self) -> None:
        trouble = self.trouble
        if trouble is not None:
            self._timer.start(max(1, int(self._controller.settings.journal_recheck_s * 1000)))
        else:
            self._timer.stop()
        self._controller.journal_changed(trouble)
