"""Card and back-office work off the GUI thread, answers back on it.

- :class:`CardWorker` owns one ``QThread`` for one reader (AusweisApp: card
  commands run on the reader's own thread and answer by signal). The
  controller submits plain core callables (Anki's ``QueryOp``): the callable
  runs on that thread, its result or exception comes back as a queued signal
  and is handed to ``on_success`` / ``on_failure`` on the GUI thread. Commands
  to one card are never concurrent.
- Every job has a deadline. When it passes, ``on_failure`` gets a
  :class:`~kiosk.errors.CardTimeout` at once and the late answer, if it ever
  comes, is dropped; :meth:`CardWorker.drop` does the same for the jobs of
  a session that ended (card pulled).
- :meth:`CardWorker.retire`: a session that ends leaves its worker what it
  still runs (a back-office call ends by the client's deadline) and what it
  queued (end the back-office session, close the card); the thread stops once
  they are done and the next citizen's card gets a fresh worker, so a stuck
  network never stands between the next citizen and the card.
- :class:`WatcherBridge` re-emits a :class:`~devices.card.events.CardWatcher`'s
  callbacks, which come on the watcher's own thread, as a queued Qt signal.
"""

from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass
from typing import Any, Callable

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from devices.card.events import CardEvent, CardWatcher
from kiosk.errors import CardTimeout

log = logging.getLogger(__name__)

# default deadline of one job, seconds (a card read with the back office's HSM
# step takes well under a second; each APDU is bounded at 5 s by the transport)
DEFAULT_JOB_TIMEOUT_S = 20.0
# threads that did not stop at shutdown (a call still running): kept, not destroyed running
_STILL_RUNNING: list[QThread] = []


class _Runner(QObject):
    """Lives on the worker thread; runs what it is given."""

    done = Signal(int, bool, object)   # job id, ok, result or exception

    @Slot(int, object)
    def run(self, job_id: int, fn: Callable[[], Any]) -> None:
        try:
            result = fn()
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the GUI
            self.done.emit(job_id, False, exc)
        else:
            self.done.emit(job_id, True, result)


@dataclass
class _Job:
    on_success: Callable[[Any], None] | None
    on_failure: Callable[[BaseException], None] | None
    timer: QTimer


class CardWorker(QObject):
    _run = Signal(int, object)
    #: a retired worker whose thread has stopped (itself)
    stopped = Signal(object)

    def __init__(self, name: str = "card", parent: QObject | None = None):
        super().__init__(parent)
        self._thread = QThread()
        self._thread.setObjectName(f"card-worker:{name}")
        self._runner = _Runner()
        self._runner.moveToThread(self._thread)
        self._run.connect(self._runner.run)          # queued: the receiver lives on the worker thread
        self._runner.done.connect(self._on_done)     # queued back to this (GUI) thread
        self._thread.finished.connect(self._runner.deleteLater)
        self._ids = itertools.count(1)
        self._jobs: dict[int, _Job] = {}
        self._running_count = 0                      # submitted and not answered, dropped or not
        self._retiring = False
        self._thread.start()

    # --- public ---------------------------------------------------------------
    def submit(self, fn: Callable[[], Any], *, on_success: Callable[[Any], None] | None = None,
               on_failure: Callable[[BaseException], None] | None = None,
               timeout_s: float = DEFAULT_JOB_TIMEOUT_S) -> int:
        """Run ``fn()`` on the worker thread; returns the job's id."""
        job_id = next(self._ids)
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.timeout.connect(lambda: self._on_deadline(job_id))
        self._jobs[job_id] = _Job(on_success, on_failure, timer)
        self._running_count += 1
        timer.start(int(timeout_s * 1000))
        self._run.emit(job_id, fn)
        return job_id

    def pending(self) -> int:
        """Jobs whose answer is still awaited (dropped ones do not count)."""
        return len(self._jobs)

    def busy(self) -> bool:
        """True while the thread still runs something, even a dropped job."""
        return self._running_count > 0

    def drop(self, job_ids) -> None:
        """Forget these jobs: their answers, when they come, are ignored."""
        for job_id in list(job_ids):
            job = self._jobs.pop(job_id, None)
            if job is not None:
                job.timer.stop()
                job.timer.deleteLater()

    def drop_pending(self) -> None:
        """Forget every job in flight."""
        self.drop(self._jobs)

    def retire(self) -> None:
        """Take no answer any more; stop the thread once what it runs and what is queued
        has ended (then :attr:`stopped`)."""
        self._retiring = True
        self.drop_pending()
        if self._running_count == 0:
            self._stop_retired()

    def _stop_retired(self) -> None:
        self._thread.quit()
        if self._thread.wait(1000):     # idle: it stops at once
            self.stopped.emit(self)

    def shutdown(self, timeout_ms: int = 3000) -> bool:
        """Stop the thread, waiting at most ``timeout_ms``; True when it stopped."""
        self.drop_pending()
        self._thread.quit()
        stopped = self._thread.wait(timeout_ms)
        if not stopped:
            log.warning("%s did not stop within %d ms", self._thread.objectName(), timeout_ms)
            _STILL_RUNNING.append(self._thread)   # never destroyed while it runs
        return stopped

    # --- answers ----------------------------------------------------------------
    @Slot(int, bool, object)
    def _on_done(self, job_id: int, ok: bool, value: object) -> None:
        self._running_count -= 1
        if self._retiring and self._running_count == 0:
            self._stop_retired()
        job = self._jobs.pop(job_id, None)
        if job is None:
            if not ok:
                log.info("a dropped card job ended with %s", type(value).__name__)
            return
        job.timer.stop()
        job.timer.deleteLater()
        if ok:
            if job.on_success:
                job.on_success(value)
        elif job.on_failure:
            job.on_failure(value)  # type: ignore[arg-type]
        else:
            log.error("card job failed: %s", type(value).__name__)

    def _on_deadline(self, job_id: int) -> None:
        job = self._jobs.pop(job_id, None)
        if job is None:
            return
        job.timer.deleteLater()
        log.warning("card job %d passed its deadline", job_id)
        if job.on_failure:
            job.on_failure(CardTimeout("the card or the back office did not answer in time"))


class WatcherBridge(QObject):
    """A CardWatcher's events, delivered on the GUI thread as :attr:`event`."""

    event = Signal(object)   # CardEvent

    def __init__(self, watcher: CardWatcher, parent: QObject | None = None):
        super().__init__(parent)
        self._closed = False
        self._unsubscribe = watcher.subscribe(self._on_event)

    def _on_event(self, ev: CardEvent) -> None:
        # Called on the watcher's thread: emitting is thread-safe and the
        # connection to GUI-thread receivers is queued.
        if self._closed:
            return
        try:
            self.event.emit(ev)
        except RuntimeError:  # the Qt object is already gone during shutdown
            pass

    def close(self) -> None:
        self._closed = True
        try:
            self._unsubscribe()
        except Exception:  # noqa: BLE001 - a watcher that is already stopped
            log.debug("unsubscribe failed", exc_info=True)
