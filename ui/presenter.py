"""The presenter of screens: the ``ask_*`` family the flows call, and the answers.

Each ``ask_*`` shows one screen and remembers what its answers do (a PIN, a code,
an identity, a text, a picked value, or one of the offered actions); a new screen
replaces the old one's answers, so a stale tap does nothing. The citizen's answers
run through :meth:`act` (the session's worker thread). It speaks each screen as it
shows (the header's speech switch). The controller mixes it in
(:class:`ui.controller.KioskController`); the views of a workflow's states are
``ui/flows.py``'s, handed in by the composition root as ``flows``.
"""

from __future__ import annotations

import logging
from typing import Any, Callable

from PySide6.QtCore import QTimer

from kiosk.pin import Pin

from . import messages
from .messages import MessageSource
from .screens.base import Option

log = logging.getLogger(__name__)


class ScreenPresenter:
    """Screens out, answers in (mixed into the controller, which provides ``window``,
    ``settings``, ``session``, ``act``, ``cancel_workflow``, ``_touch``, and the parts
    the composition root hands it: ``flows``, ``camera``, ``profile_editing``,
    ``speaker``)."""

    def _init_targets(self) -> None:
        self._last: tuple[Any, Any] | None = None
        # what the current screen's answers do
        self._pin_target: Callable[[Pin], Any] | None = None
        self._pin_busy = True
        self._code_target: Callable[[str], Any] | None = None
        self._identity_target: Callable[[str, str], Any] | None = None
        self._text_target: Callable[[str], Any] | None = None
        self._pick_target: Callable[[Any], Any] | None = None
        self._actions: dict[str, Callable[[], Any]] = {}

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
        self.profile_editing(self, wf, info, service).show()

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
