"""The controller: card events and the citizen's choices in, screens out.

It is put together from its jobs:

- :class:`ui.citizen_session.CitizenSessionMixin`: card events, the session's lifetime,
  its timers and its journal (the Qt-free facts: :mod:`kiosk.citizen_session`);
- :class:`ui.presenter.ScreenPresenter`: the ``ask_*`` screens the flows call, the
  answers, speech;
- this module: starting and stopping the kiosk, what the screens offer
  (:func:`kiosk.citizen_session.card_services`), starting a service (its workflow from
  :func:`ui.workflow_factory.make_workflow`), running a workflow's steps on the
  session's :class:`~ui.card_worker.CardWorker` thread and rendering its published
  state (through :class:`~ui.flows.FlowRenderer`).

Its parts (the flows' renderer, the camera steps, maintenance mode, the journal watch)
are made by the composition root (:func:`ui.app.build_app`), so no ``ui`` module it
imports imports it back. It holds no rules: which PIN is weak, what a wrong PIN means
for the card, is the workflow's business; which sentence says so is ``ui/messages.py``'s.
"""

from __future__ import annotations

import logging
from typing import Any, Callable

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal, Slot

from devices.card.events import CardWatcher
from devices.card.ssc import HsmStep
from devices.card.transport import ReaderBackend
from kiosk import errors
from kiosk.citizen_session import CitizenSession, card_services, no_card_services
from kiosk.pin import Pin
from kiosk.workflows.base import Snapshot

from . import messages
from .card_worker import CardWorker, WatcherBridge
from .citizen_session import CitizenSessionMixin
from .kiosk_parts import KioskServices, UiSettings, warm_up_keyboard
from .main_window import MainWindow
from .presenter import ScreenPresenter
from .workflow_factory import make_workflow

__all__ = ["KioskController", "KioskServices", "UiSettings"]

log = logging.getLogger(__name__)


class KioskController(CitizenSessionMixin, ScreenPresenter, QObject):
    # a workflow snapshot, re-emitted on the GUI thread
    _snapshot = Signal(object, object)     # (workflow, Snapshot)
    # the card carried out a PIN command (kiosk/workflows/card_effect.py), on the GUI thread
    _card_effect = Signal(object, object)  # (workflow, effect)
    # a citizen's session ended (the composition root restores the kiosk's defaults)
    sessionEnded = Signal()

    def __init__(self, window: MainWindow, backend: ReaderBackend, watcher: CardWatcher,
                 hsm_step: HsmStep | None, settings: UiSettings | None = None,
                 services: "KioskServices | Callable[[], KioskServices] | None" = None,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.window = window
        self.backend = backend
        self.watcher = watcher
        self.hsm_step = hsm_step
        self.settings = settings or UiSettings()
        # a factory (a deployed kiosk: it opens the journal) runs after the first paint
        self._services_factory = services if callable(services) else None
        self.services = KioskServices() if callable(services) or services is None else services
        self.worker = CardWorker("reader", self)
        # workers of ended sessions still finishing a call (each ends by the client's deadline)
        self._retired: list[CardWorker] = []
        self.session: CitizenSession | None = None
        self.speaker: Any = None              # ui.speech.Speaker, set by the composition root
        self._present: dict[str, bool] = {}
        self._reader_trouble: errors.KioskError | None = None
        self._bridge: WatcherBridge | None = None
        self._shut = False
        self._init_targets()
        # made by the composition root (ui/app.py), which hands them in with attach()
        self._flows: Any = None               # ui.flows.FlowRenderer, made when first needed
        self._make_flows: Callable[[], Any] | None = None
        self.camera: Any = None               # ui.camera_steps.CameraSteps
        self.maintenance: Any = None          # ui.maintenance.MaintenanceMode
        self.journal_watch: Any = None        # ui.journal_watch.JournalWatch
        self.profile_editing: Any = None      # ui.profile_editing.ProfileEditing
        self._window_wired = False

        self._snapshot.connect(self._on_snapshot, Qt.ConnectionType.QueuedConnection)
        self._card_effect.connect(self._on_card_effect, Qt.ConnectionType.QueuedConnection)
        #: the last session a pulled card ended before its result was shown
        self._pulled: CitizenSession | None = None

        self._result_timer = QTimer(self)
        self._result_timer.setInterval(1000)
        self._result_timer.timeout.connect(self._on_result_tick)
        self._result_left = 0
        self._idle_timer = QTimer(self)
        self._idle_timer.setSingleShot(True)
        self._idle_timer.timeout.connect(self._on_idle)
        self._warning_timer = QTimer(self)
        self._warning_timer.setInterval(1000)
        self._warning_timer.timeout.connect(self._on_warning_tick)
        self._warning_left = 0

    def attach(self, *, flows: Callable[[], Any], camera: Any, maintenance: Any,
               journal_watch: Any, profile_editing: Any) -> None:
        """The parts the composition root made for this controller (``flows`` makes the
        views of the workflows' states when the first service starts); then the window
        is wired."""
        self._make_flows, self.camera, self.maintenance = flows, camera, maintenance
        self.journal_watch, self.profile_editing = journal_watch, profile_editing
        self.wire()

    @property
    def flows(self) -> Any:
        """The views of every workflow state (made when the first service starts)."""
        if self._flows is None and self._make_flows is not None:
            self._flows = self._make_flows()
        return self._flows

    def wire(self) -> None:
        """Connect the window's screens (again, after the window rebuilt them); screens
        built later are connected when they are built."""
        w = self.window
        w.home.serviceRequested.connect(self.start_service)
        w.home.finishRequested.connect(self.finish)
        w.attract.noCardServiceRequested.connect(self.start_without_card)
        w.result.doneRequested.connect(self.back_to_attract)
        w.idle_warning.moreTimeRequested.connect(self.more_time)
        if not self._window_wired:
            self._window_wired = True
            w.staffRequested.connect(self.call_staff)
            w.closing.connect(self.shutdown)
            w.screenShown.connect(self._on_screen_shown)
        w.screen_created = [self._wire_screen]
        for name in w.LAZY:
            screen = w.built(name)
            if screen is not None:
                self._wire_screen(name, screen)
        self._refresh_offers()

    # --- life ---------------------------------------------------------------------
    def start(self) -> None:
        """Start serving: with a services factory, once the window has painted (the attract
        screen shows at once; the journal opens meanwhile), else now."""
        if self._services_factory is None:
            self._start_watching()
            return
        self.window.firstPainted.connect(self._load_services, Qt.ConnectionType.QueuedConnection)
        if self.window.painted:
            QTimer.singleShot(0, self._load_services)

    def _load_services(self) -> None:
        factory, self._services_factory = self._services_factory, None
        if factory is None or self._shut:
            return
        try:
            self.services = factory()
        except Exception as exc:  # noqa: BLE001 - the kiosk shows it is out of order
            log.exception("the kiosk's services could not start")
            self._reader_trouble = exc if isinstance(exc, errors.KioskError) else errors.KioskError(
                type(exc).__name__)
            self._render_attract()
            return
        self._refresh_offers()
        self._start_watching()
        warm_up_keyboard()

    def _start_watching(self) -> None:
        """Subscribe to the watcher, then start it (a card already inserted is announced)."""
        self.journal_watch.attach(self.services.journal)
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
        self._end_session(show_attract=False, ending="shutdown")
        for t in (self._idle_timer, self._result_timer, self._warning_timer):
            t.stop()
        if self._bridge is not None:
            self._bridge.close()
            self._bridge = None
            try:
                self.watcher.stop()
            except Exception:  # noqa: BLE001
                log.warning("the card watcher did not stop cleanly", exc_info=True)
        if self.worker.shutdown() and last is not None:
            last.close_on_worker()     # the thread is gone: a close still queued never ran
        for worker in self._retired:
            worker.shutdown()
        if self.speaker is not None:
            self.speaker.stop()
        self.maintenance.shutdown()
        self.journal_watch.detach()

    def _refresh_offers(self) -> None:
        """What the home and attract screens offer, from the rule pack."""
        self.window.home.set_services(self.card_services())
        self.window.attract.set_no_card_services(self.no_card_services())

    def card_services(self) -> tuple[str, ...]:
        return card_services(self.services.pack if self.services.full else None)

    def no_card_services(self) -> tuple[str, ...]:
        if not self.services.full or self.journal_watch.trouble is not None:
            return ()
        return no_card_services(self.services.pack)

    def can_check_face(self) -> bool:
        return self.services.face_check and self.services.camera is not None

    # --- starting services ---------------------------------------------------------------------------
    def _run_later(self, fn: Callable[[], Any]) -> None:
        """Network I/O of a workflow's cleanup: on the worker thread, never the GUI's."""
        if QThread.currentThread() is not self.thread():     # already on a worker
            fn()
        else:
            self.worker.submit(fn, timeout_s=self.settings.command_timeout_s)

    def start_pin_change(self) -> None:
        self.start_service("pin_change")

    def start_service(self, service: str) -> None:
        """A service of the home screen, with the card in the reader."""
        s = self.session
        if s is None or s.finishing or s.card is None or s.workflow is not None:
            return
        self._start(s, service)

    def start_without_card(self, service: str) -> None:
        """"I lost my card" / "where is my new card": a session without the card."""
        if self.session is not None or not self.services.full:
            return
        s = CitizenSession(reader=None)
        self.session, self._pulled = s, None
        self._begin_journal(s)
        if self._out_of_service():
            return
        self._start(s, service)

    def _start(self, s: CitizenSession, service: str) -> None:
        """The service's workflow from the registry (via the one factory), then run; a service
        the rules do not offer here is told as a result."""
        self._journal_step(s, "service", service=service)
        try:
            wf = make_workflow(service, s, self.services, self._citizen_client(s), self._run_later,
                               camera_present=self.can_check_face())
        except errors.KioskError as exc:
            self.show_result(lambda err=exc: messages.describe(err), error=exc)
            return
        self._run(s, wf)

    def _run(self, s: CitizenSession, wf: Any) -> None:
        s.workflow = s.ran = wf
        if hasattr(wf, "on_card_effect"):
            wf.on_card_effect(lambda effect, wf=wf: self._card_effect.emit(wf, effect))
        s.unsubscribe = wf.subscribe(lambda snap, wf=wf: self._snapshot.emit(wf, snap))
        self._touch()
        self._render(wf, wf.snapshot())

    # --- running the workflow's steps -----------------------------------------------------------------
    def act(self, fn: Callable[..., Any], *args: Any, busy: bool = True) -> None:
        """Run a workflow step on the worker thread; its snapshot brings the next screen."""
        s = self.session
        wf = s.workflow if s is not None else None
        pins = [a for a in args if isinstance(a, Pin)]
        if s is None or wf is None or wf.finished:
            for p in pins:
                p.wipe()
            return
        self._clear_targets()
        if busy:
            self.show_busy()
        s.submitted.extend(pins)

        def done(_result: object = None) -> None:
            for p in pins:
                if p in s.submitted:
                    s.submitted.remove(p)

        def failed(exc: BaseException) -> None:
            done()
            for p in pins:
                p.wipe()
            if self.session is not s or s.workflow is not wf or wf.finished:
                return
            # an unexpected fault or a deadline: the workflow ends in Failed (cleanup wipes)
            exc = self._true_cause(s, exc)
            err = exc if isinstance(exc, errors.KioskError) else errors.KioskError(type(exc).__name__)
            log.warning("%s step failed: %s (%s)", wf.NAME, getattr(err, "code", "?"),
                        type(exc).__name__)
            try:
                wf.fail(err)
            except Exception:  # noqa: BLE001
                log.debug("workflow already ended", exc_info=True)

        self._submit(s, lambda: fn(*args), done, failed, self.settings.command_timeout_s)

    def cancel_workflow(self) -> None:
        """取消: end the workflow; back to the services (or the start, without a card)."""
        s = self.session
        if s is None or s.workflow is None:
            return
        self._end_workflow(s, removed=False)
        self.after_cancel()

    def after_cancel(self) -> None:
        s = self.session
        if s is None:
            return
        if s.workflow is not None and s.workflow.finished:
            if s.unsubscribe:
                s.unsubscribe()
            s.workflow = s.unsubscribe = None
        self._clear_targets()
        if s.reader is None:
            s.ending = s.ending or "cancelled"
            self._end_session(show_attract=True, ending="cancelled")
        else:
            self.show_home()

    @Slot(object, object)
    def _on_snapshot(self, wf: Any, snap: Snapshot) -> None:
        s = self.session
        if s is None or s.workflow is not wf or s.finishing:
            return   # a workflow of an ended session, or one ended on purpose
        self._render(wf, snap)

    def _render(self, wf: Any, snap: Snapshot) -> None:
        self._last = (wf, snap)
        self.flows.render(wf, snap)

    def rerender(self) -> None:
        """Show the current state again (the window's screens were rebuilt: a new theme)."""
        s = self.session
        if s is None:
            self._render_attract()
        elif s.finishing:
            self.window.show_screen(self.window.result)
        elif self._last is not None and s.workflow is self._last[0]:
            self.flows.render(*self._last)
        elif s.info is not None:
            self.show_home()
        else:
            self.window.show_screen(self.window.busy)
