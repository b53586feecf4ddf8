"""The citizen session: card events, the session's lifetime, its timers and its journal.

- a card arrives → read it (busy screen) → the home screen;
- the card leaves, at any moment → the workflow ends (its cleanup wipes the PINs),
  pending answers are dropped, the transport is closed, the attract screen shows again;
  a session that ends with a call still running leaves it to its worker, retired (the
  next card gets a fresh one, so a stuck network never delays the next citizen);
- every wait is bounded: card jobs have deadlines, the result screen counts down, an
  idle citizen is warned, may ask for more time, then is timed out;
- every session is journalled (``kiosk_session``: how it ended, the staff calls, the
  idle warnings; masked ids only); when the journal cannot be written
  (``ui/journal_watch.py``) no session starts.

The facts that are not Qt's (the session's record, the journal's outcome, a deadline's
meaning) are :mod:`kiosk.citizen_session`'s. The controller mixes this in
(:class:`ui.controller.KioskController`), providing the window, the worker, the timers.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import Slot

from devices.card.events import CardEvent
from devices.card.ssc import SscCard, read_card_info
from devices.card.transport import CardChannel
from kiosk import errors
from kiosk.card import CardInfo
from kiosk.citizen_session import CitizenSession, journal_outcome, true_cause

from . import messages, outcomes
from .card_worker import CardWorker
from .messages import MessageSource

log = logging.getLogger(__name__)


class CitizenSessionMixin:
    """The session's lifetime (mixed into the controller)."""

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
    def _begin_journal(self, s: CitizenSession) -> None:
        j = self.services.journal
        if j is None:
            return
        try:
            s.attempt = j.begin("kiosk_session")
            s.attempt.step("started", with_card=s.reader is not None)
        except Exception:  # noqa: BLE001 - the journal must not stop the citizen
            log.exception("could not journal the session")
            s.attempt = None

    def _journal_step(self, s: CitizenSession | None, name: str, **data: Any) -> None:
        if s is None or s.attempt is None:
            return
        try:
            s.attempt.step(name, **data)
        except Exception:  # noqa: BLE001
            log.exception("could not journal %s", name)

    def _end_journal(self, s: CitizenSession, ending: str) -> None:
        if s.attempt is None:
            return
        how, outcome, detail = journal_outcome(ending)
        try:
            s.attempt.step("ended", how=how)
            s.attempt.outcome(outcome, detail)
            self.services.journal.end(s.attempt)
        except Exception:  # noqa: BLE001
            log.exception("could not journal the end of the session")
        s.attempt = None

    def _start_session(self, reader: str) -> None:
        s = CitizenSession(reader=reader)
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

    def _submit(self, s: CitizenSession, fn, on_success, on_failure, timeout_s: float) -> None:
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

    def _current(self, s: CitizenSession) -> bool:
        return self.session is s and not s.finishing

    def _on_read(self, s: CitizenSession, result: tuple[SscCard, CardInfo]) -> None:
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

    def _on_read_failed(self, s: CitizenSession, exc: BaseException) -> None:
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
            s.wipe_submitted()
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

    def _true_cause(self, s: CitizenSession, exc: BaseException) -> BaseException:
        """What a step's passed deadline means (:func:`kiosk.citizen_session.true_cause`)."""
        return true_cause(exc, (s.client, self.services.client))

    def _citizen_client(self, s: CitizenSession) -> Any:
        """This citizen's own view of the back-office client (its own session token)."""
        if s.client is None:
            client = self.services.client
            s.client = client.for_citizen() if hasattr(client, "for_citizen") else client
        return s.client

    def _end_workflow(self, s: CitizenSession, *, removed: bool) -> None:
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
