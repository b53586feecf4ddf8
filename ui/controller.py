"""The controller: card events and the citizen's choices in, screens out.

It wires the views' signals, runs card and back-office work on the reader's
:class:`~ui.card_worker.CardWorker` thread, renders the workflow's published
state, and owns the session's lifetime:

- a card arrives → read it (busy screen) → home screen;
- 修改密码 → a :class:`kiosk.workflows.pin_change.PinChange`, whose every
  :class:`~kiosk.workflows.base.Snapshot` becomes a screen;
- the card leaves, at any moment → the workflow ends (its cleanup wipes the
  PINs), pending answers are dropped, the transport is closed, the attract
  screen shows again;
- every wait is bounded: card jobs have deadlines, the result screen counts
  down, an idle citizen is timed out.

It holds no rules: which PIN is weak, what a wrong PIN means for the card, is
the workflow's business; which sentence says so is ``ui/messages.py``'s.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

from devices.card.events import CardEvent, CardWatcher
from devices.card.ssc import HsmStep, SscCard, read_card_info
from devices.card.transport import CardChannel, ReaderBackend, Transport
from kiosk import errors
from kiosk.card import CardInfo
from kiosk.pin import Pin
from kiosk.workflows import pin_change as pc
from kiosk.workflows.base import Snapshot

from . import messages
from .card_worker import CardWorker, WatcherBridge
from .main_window import MainWindow
from .messages import MessageSource
from .screens import pin as pin_steps

log = logging.getLogger(__name__)


@dataclass
class UiSettings:
    shuffle_keypad: bool = False
    # the result screen returns to the attract screen after this many seconds
    result_seconds: int = 20
    # no touch for this long on the home or PIN screens ends the session
    idle_seconds: int = 90
    # deadline of the card read (select, read, authentication with the back office)
    read_timeout_s: float = 30.0
    # deadline of one PIN command
    command_timeout_s: float = 20.0


@dataclass(eq=False)
class Session:
    """The card being served; fields written on the worker thread are marked."""

    reader: str
    transport: Transport | None = None      # set on the worker thread
    card: SscCard | None = None
    info: CardInfo | None = None
    workflow: pc.PinChange | None = None
    unsubscribe: Callable[[], None] | None = None
    finishing: bool = False                 # on the result screen, waiting for the card to go
    submitted: list[Pin] = field(default_factory=list)   # handed to jobs not answered yet
    jobs: set[int] = field(default_factory=set)          # its card jobs in flight

    def close_on_worker(self) -> None:
        t, self.transport = self.transport, None
        if t is not None:
            try:
                t.close()
            except Exception:  # noqa: BLE001 - a card already gone
                log.debug("closing the transport failed", exc_info=True)


class KioskController(QObject):
    # a workflow snapshot, re-emitted on the GUI thread
    _snapshot = Signal(object, object)     # (workflow, Snapshot)

    def __init__(self, window: MainWindow, backend: ReaderBackend, watcher: CardWatcher,
                 hsm_step: HsmStep | None, settings: UiSettings | None = None,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.window = window
        self.backend = backend
        self.watcher = watcher
        self.hsm_step = hsm_step
        self.settings = settings or UiSettings()
        self.worker = CardWorker("reader", self)
        self.session: Session | None = None
        self._present: dict[str, bool] = {}
        self._reader_trouble: errors.KioskError | None = None
        self._bridge: WatcherBridge | None = None
        self._shut = False

        self._snapshot.connect(self._on_snapshot, Qt.ConnectionType.QueuedConnection)

        self._result_timer = QTimer(self)
        self._result_timer.setInterval(1000)
        self._result_timer.timeout.connect(self._on_result_tick)
        self._result_left = 0
        self._idle_timer = QTimer(self)
        self._idle_timer.setSingleShot(True)
        self._idle_timer.timeout.connect(self._on_idle)

        w = self.window
        w.home.changePinRequested.connect(self.start_pin_change)
        w.home.finishRequested.connect(self.finish)
        w.pin.submitted.connect(self._on_pin_submitted)
        w.pin.cancelRequested.connect(self.cancel_workflow)
        w.result.doneRequested.connect(self._back_to_attract)
        w.closing.connect(self.shutdown)

    # --- life ---------------------------------------------------------------------
    def start(self) -> None:
        """Subscribe to the watcher, then start it (a card already inserted is announced)."""
        self._bridge = WatcherBridge(self.watcher, self)
        self._bridge.event.connect(self._on_card_event, Qt.ConnectionType.QueuedConnection)
        self.watcher.start()
        self._check_readers()

    def _check_readers(self) -> None:
        """Ask the backend (on the card thread) whether any reader is there."""
        self.worker.submit(self.backend.readers, on_success=self._on_readers,
                           on_failure=self._on_reader_trouble, timeout_s=self.settings.command_timeout_s)

    def shutdown(self) -> None:
        """End any session, stop watching, stop the worker (bounded). Idempotent."""
        if self._shut:
            return
        self._shut = True
        last = self.session
        self._end_session(show_attract=False)
        self._idle_timer.stop()
        self._result_timer.stop()
        if self._bridge is not None:
            self._bridge.close()
            self._bridge = None
            try:
                self.watcher.stop()
            except Exception:  # noqa: BLE001
                log.warning("the card watcher did not stop cleanly", exc_info=True)
        if self.worker.shutdown() and last is not None:
            last.close_on_worker()     # the thread is gone: a close still queued never ran

    # --- card events ------------------------------------------------------------------
    @Slot(object)
    def _on_card_event(self, ev: CardEvent) -> None:
        log.info("card event %s on %r", ev.kind, ev.reader)
        if ev.kind == "inserted":
            self._present[ev.reader] = True
            if self.session is None:
                self._start_session(ev.reader)
        elif ev.kind in ("removed", "reader_removed"):
            self._present[ev.reader] = False
            if ev.kind == "reader_removed":
                self._present.pop(ev.reader, None)
                self._check_readers()
            if self.session is not None and self.session.reader == ev.reader:
                self._back_to_attract()
            elif self.session is None:
                self._render_attract()
        elif ev.kind == "reader_added":
            self._check_readers()
        elif ev.kind == "service_down":
            self._reader_trouble = errors.ReaderServiceDown("the PC/SC service stopped")
            self._present.clear()
            if self.session is not None:
                trouble = self._reader_trouble
                self._show_result(lambda: messages.describe(trouble))
            else:
                self._render_attract()
        elif ev.kind == "service_up":
            self._reader_trouble = None
            if self.session is None:
                self._render_attract()

    def _on_readers(self, names: list[str]) -> None:
        if not names:
            self._reader_trouble = errors.NoReader("no card reader")
        else:
            self._reader_trouble = None
        if self.session is None:
            self._render_attract()

    def _on_reader_trouble(self, exc: BaseException) -> None:
        self._reader_trouble = exc if isinstance(exc, errors.KioskError) else errors.ReaderServiceDown(str(exc))
        if self.session is None:
            self._render_attract()

    # --- session --------------------------------------------------------------------
    def _start_session(self, reader: str) -> None:
        s = Session(reader=reader)
        self.session = s
        self._result_timer.stop()
        self.window.busy.show_reading()
        self.window.show_screen(self.window.busy)
        backend, hsm_step = self.backend, self.hsm_step

        def read() -> tuple[SscCard, CardInfo]:   # on the worker thread
            s.transport = backend.connect(reader)
            return read_card_info(CardChannel(s.transport), hsm_step)

        self._submit(s, read, lambda r: self._on_read(s, r), lambda e: self._on_read_failed(s, e),
                     self.settings.read_timeout_s)

    def _submit(self, s: Session, fn, on_success, on_failure, timeout_s: float) -> None:
        """A card job of session ``s``; dropped with the session."""
        job_id = 0

        def done(value) -> None:
            s.jobs.discard(job_id)
            on_success(value)

        def failed(exc: BaseException) -> None:
            s.jobs.discard(job_id)
            on_failure(exc)

        job_id = self.worker.submit(fn, on_success=done, on_failure=failed, timeout_s=timeout_s)
        s.jobs.add(job_id)

    def _current(self, s: Session) -> bool:
        return self.session is s and not s.finishing

    def _on_read(self, s: Session, result: tuple[SscCard, CardInfo]) -> None:
        if not self._current(s):
            return
        s.card, s.info = result
        log.info("card read on %r", s.reader)
        self.window.home.show_card(s.info)
        self.window.show_screen(self.window.home)
        self._touch()

    def _on_read_failed(self, s: Session, exc: BaseException) -> None:
        if not self._current(s):
            return
        log.info("card read failed: %s", getattr(exc, "code", type(exc).__name__))
        if isinstance(exc, errors.CardRemoved) or not self._present.get(s.reader, True):
            self._back_to_attract()
            return
        self._show_result(lambda: messages.describe(exc))

    def _back_to_attract(self) -> None:
        self._end_session(show_attract=True)

    def _end_session(self, *, show_attract: bool) -> None:
        s = self.session
        self.session = None
        self._idle_timer.stop()
        self._result_timer.stop()
        if s is not None:
            self.worker.drop(s.jobs)
            s.jobs.clear()
            self._end_workflow(s, removed=not self._present.get(s.reader, False))
            for p in s.submitted:     # PINs handed over that a stale job still holds
                p.wipe()
            s.submitted.clear()
            self.worker.submit(s.close_on_worker, timeout_s=self.settings.command_timeout_s)
        self.window.pin.keypad.clear()
        self.window.home.clear()
        if show_attract:
            self._render_attract()

    def _end_workflow(self, s: Session, *, removed: bool) -> None:
        wf = s.workflow
        if wf is None:
            return
        if s.unsubscribe:
            s.unsubscribe()
            s.unsubscribe = None
        try:
            if removed:
                wf.card_removed()
            else:
                wf.cancel()
        except Exception:  # noqa: BLE001 - it ended meanwhile on the worker thread
            log.debug("workflow already ended", exc_info=True)
        s.workflow = None

    def _render_attract(self) -> None:
        trouble = self._reader_trouble
        status: MessageSource | None = (lambda: messages.describe(trouble)) if trouble else None
        left_in = any(self._present.values())
        self.window.attract.show_status(status, card_left_in=left_in and status is None)
        self.window.show_screen(self.window.attract)

    def _show_result(self, source: MessageSource) -> None:
        """The result screen; the session stays until the card goes or the countdown ends."""
        s = self.session
        if s is not None:
            s.finishing = True
            if s.workflow is not None:
                self._end_workflow(s, removed=False)
        self._idle_timer.stop()
        self._result_left = self.settings.result_seconds
        self.window.result.show_message(source, self._result_left)
        self.window.show_screen(self.window.result)
        self._result_timer.start()

    def _on_result_tick(self) -> None:
        self._result_left -= 1
        if self._result_left <= 0:
            self._back_to_attract()
        else:
            self.window.result.set_seconds_left(self._result_left)

    def finish(self) -> None:
        """结束办理: thank the citizen and ask them to take the card."""
        if self.session is not None:
            self._show_result(messages.finished)

    # --- idle ---------------------------------------------------------------------------
    def _touch(self) -> None:
        if self.session is not None and not self.session.finishing:
            self._idle_timer.start(self.settings.idle_seconds * 1000)

    def user_activity(self) -> None:
        """Called by the application's event filter on every touch."""
        if self._idle_timer.isActive():
            self._touch()

    def _on_idle(self) -> None:
        s = self.session
        if s is None or s.finishing:
            return
        log.info("idle timeout")
        self._show_result(messages.timed_out)

    # --- PIN change -----------------------------------------------------------------
    def start_pin_change(self) -> None:
        s = self.session
        if s is None or s.finishing or s.card is None or s.workflow is not None:
            return
        wf = pc.PinChange(s.card)
        s.workflow = wf
        s.unsubscribe = wf.subscribe(lambda snap, wf=wf: self._snapshot.emit(wf, snap))
        self._render(wf.snapshot())

    def cancel_workflow(self) -> None:
        """取消 on the PIN screen: end the workflow, back to the services."""
        s = self.session
        if s is None or s.workflow is None:
            return
        self._end_workflow(s, removed=False)
        self.window.show_screen(self.window.home)
        self._touch()

    def _on_pin_submitted(self, pin: Pin) -> None:
        s = self.session
        wf = s.workflow if s is not None else None
        if s is None or wf is None or wf.finished:
            pin.wipe()
            return
        step = {pc.ENTER_CURRENT_PIN: wf.enter_current_pin, pc.ENTER_NEW_PIN: wf.enter_new_pin,
                pc.CONFIRM_NEW_PIN: wf.confirm_new_pin}.get(wf.state)
        if step is None:
            pin.wipe()
            return
        if wf.state in (pc.ENTER_CURRENT_PIN, pc.CONFIRM_NEW_PIN):   # these talk to the card
            self.window.busy.show_working()
            self.window.show_screen(self.window.busy)
        s.submitted.append(pin)

        def done(_result: object = None) -> None:
            if pin in s.submitted:
                s.submitted.remove(pin)

        def failed(exc: BaseException) -> None:
            done()
            pin.wipe()
            if self.session is not s or s.workflow is not wf or wf.finished:
                return
            # an unexpected fault or a deadline: the workflow ends in Failed (cleanup wipes)
            err = exc if isinstance(exc, errors.KioskError) else errors.KioskError(type(exc).__name__)
            try:
                wf.fail(err)
            except Exception:  # noqa: BLE001
                log.debug("workflow already ended", exc_info=True)

        self._submit(s, lambda: step(pin), done, failed, self.settings.command_timeout_s)

    @Slot(object, object)
    def _on_snapshot(self, wf: pc.PinChange, snap: Snapshot) -> None:
        s = self.session
        if s is None or s.workflow is not wf or s.finishing:
            return   # a workflow of an ended session, or one ended on purpose
        self._render(snap)

    def _render(self, snap: Snapshot) -> None:
        log.info("pin change: %s", snap.state)
        info = snap.info
        state = snap.state
        if state == pc.ENTER_CURRENT_PIN:
            tries = info.get("tries_left")
            if tries == 0:      # the last wrong PIN blocked the card
                self._show_result(lambda: messages.describe(errors.PinBlocked()))
                return
            msg = (lambda: messages.Message("", messages.wrong_pin(tries))) if tries is not None else None
            self._show_pin(pin_steps.CURRENT, msg)
        elif state == pc.ENTER_NEW_PIN:
            reason = info.get("reason")
            msg = (lambda: messages.Message("", messages.weak_pin(reason))) if reason else None
            self._show_pin(pin_steps.NEW, msg)
        elif state == pc.CONFIRM_NEW_PIN:
            self._show_pin(pin_steps.CONFIRM, None)
        elif state == pc.PIN_CHANGED:
            self._show_result(messages.pin_changed)
        elif state == pc.PIN_BLOCKED:
            self._show_result(lambda: messages.describe(errors.PinBlocked()))
        elif state == "CardRemoved":
            self._back_to_attract()
        elif state == "Failed":
            err = info.get("error") or errors.KioskError("failed")
            if isinstance(err, errors.CardRemoved):
                self._back_to_attract()
            else:
                self._show_result(lambda: messages.describe(err))
        elif state == "Cancelled":
            self.window.show_screen(self.window.home)
        else:
            log.warning("pin change: unknown state %s", state)

    def _show_pin(self, step: str, message: MessageSource | None) -> None:
        self.window.pin.show_step(step, message)
        self.window.show_screen(self.window.pin)
        self._touch()
