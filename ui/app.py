"""The composition root: the one place that puts the kiosk's UI together.

Everything the UI talks to is injected, so the same function builds the kiosk
on real PC/SC readers and a province's back office, and, in tests and the
demo, on :class:`devices.card.emulator.inprocess.EmulatedReaders` and the
embedded reference back office.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication

from devices.card.events import CardWatcher
from devices.card.ssc import HsmStep
from devices.card.transport import ReaderBackend

from . import theme as themes
from .controller import KioskController, KioskServices, UiSettings
from .main_window import DESIGN_SIZE, MainWindow, install_app_filters
from .switches import switch_language, switch_speech, switch_theme

__all__ = ["build_app", "restore_defaults", "show_kiosk", "switch_language", "switch_speech",
           "switch_theme", "teardown"]


def ensure_application(argv: list[str] | None = None) -> QApplication:
    """The running QApplication, or a new one (the caller checked for a display)."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("ssc-kiosk")
    return app  # type: ignore[return-value]


def build_app(backend: ReaderBackend, watcher: CardWatcher, hsm_step: HsmStep | None, *,
              settings: UiSettings | None = None, theme: themes.Theme = themes.NORMAL,
              services: KioskServices | None = None, speaker=None, language: str | None = None,
              start: bool = True) -> MainWindow:
    """Build the kiosk window and its controller; ``start`` subscribes to the watcher and starts it.

    ``hsm_step`` is the back office's card-authentication step
    (``kiosk.backoffice_client.hsm_step(client)``); ``services`` the back office
    client, the rule pack, the journal and the outbox (without them only the PIN
    change is offered); ``speaker`` a :class:`ui.speech.Speaker` (off until the
    citizen turns it on); ``language`` the starting language (``zh_CN``). The
    returned window is not shown yet (see :func:`show_kiosk`);
    ``window.controller`` is its controller; closing the window (or
    :func:`teardown`) ends the session, stops the watcher and the card thread,
    and removes the application-wide filters.
    """
    app = ensure_application()
    themes.apply(app, theme)
    from . import i18n

    i18n.install(app, language or i18n.DEFAULT_LANGUAGE)
    settings = settings or UiSettings()
    window = MainWindow(shuffle_keypad=settings.shuffle_keypad)
    window.set_language_switch(len(settings.languages) > 1)
    controller = KioskController(window, backend, watcher, hsm_step, settings, services,
                                 parent=window)
    assemble(controller)
    controller.speaker = speaker
    window.controller = controller
    window.app_filters = install_app_filters(app, lambda: on_activity(window))
    controller.maintenance.install_gesture(app)       # the technician's way in
    window.closing.connect(lambda: teardown(window))
    window.languageRequested.connect(lambda: switch_language(window))
    window.largeFontRequested.connect(lambda: switch_theme(window, large=not themes.current().large))
    window.highContrastRequested.connect(
        lambda: switch_theme(window, high_contrast=not themes.current().high_contrast))
    window.speechRequested.connect(lambda: switch_speech(window))
    if speaker is not None:
        speaker.set_volume(settings.speech_volume)
        switch_speech(window, settings.speech_on)
    # what every citizen starts with: the kiosk's settings, not what the last citizen chose
    window.defaults = KioskDefaults(i18n.current_language(), themes.current(), window.speech_on)
    window.fresh_start = FreshStart(window)
    for switched in (window.languageRequested, window.largeFontRequested,
                     window.highContrastRequested, window.speechRequested):
        switched.connect(window.fresh_start.touched)     # after the switch itself
    if start:
        controller.start()
    return window


def assemble(controller: KioskController) -> None:
    """The controller's parts: the views of the workflows' states, the camera steps,
    maintenance mode, the journal watch and the profile editor (each refers back to the
    controller; made here, so the controller's module imports none of them)."""
    from .camera_steps import CameraSteps
    from .journal_watch import JournalWatch
    from .maintenance import MaintenanceMode

    def flows():                # imported when the first service starts (a quick first paint)
        from .flows import FlowRenderer

        return FlowRenderer(controller)

    def profile_editing(*args):
        from .profile_editing import ProfileEditing

        return ProfileEditing(*args)

    controller.attach(flows=flows, camera=CameraSteps(controller),
                      maintenance=MaintenanceMode(controller),
                      journal_watch=JournalWatch(controller), profile_editing=profile_editing)


@dataclass(frozen=True)
class KioskDefaults:
    """The language, text size, contrast and speech the kiosk starts in (from its settings)."""

    language: str
    theme: themes.Theme
    speech_on: bool


def at_defaults(window: MainWindow) -> bool:
    from . import i18n

    d: KioskDefaults = window.defaults
    t = themes.current()
    return (i18n.current_language() == d.language and t.large == d.theme.large
            and t.high_contrast == d.theme.high_contrast
            and (window.speech_on == d.speech_on or window.controller.speaker is None))


def on_activity(window: MainWindow) -> None:
    """A touch or a key anywhere (the application's filter)."""
    window.controller.user_activity()
    window.fresh_start.touched()


class FreshStart(QObject):
    """Every citizen starts in the kiosk's defaults: they come back when a session ends
    (finished, timed out, the card pulled), and when someone switched them on the start
    screen and went away without a session (the session's idle time without a touch)."""

    def __init__(self, window: MainWindow):
        super().__init__(window)
        self.window = window
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.timeout.connect(self._on_idle)
        window.controller.sessionEnded.connect(self._on_session_ended)

    def touched(self) -> None:
        """Someone is at the start screen: the defaults wait for them to go."""
        c = self.window.controller
        if c.session is None and not at_defaults(self.window):
            self._idle.start(c.settings.idle_seconds * 1000)
        else:
            self._idle.stop()

    def stop(self) -> None:
        self._idle.stop()

    def _on_session_ended(self) -> None:
        self._idle.stop()
        restore_defaults(self.window)

    def _on_idle(self) -> None:
        c = self.window.controller
        if c.session is None and not c.maintenance.active:
            restore_defaults(self.window)


def restore_defaults(window: MainWindow) -> None:
    """Back to the kiosk's defaults, whatever the citizen switched
    (English, 长辈版, high contrast, speech); nothing is done for what is unchanged."""
    from . import i18n

    d: KioskDefaults = window.defaults
    if i18n.current_language() != d.language:
        switch_language(window, d.language)
    switch_theme(window, large=d.theme.large, high_contrast=d.theme.high_contrast)
    if window.speech_on != d.speech_on and window.controller.speaker is not None:
        switch_speech(window, d.speech_on)


def teardown(window: MainWindow) -> None:
    """Stop the controller and remove the application filters (idempotent); unlocks the window."""
    window.locked = False
    app_ = QApplication.instance()
    if app_ is not None and getattr(window, "cursor_hidden", False):
        app_.restoreOverrideCursor()
        window.cursor_hidden = False
    controller: KioskController | None = getattr(window, "controller", None)
    app = QApplication.instance()
    fresh: FreshStart | None = getattr(window, "fresh_start", None)
    if fresh is not None:
        fresh.stop()
    if controller is not None:
        controller.shutdown()
        if app is not None:
            controller.maintenance.remove_gesture(app)
    filters: list[QObject] = getattr(window, "app_filters", [])
    for f in filters:
        if app is not None:
            app.removeEventFilter(f)
    window.app_filters = []


def show_kiosk(window: MainWindow, *, windowed: bool = False) -> None:
    """Full screen and frameless, or (development) a framed window of the design size."""
    if windowed:
        from PySide6.QtCore import Qt

        window.setWindowFlag(Qt.WindowType.FramelessWindowHint, False)
        screen = window.screen() or QApplication.primaryScreen()
        window.keep_within(screen, available=True)
        w, h = DESIGN_SIZE
        if screen is not None:
            area = screen.availableGeometry()
            w, h = min(w, area.width()), min(h, area.height())
        window.resize(w, h)
        window.showNormal()
    else:
        # locked down: no frame, no cursor, no closing (maintenance mode unlocks)
        from PySide6.QtCore import Qt

        window.locked = True
        QApplication.setOverrideCursor(Qt.CursorShape.BlankCursor)
        window.cursor_hidden = True
        # Set the geometry too: without a window manager (a kiosk's bare X server,
        # Xvfb) "full screen" alone leaves the window at its own size.
        screen = window.screen() or QApplication.primaryScreen()
        window.keep_within(screen)
        if screen is not None:
            window.setGeometry(screen.geometry())
        window.showFullScreen()
