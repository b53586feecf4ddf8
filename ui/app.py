"""The composition root: the one place that puts the kiosk's UI together.

Everything the UI talks to is injected, so the same function builds the kiosk
on real PC/SC readers and a province's back office, and, in tests and the
demo, on :class:`devices.card.emulator.inprocess.EmulatedReaders` and the
embedded reference back office.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication

from devices.card.events import CardWatcher
from devices.card.ssc import HsmStep
from devices.card.transport import ReaderBackend

from . import theme as themes
from .controller import KioskController, KioskServices, UiSettings
from .main_window import DESIGN_SIZE, MainWindow, install_app_filters


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
    controller.speaker = speaker
    window.controller = controller
    window.app_filters = install_app_filters(app, controller.user_activity)
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
    if start:
        controller.start()
    return window


def switch_language(window: MainWindow, language: str | None = None) -> None:
    """Chinese ↔ English, live: every screen writes its texts again."""
    from . import i18n

    if language is None:
        language = "en" if i18n.current_language() == "zh_CN" else "zh_CN"
    i18n.install(QApplication.instance(), language)
    window.controller.language_changed()


def switch_theme(window: MainWindow, *, large: bool | None = None,
                 high_contrast: bool | None = None) -> None:
    """Large text (长辈版) and high contrast, live: the screens are built again at the new sizes."""
    t = themes.current()
    new = themes.theme_for(t.large if large is None else large,
                           t.high_contrast if high_contrast is None else high_contrast)
    if new == t:
        return
    themes.apply(QApplication.instance(), new)
    window.rebuild()
    window.controller.wire()
    window.controller.rerender()


def switch_speech(window: MainWindow, on: bool | None = None) -> None:
    """Speech on or off; turning it on reads the current screen."""
    on = (not window.speech_on) if on is None else on
    window.set_speech(on)
    c = window.controller
    if c.speaker is not None:
        c.speaker.set_enabled(on)
        if on:
            c._say_text(window.current_screen().speech_text())
        else:
            c.speaker.stop()


def teardown(window: MainWindow) -> None:
    """Stop the controller and remove the application filters (idempotent); unlocks the window."""
    window.locked = False
    app_ = QApplication.instance()
    if app_ is not None and getattr(window, "cursor_hidden", False):
        app_.restoreOverrideCursor()
        window.cursor_hidden = False
    controller: KioskController | None = getattr(window, "controller", None)
    app = QApplication.instance()
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
