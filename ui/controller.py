"""The controller: card events and the citizen's choices in, screens out.

It wires the views' signals, runs card and back-office work on the session's
:class:`~ui.card_worker.CardWorker` thread (a session that ends with a call
still running leaves it to that worker, retired; the next card gets a fresh
one, so a stuck network never delays the next citizen's card), renders the workflow's published
state (through :class:`~ui.flows.FlowRenderer`), and owns the session's lifetime:

- a card arrives → read it (busy screen) → home screen with the services the
  jurisdiction's rule pack offers (:func:`kiosk.services.home_services`);
- without a card, the attract screen's "I lost my card" and "where is my new
  card" start the services that need no card;
- a service → its workflow (``kiosk/workflows``), whose every
  :class:`~kiosk.workflows.base.Snapshot` becomes a screen;
- the card leaves, at any moment → the workflow ends (its cleanup wipes the
  PINs), pending answers are dropped, the transport is closed, the attract
  screen shows again;
- every wait is bounded: card jobs have deadlines, the result screen counts
  down, an idle citizen is warned, may ask for more time, then is timed out.

Every session is journalled (``kiosk_session``: how it ended, the staff
calls, the idle warnings; masked ids only); every service is journalled by its
workflow. It holds no rules: which PIN is weak, what a wrong PIN means for the
card, is the workflow's business; which sentence says so is ``ui/messages.py``'s.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Callable

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal, Slot

from devices.card.events import CardEvent, CardWatcher
from devices.card.ssc import HsmStep, SscCard, read_card_info
from devices.card.transport import CardChannel, ReaderBackend, Transport
from kiosk import errors
from kiosk.card import CardInfo
from kiosk.pin import Pin
from kiosk.workflows.base import Snapshot
from kiosk.workflows.registry import WorkflowContext, build_workflow

from . import messages, outcomes
from .card_worker import CardWorker, WatcherBridge
from .main_window import MainWindow
from .messages import MessageSource
from .screens.base import Option

log = logging.getLogger(__name__)

# home-screen services that start a workflow with the card in the reader
CARD_SERVICES = ("pin_change", "pin_reset", "pin_unblock", "lift_loss", "profile_change",
                 "card_status", "renewal")
# attract-screen services without the card: the workflow, and the pack services behind it
NO_CARD_SERVICES = {"loss_report": ("temporary_loss", "formal_loss"),
                    "card_status": ("card_status", "progress")}


@dataclass
class UiSettings:
    shuffle_keypad: bool = False
    # hand a PIN or an SMS code over when its last digit is typed (no 确认 tap)
    auto_submit: bool = True
    # the result screen returns to the attract screen after this many seconds
    result_seconds: int = 20
    # no touch for this long during a session → the "do you need more time?" warning
    idle_seconds: int = 90
    # the warning's countdown; no answer → the session ends
    idle_warning_seconds: int = 30
    # deadline of the card read (select, read, authentication with the back office)
    read_timeout_s: float = 30.0
    # deadline of one PIN command or back-office call
    command_timeout_s: float = 20.0
    # the live picture must have been good this long before the photo is taken by itself
    photo_hold_s: float = 1.0
    # speech: on at start (the citizen switches it in the header) and its volume, 0-100
    speech_on: bool = False
    speech_volume: int = 80
    # the languages offered (the first is the one the kiosk starts in); one: no switch
    languages: tuple[str, ...] = ("zh_CN", "en")
    # the journal cannot be written: re-checked this often (ui/journal_watch.py), wanting
    # this much free space (None: kiosk.journal.health.MIN_FREE_BYTES)
    journal_recheck_s: float = 10.0
    journal_min_free_bytes: int | None = None


@dataclass
class KioskServices:
    """What the services need besides the card: the back office, the rules, the journal.

    ``client`` is a :class:`kiosk.backoffice_client.BackOfficeClient`, ``pack`` a
    :class:`kiosk.policies.RulePack`; without them only the PIN change (card only)
    is offered. ``camera`` makes the kiosk's camera (a :class:`devices.camera.Camera`;
    the demo's is synthetic) for the renewal's photo and the face check; without
    one the photo cannot be taken and the face check is not offered. ``face_check``:
    the back office checks faces (the SMS code is offered beside it in any case).
    """

    client: Any = None
    pack: Any = None
    journal: Any = None
    outbox: Any = None
    camera: Callable[[], Any] | None = None
    face_check: bool = True
    # ui.maintenance_mode.MaintenanceServices: without it the entry gesture does nothing
    maintenance: Any = None

    @property
    def full(self) -> bool:
        return self.client is not None and self.pack is not None


@dataclass(eq=False)
class Session:
    """The citizen being served; fields written on the worker thread are marked."""

    reader: str | None                      # None: a service without the card
    transport: Transport | None = None      # set on the worker thread
    card: SscCard | None = None
    info: CardInfo | None = None
    workflow: Any = None
    unsubscribe: Callable[[], None] | None = None
    finishing: bool = False                 # on the result screen, waiting for the card to go
    submitted: list[Pin] = field(default_factory=list)   # handed to jobs not answered yet
    jobs: set[int] = field(default_factory=set)          # its jobs in flight
    attempt: Any = None                     # the journal's kiosk_session attempt
    ending: str | None = None               # how it ended, for the journal
    ran: Any = None                         # the last workflow it ran (a card effect's source)
    card_effect: str | None = None          # what the card did for it (a PIN command answered)
    client: Any = None                      # this citizen's view of the back-office client

    def close_on_worker(self) -> None:
        t, self.transport = self.transport, None
        if t is not None:
            try:
                t.close()
            except Exception:  # noqa: BLE001 - a card already gone
                log.debug("closing the transport failed", exc_info=True)


def warm_up_keyboard() -> None:
    """Build the pinyin keyboard's index in the background, so the first key is quick."""
    import threading

    def warm() -> None:
        try:
            from kiosk.pinyin_input import shared_engine

            shared_engine().warm_up()
        except Exception:  # noqa: BLE001 - the keyboard builds it itself when needed
            log.debug("pinyin warm-up failed", exc_info=True)

    threading.Thread(target=warm, name="pinyin-warm-up", daemon=True).start()


class KioskController(QObject):
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
        self.session: Session | None = None
        self._flows = None
        self.speaker: Any = None              # ui.speech.Speaker, set by the composition root
        self._present: dict[str, bool] = {}
        self._reader_trouble: errors.KioskError | None = None
        self._bridge: WatcherBridge | None = None
        self._shut = False
        self._last: tuple[Any, Snapshot] | None = None
        # what the current screen's answers do
        self._pin_target: Callable[[Pin], Any] | None = None
        self._pin_busy = True
        self._code_target: Callable[[str], Any] | None = None
        self._identity_target: Callable[[str, str], Any] | None = None
        self._text_target: Callable[[str], Any] | None = None
        self._pick_target: Callable[[Any], Any] | None = None
        from .camera_steps import CameraSteps
        from .maintenance_mode import MaintenanceMode
        from .journal_watch import JournalWatch
        self.camera = CameraSteps(self)
        self.maintenance = MaintenanceMode(self)
        self.journal_watch = JournalWatch(self)
        self._actions: dict[str, Callable[[], Any]] = {}
        self._window_wired = False

        self._snapshot.connect(self._on_snapshot, Qt.ConnectionType.QueuedConnection)
        self._card_effect.connect(self._on_card_effect, Qt.ConnectionType.QueuedConnection)
        #: the last session a pulled card ended before its result was shown
        self._pulled: Session | None = None

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
        self.wire()

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

    def _wire_screen(self, name: str, screen) -> None:
        if name.startswith("maintenance"):
            return                      # maintenance mode wires its own screens
        if name == "pin":
            screen.submitted.connect(self._on_pin_submitted)
            screen.cancelRequested.connect(self.cancel_workflow)
            return
        if name == "status":
            screen.doneRequested.connect(self.finish)
            return
        screen.chosen.connect(self._on_action)
        if name == "code":
            screen.submitted.connect(self._on_code_submitted)
        elif name == "photo":
            self.camera.wire(screen)
        elif name == "identity":
            screen.submitted.connect(self._on_identity_submitted)
        elif name == "text_entry":
            screen.submitted.connect(self._on_text_submitted)
        elif name == "picker":
            screen.picked.connect(self._on_picked)

    @property
    def flows(self):
        """The views of every workflow state (imported when the first service starts)."""
        if self._flows is None:
            from .flows import FlowRenderer

            self._flows = FlowRenderer(self)
        return self._flows

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
        if not self.services.full:
            return ("pin_change",)
        from kiosk.services import home_services

        offered = home_services(self.services.pack).offered
        out = []
        for s in CARD_SERVICES:
            key = "card_status" if s == "card_status" else s
            if s == "card_status":
                if "card_status" in offered or "progress" in offered:
                    out.append(key)
            elif s in offered:
                out.append(s)
        return tuple(out)

    def no_card_services(self) -> tuple[str, ...]:
        if not self.services.full or self.journal_watch.trouble is not None:
            return ()
        pack = self.services.pack
        return tuple(s for s, behind in NO_CARD_SERVICES.items()
                     if any(pack.offers(b).offered for b in behind))

    def can_check_face(self) -> bool:
        return self.services.face_check and self.services.camera is not None

    # --- card events ------------------------------------------------------------------
    @Slot(object)
    def _on_card_event(self, ev: CardEvent) -> None:
        log.info("card event %s on %r", ev.kind, ev.reader)
        if ev.kind == "inserted":
            self._present[ev.reader] = True
            s = self.session
            if s is not None and s.finishing and s.reader != ev.reader \
                    and not self.maintenance.active:
                # the next citizen's card during the result countdown: that result is over
                self._end_session(show_attract=False)
            if self.session is None and not self.maintenance.active:
                self._start_session(ev.reader)
        elif ev.kind in ("removed", "reader_removed"):
            self._present[ev.reader] = False
            if ev.kind == "reader_removed":
                self._present.pop(ev.reader, None)
                self._check_readers()
            if self.session is not None and self.session.reader == ev.reader:
                self._end_session(show_attract=True, ending="card_removed")
            elif self.session is None:
                self._render_attract()
        elif ev.kind == "reader_added":
            self._check_readers()
        elif ev.kind == "service_down":
            self._reader_trouble = errors.ReaderServiceDown("the PC/SC service stopped")
            self._present.clear()
            s = self.session
            if s is not None and s.reader is not None:
                trouble = self._reader_trouble
                self._journal_step(s, "reader_service_down")
                self.show_result(lambda: messages.describe(trouble), error=trouble)
            elif s is None:
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
    def _begin_journal(self, s: Session) -> None:
        j = self.services.journal
        if j is None:
            return
        try:
            s.attempt = j.begin("kiosk_session")
            s.attempt.step("started", with_card=s.reader is not None)
        except Exception:  # noqa: BLE001 - the journal must not stop the citizen
            log.exception("could not journal the session")
            s.attempt = None

    def _journal_step(self, s: Session | None, name: str, **data: Any) -> None:
        if s is None or s.attempt is None:
            return
        try:
            s.attempt.step(name, **data)
        except Exception:  # noqa: BLE001
            log.exception("could not journal %s", name)

    def _end_journal(self, s: Session, ending: str) -> None:
        if s.attempt is None:
            return
        outcome = {"card_removed": "card_removed", "idle_timeout": "timeout",
                   "finished": "ok", "shutdown": "cancelled"}.get(ending, "ok")
        if ending.startswith("error:"):
            outcome = "failed"
        try:
            s.attempt.step("ended", how=ending.split(":")[0])
            s.attempt.outcome(outcome, ending.split(":", 1)[1] if ":" in ending else None)
            self.services.journal.end(s.attempt)
        except Exception:  # noqa: BLE001
            log.exception("could not journal the end of the session")
        s.attempt = None

    def _start_session(self, reader: str) -> None:
        s = Session(reader=reader)
        self.session, self._pulled = s, None
        self._begin_journal(s)
        if self._out_of_service():
            return
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
        """A job of session ``s``; dropped with the session."""
        job_id = 0

        def done(value) -> None:
            s.jobs.discard(job_id)
            if on_success:
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
        if s.attempt is not None:
            try:
                h = s.info.holder
                s.attempt.identify(card_no=s.info.card.card_no, ssn=h.ssn if h else None)
            except Exception:  # noqa: BLE001
                log.exception("could not journal the card")
        self.show_home()

    def show_home(self) -> None:
        s = self.session
        if s is None or s.info is None:
            self.back_to_attract()
            return
        self.window.home.show_card(s.info)
        self.window.show_screen(self.window.home)
        self._touch()

    def _on_read_failed(self, s: Session, exc: BaseException) -> None:
        if not self._current(s):
            return
        exc = self._true_cause(s, exc)
        log.info("card read failed: %s", getattr(exc, "code", type(exc).__name__))
        if isinstance(exc, errors.CardRemoved) or not self._present.get(s.reader, True):
            self._end_session(show_attract=True, ending="card_removed")
            return
        self.show_result(lambda: messages.describe(exc), error=exc)

    def back_to_attract(self) -> None:
        s = self.session
        self._end_session(show_attract=True,
                          ending=(s.ending or "finished") if s is not None else "finished")

    _back_to_attract = back_to_attract

    def _end_session(self, *, show_attract: bool, ending: str = "finished") -> None:
        s = self.session
        self.session = None
        self._last = None
        self._idle_timer.stop()
        self._result_timer.stop()
        self._stop_warning()
        self._clear_targets()
        told = None
        if s is not None:
            self.worker.drop(s.jobs)
            s.jobs.clear()
            removed = s.reader is not None and not self._present.get(s.reader, False)
            if removed and not s.finishing:
                # pulled before a result was shown: the card may still answer (a late effect)
                self._pulled, told = s, s.card_effect
            self._end_workflow(s, removed=removed)
            for p in s.submitted:     # PINs handed over that a stale job still holds
                p.wipe()
            s.submitted.clear()
            # on the result screen the session already ended its way (finished, an error,
            # the idle time): the card taken afterwards does not change that
            self._end_journal(s, (s.ending or "finished") if s.finishing else ending)
            if s.reader is not None and not self._shut:
                self.worker.submit(s.close_on_worker, timeout_s=self.settings.command_timeout_s)
            if self.worker.busy() and not self._shut:
                self._retire_worker()
        self.window.wipe_inputs()
        if show_attract and told:
            self._tell_card_effect(told)
        elif show_attract:
            self._render_attract()
        if s is not None and not self._shut:
            self.sessionEnded.emit()

    @Slot(object, object)
    def _on_card_effect(self, wf: Any, effect: str) -> None:
        """The card carried out a PIN command: remembered for the session; told at once when
        the workflow had ended without its result (the command's deadline passed, 取消) or
        the card was pulled before the workflow could show its result."""
        s = self.session
        if s is not None and s.ran is wf:
            s.card_effect = effect
            if wf.state in wf.COMMON_FINAL:   # it had ended (a deadline, 取消) before the answer
                self._tell_card_effect(effect)
        elif s is None and self._pulled is not None and self._pulled.ran is wf:
            self._pulled = None
            self._tell_card_effect(effect)

    def _tell_card_effect(self, effect: str) -> None:
        """The result screen for a card whose service ended without its own result after the
        card carried out a PIN command: what the card holds now."""
        log.info("the card's %s is told to the citizen", effect)
        self.show_result(lambda: outcomes.card_changed(effect))

    def _retire_worker(self) -> None:
        """The ended session's worker finishes what it runs and what it queued (a stuck
        back-office call ends by the client's deadline, then the card is closed); the next
        citizen's card gets a fresh worker, never waiting behind the network."""
        old, self.worker = self.worker, CardWorker("reader", self)
        self._retired.append(old)
        old.stopped.connect(self._forget_retired)
        old.retire()

    def _forget_retired(self, worker: CardWorker) -> None:
        if worker in self._retired:
            self._retired.remove(worker)
            worker.deleteLater()

    def _true_cause(self, s: Session, exc: BaseException) -> BaseException:
        """A job's deadline that passed while the back office was being asked is the back
        office's slowness, not the card's (never 读卡超时 for a network wait); a write
        still waiting for its answer may have taken effect."""
        if not isinstance(exc, errors.CardTimeout):
            return exc
        clients = [c for c in (s.client, self.services.client) if c is not None]
        details = {"reason": "step_deadline"}
        if any(getattr(c, "writes_in_flight", 0) for c in clients):
            return errors.OutcomeUnknown("the back office did not answer in time; the request "
                                         "may have taken effect", details=details)
        if any(getattr(c, "requests_in_flight", 0) for c in clients):
            return errors.BackOfficeTimeout("the back office did not answer in time",
                                            details=details)
        return exc

    def _citizen_client(self, s: Session) -> Any:
        """This citizen's own view of the back-office client (its own session token)."""
        if s.client is None:
            client = self.services.client
            s.client = client.for_citizen() if hasattr(client, "for_citizen") else client
        return s.client

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
        if self.maintenance.active:
            return                      # the technician's screens stay until they leave
        trouble = self.journal_watch.trouble or self._reader_trouble
        status: MessageSource | None = (lambda: messages.describe(trouble)) if trouble else None
        left_in = any(self._present.values())
        self.window.attract.show_status(status, card_left_in=left_in and status is None)
        self.window.show_screen(self.window.attract)

    def show_result(self, source: MessageSource, *, error: BaseException | None = None) -> None:
        """The result screen; the session stays until the card goes or the countdown ends."""
        s = self.session
        if s is not None:
            s.finishing = True
            if error is not None:
                s.ending = f"error:{getattr(error, 'code', type(error).__name__)}"
                self._journal_step(s, "error", code=getattr(error, "code", type(error).__name__))
            if s.workflow is not None:
                self._end_workflow(s, removed=False)
        self._clear_targets()
        self.window.wipe_inputs(keep_home=True)     # nothing typed stays behind the result
        self._idle_timer.stop()
        self._stop_warning()
        self._result_left = self.settings.result_seconds
        self.window.result.show_message(source, self._result_left)
        self.window.show_screen(self.window.result)
        self._result_timer.start()

    _show_result = show_result

    def _on_result_tick(self) -> None:
        self._result_left -= 1
        if self._result_left <= 0:
            self.back_to_attract()
        else:
            self.window.result.set_seconds_left(self._result_left)

    def finish(self) -> None:
        """结束办理: thank the citizen and ask them to take the card."""
        if self.session is not None:
            self.session.ending = self.session.ending or "finished"
            self.show_result(messages.finished)

    # --- idle: a warning, more time, or the end ---------------------------------------------------
    def _touch(self) -> None:
        if self.session is not None and not self.session.finishing:
            self._idle_timer.start(self.settings.idle_seconds * 1000)

    def user_activity(self) -> None:
        """Called by the application's event filter on every touch."""
        if self._idle_timer.isActive():
            self._touch()
        elif self.session is None:
            self.journal_watch.recheck()      # out of service: a touch checks again

    # --- the journal cannot be written (ui/journal_watch.py) --------------------------------
    def _out_of_service(self) -> bool:
        """After a new session's first journal write: no journal, no service (the attract
        screen says so). True when the session was dropped."""
        if self.journal_watch.trouble is None:
            return False
        self.session = None
        self._render_attract()
        self.journal_watch.recheck()          # a card or a tap: check again now
        return True

    def journal_changed(self, trouble: errors.JournalUnavailable | None) -> None:
        """The journal became unwritable (no service starts) or writable again."""
        self._refresh_offers()
        if self.session is None:
            self._render_attract()

    def _on_idle(self) -> None:
        s = self.session
        if s is None or s.finishing:
            return
        log.info("idle: warning")
        self._journal_step(s, "idle_warning")
        self._warning_left = self.settings.idle_warning_seconds
        self.window.idle_warning.show_countdown(self._warning_left)
        self._warning_timer.start()
        self._say_text(self.window.idle_warning.speech_text())

    def _on_warning_tick(self) -> None:
        self._warning_left -= 1
        if self._warning_left > 0:
            self.window.idle_warning.set_seconds_left(self._warning_left)
            return
        self._stop_warning()
        s = self.session
        if s is None or s.finishing:
            return
        log.info("idle timeout")
        s.ending = "idle_timeout"
        self._journal_step(s, "idle_timeout")
        if s.reader is None:     # no card to take back: straight to the start
            self._end_session(show_attract=True, ending="idle_timeout")
        elif s.card_effect:      # the card did something before the citizen left: say what
            self._tell_card_effect(s.card_effect)
        else:
            self.show_result(messages.timed_out)

    def more_time(self) -> None:
        """我需要更多时间: the warning goes, the idle time starts again."""
        self._journal_step(self.session, "more_time")
        self._stop_warning()
        self._touch()

    def _stop_warning(self) -> None:
        self._warning_timer.stop()
        self.window.idle_warning.dismiss()

    # --- call staff --------------------------------------------------------------------------------
    def call_staff(self) -> None:
        """呼叫工作人员: journalled (for the hall's staff and the fleet), the citizen is told."""
        log.info("staff called")
        s = self.session
        if s is not None:
            self._journal_step(s, "staff_called")
        elif self.services.journal is not None:
            try:
                with self.services.journal.attempt("kiosk_session") as a:
                    a.step("staff_called")
            except Exception:  # noqa: BLE001
                log.exception("could not journal the staff call")
        self.window.notice.show_message(outcomes.staff_called)
        self._say_text(self.window.notice.speech_text())

    # --- starting services ---------------------------------------------------------------------------
    def _kw(self) -> dict[str, Any]:
        sv = self.services
        return {"journal": sv.journal, "outbox": sv.outbox, "run_later": self._run_later}

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
        self._journal_step(s, "service", service=service)
        try:
            wf = self._make_workflow(service, s)
        except errors.KioskError as exc:
            self.show_result(lambda err=exc: messages.describe(err), error=exc)
            return
        self._run(s, wf)

    def start_without_card(self, service: str) -> None:
        """"I lost my card" / "where is my new card": a session without the card."""
        if self.session is not None or not self.services.full:
            return
        s = Session(reader=None)
        self.session, self._pulled = s, None
        self._begin_journal(s)
        if self._out_of_service():
            return
        self._journal_step(s, "service", service=service)
        try:
            wf = build_workflow(service, self._workflow_context(s))
        except errors.KioskError as exc:
            self.show_result(lambda err=exc: messages.describe(err), error=exc)
            return
        self._run(s, wf)

    def _make_workflow(self, service: str, s: Session) -> Any:
        return build_workflow(service, self._workflow_context(s))

    def _workflow_context(self, s: Session) -> WorkflowContext:
        sv = self.services
        return WorkflowContext(client=self._citizen_client(s) if sv.full else None,
                               pack=sv.pack if sv.full else None, card=s.card,
                               card_info=s.info, journal=sv.journal,
                               outbox=sv.outbox if sv.full else None,
                               run_later=self._run_later,
                               camera_present=self.can_check_face())

    def _run(self, s: Session, wf: Any) -> None:
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

    # --- screens the flows ask for ------------------------------------------------------------------
    def _clear_targets(self) -> None:
        """The new screen's answers replace the old one's (a stale tap does nothing)."""
        self._pin_target = None
        self._code_target = None
        self._identity_target = self._text_target = self._pick_target = None
        self._actions = {}

    def _show(self, screen) -> None:
        self.window.show_screen(screen)
        self._touch()

    def show_busy(self) -> None:
        self.window.busy.show_working()
        self.window.show_screen(self.window.busy)

    def ask_pin(self, step: str, target: Callable[[Pin], Any], message: MessageSource | None,
                *, service=None, step_of: tuple[int, int] | None = None, busy: bool = True) -> None:
        self._clear_targets()
        self._pin_target, self._pin_busy = target, busy
        self.window.pin.keypad.auto_submit = self.settings.auto_submit
        self.window.pin.show_step(step, message, service=service, step_of=step_of)
        self._show(self.window.pin)

    def ask_code(self, *, service, prompt, length: int, submit: Callable[[str], Any],
                 text=None, message=None, secondary: list[Option] | None = None,
                 actions: dict | None = None, auto_submit: bool = False,
                 grouping: tuple[int, ...] = (), initial: str = "", min_length: int | None = None,
                 with_x: bool = False) -> None:
        self._clear_targets()
        self._code_target = submit
        self._actions = dict(actions or {})
        self.window.code.show_entry(service=service, prompt=prompt, length=length, text=text,
                                    message=message, secondary=secondary,
                                    auto_submit=auto_submit and self.settings.auto_submit,
                                    grouping=grouping, initial=initial, min_length=min_length,
                                    with_x=with_x)
        self._show(self.window.code)

    def ask_choice(self, *, service, prompt, options: list[Option], actions: dict,
                   secondary: list[Option] | None = None, text=None, message=None) -> None:
        self._clear_targets()
        self._actions = dict(actions)
        self.window.choice.show_choice(service=service, prompt=prompt, options=options,
                                       secondary=secondary, text=text, message=message)
        self._show(self.window.choice)

    def ask_confirm(self, *, service, prompt, rows, actions: list[Option], handlers: dict,
                    note=None, message=None) -> None:
        self._clear_targets()
        self._actions = dict(handlers)
        self.window.confirm.show_confirm(service=service, prompt=prompt, rows=rows,
                                         actions=actions, note=note, message=message)
        self._show(self.window.confirm)

    def show_status(self, card, applications) -> None:
        self._clear_targets()
        s = self.session
        if s is not None and s.workflow is not None:
            if s.unsubscribe:
                s.unsubscribe()
            s.workflow = s.unsubscribe = None     # finished: its cleanup ran
        self.window.status.show_status(card, applications)
        self._show(self.window.status)

    def ask_identity(self, target: Callable[[str, str], Any], service, *, field=None,
                     reason=None, code=None) -> None:
        self._clear_targets()
        self._identity_target = target
        self._actions = {"cancel": self.cancel_workflow}
        self.window.identity.show_identity(service=service, field=field, reason=reason, code=code)
        self._show(self.window.identity)

    def ask_face(self, wf: Any, service, message=None) -> None:
        """The face check on the live camera (a text message code always offered beside it)."""
        if self.can_check_face():
            self.camera.check_face(wf, service, message)
            return
        self.ask_choice(service=service,
                        prompt=lambda: messages.face_unavailable(),
                        options=[Option("other", lambda: messages.use_sms_instead())],
                        actions={"other": lambda: self.act(wf.use_sms_instead),
                                 "cancel": self.cancel_workflow},
                        secondary=[Option("cancel", lambda: messages.cancel_word())])

    def take_photo(self, wf: Any, service, *, exempt: bool, message=None) -> None:
        self.camera.take_photo(wf, service, exempt=exempt, message=message)

    def ask_address(self, wf: Any, service, on_record: str | None, message=None) -> None:
        """The renewal's mailing address: the one on record, or a new one typed."""
        options = []
        actions: dict[str, Callable[[], Any]] = {}
        if on_record:
            options.append(Option("on_record", lambda: messages.mail_to(on_record)))
            actions["on_record"] = lambda: self.act(wf.enter_mailing_address, None)
        options.append(Option("new", lambda: messages.new_address()))
        actions["new"] = lambda: self.ask_text(
            service=service, prompt=messages.new_address, max_length=200,
            submit=lambda text: self.act(wf.enter_mailing_address, text))
        actions["cancel"] = self.cancel_workflow
        self.ask_choice(service=service, prompt=messages.where_to_mail, options=options,
                        actions=actions, message=message,
                        secondary=[Option("cancel", lambda: messages.cancel_word())])

    def ask_text(self, *, service, prompt, submit: Callable[[str], Any], max_length: int = 200,
                 initial: str = "", region: bool = False) -> None:
        self._clear_targets()
        self._text_target = submit
        self._actions = {"cancel": self._back_to_last}
        self.window.text_entry.show_entry(service=service, prompt=prompt, max_length=max_length,
                                          initial=initial, region=region)
        self._show(self.window.text_entry)

    def ask_pick(self, *, service, prompt, kind: str, submit: Callable[[Any], Any],
                 current: Any = None) -> None:
        self._clear_targets()
        self._pick_target = submit
        self._actions = {"cancel": self._back_to_last}
        self.window.picker.show_picker(service=service, prompt=prompt, kind=kind, current=current)
        self._show(self.window.picker)

    def edit_profile(self, wf: Any, info: dict, service) -> None:
        from .profile_editing import ProfileEditing

        ProfileEditing(self, wf, info, service).show()

    def _back_to_last(self) -> None:
        if self._last is not None:
            self.flows.render(*self._last)

    # --- answers from the screens -----------------------------------------------------------------
    def _on_action(self, key: str) -> None:
        fn = self._actions.get(key)
        if fn is None:
            log.debug("no action %r here", key)
            return
        fn()

    def _on_pin_submitted(self, pin: Pin) -> None:
        target, busy = self._pin_target, self._pin_busy
        if target is None or self.session is None:
            pin.wipe()
            return
        self.act(target, pin, busy=busy)

    def _on_code_submitted(self, code: str) -> None:
        target = self._code_target
        if target is not None:
            target(code)

    def _on_identity_submitted(self, ssn: str, name: str) -> None:
        target = self._identity_target
        if target is not None and self.session is not None:
            self.act(target, ssn, name)

    def _on_text_submitted(self, text: str) -> None:
        target = self._text_target
        if target is not None:
            target(text)

    def _on_picked(self, value: Any) -> None:
        target = self._pick_target
        if target is not None:
            target(value)

    # --- speech ------------------------------------------------------------------------------------
    def _on_screen_shown(self, screen) -> None:
        if self.window.built("photo") is not screen:
            self.camera.stop()          # the camera runs only while its screen shows
        self._say_text(screen.speech_text())

    def _say_text(self, text: str) -> None:
        """Speak a screen's words. A long number on it (an application number) is left
        out rather than read: speech refuses runs of digits, so that no PIN is ever spoken."""
        if self.speaker is None or not text or not self.speaker.enabled:
            return
        import re

        from . import i18n
        from .speech import speakable

        if not speakable(text):
            text = re.sub(r"[0-9０-９][0-9０-９\s\-.,:/_]*", " ", text)
        self.speaker.say(text, i18n.current_language())

    def language_changed(self) -> None:
        """Speech reads the screen in the new language, once the screens have written their
        texts again (the language-change events are delivered by the event loop)."""
        QTimer.singleShot(0, lambda: self._say_text(self.window.current_screen().speech_text()))
