"""The kiosk's one window: frameless, full screen, a stack of screens.

A view: it builds the screens and switches between them when the controller
says so. No context menu anywhere (an application-wide filter eats them, long
presses included), no focus rectangles, designed for 1920 × 1080 touch.

The window keeps the size it was given (the screen's, see ``ui.app.show_kiosk``):
what a screen asks for never makes it grow. Qt would otherwise raise a window's
minimum size to the largest minimum of the stacked screens (the hidden ones
included) and resize the window past the screen, where it stayed for every later
citizen (the header's 呼叫工作人员 cut off, the main button off the screen). A
screen that asks for more than the window has is logged (``ui/inventory.py``
reports what it clips); each screen is laid out to fit 1920 × 1080 in every mode.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QScreen
from PySide6.QtWidgets import QApplication, QLayout, QStackedWidget, QVBoxLayout, QWidget

from .screens.attract import AttractScreen
from .screens.base import Screen
from .screens.busy import BusyScreen
from .screens.home import HomeScreen
from .screens.result import ResultScreen
from .widgets.overlay import IdleWarning, Notice

DESIGN_SIZE = (1920, 1080)

log = logging.getLogger(__name__)


def _screen(module: str, cls: str):
    """A screen class, imported when the screen is first built."""
    import importlib

    return getattr(importlib.import_module(f"ui.screens.{module}"), cls)


class NoContextMenus(QObject):
    """Installed on the application: no widget ever opens a context menu."""

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        return event.type() == QEvent.Type.ContextMenu or super().eventFilter(obj, event)


class UserActivity(QObject):
    """Installed on the application: reports touches and key presses (for the idle timer)."""

    _KINDS = {QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin, QEvent.Type.KeyPress}

    def __init__(self, on_activity, parent: QObject | None = None):
        super().__init__(parent)
        self._on_activity = on_activity

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() in self._KINDS:
            self._on_activity()
        return False


class MainWindow(QWidget):
    # the window is about to close (the controller shuts down)
    closing = Signal()
    # a screen was brought to the front (speech reads it)
    screenShown = Signal(object)
    # the window's first paint (the deferred start-up work begins)
    firstPainted = Signal()
    # the citizen's controls in every screen's header
    languageRequested = Signal()
    largeFontRequested = Signal()
    highContrastRequested = Signal()
    speechRequested = Signal()
    staffRequested = Signal()

    def __init__(self, *, shuffle_keypad: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("kioskWindow")
        self.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.PreventContextMenu)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.shuffle_keypad = shuffle_keypad
        self.speech_on = False
        self.language_switch = True         # False where the kiosk offers one language
        self.painted = False
        # full screen in a hall: closing (Alt+F4, a compositor's close) is refused until
        # maintenance mode or the shutdown unlocks it
        self.locked = False
        self.stack = QStackedWidget(self)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        # the screens' minimum sizes never set the window's (it would grow past the screen)
        box.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        box.addWidget(self.stack)
        self._bounds: QScreen | None = None
        self._build()
        self.retranslate()

    # screens built when first needed (start-up and a theme switch stay fast)
    LAZY = {
        "pin": lambda w: _screen("pin", "PinScreen")(shuffle=w.shuffle_keypad),
        "code": lambda w: _screen("code", "CodeScreen")(),
        "choice": lambda w: _screen("choice", "ChoiceScreen")(),
        "confirm": lambda w: _screen("confirm", "ConfirmScreen")(),
        "identity": lambda w: _screen("identity", "IdentityScreen")(),
        "profile": lambda w: _screen("profile", "ProfileScreen")(),
        "text_entry": lambda w: _screen("text_entry", "TextEntryScreen")(),
        "picker": lambda w: _screen("picker", "PickerScreen")(),
        "photo": lambda w: _screen("photo", "PhotoScreen")(),
        "status": lambda w: _screen("status", "StatusScreen")(),
        "maintenance_login": lambda w: _screen("maintenance_login", "MaintenanceLoginScreen")(),
        "maintenance": lambda w: _screen("maintenance", "MaintenanceScreen")(),
    }
    # the order of :meth:`screens`
    ORDER = ("attract", "busy", "home", "pin", "code", "choice", "confirm", "identity", "profile",
             "text_entry", "picker", "photo", "status", "result", "maintenance_login", "maintenance")

    def _build(self) -> None:
        """The screens every session needs now; the others when first used (:data:`LAZY`)."""
        self._built: dict[str, Screen] = {}
        self.screen_created = []          # callbacks (name, screen): the controller wires them
        for name, make in (("attract", AttractScreen), ("busy", BusyScreen), ("home", HomeScreen),
                           ("result", ResultScreen)):
            self._add(name, make())
        self.stack.setCurrentWidget(self._built["attract"])
        self.idle_warning = IdleWarning(self)
        self.notice = Notice(self)

    def _add(self, name: str, screen: Screen) -> Screen:
        self._built[name] = screen
        self.stack.addWidget(screen)
        if screen.header is not None:
            h = screen.header
            h.languageRequested.connect(self.languageRequested)
            h.largeFontRequested.connect(self.largeFontRequested)
            h.highContrastRequested.connect(self.highContrastRequested)
            h.speechRequested.connect(self.speechRequested)
            h.staffRequested.connect(self.staffRequested)
            h.set_speech(self.speech_on)
            h.language_button.setVisible(self.language_switch)
        for callback in list(getattr(self, "screen_created", ())):
            callback(name, screen)
        return screen

    def set_language_switch(self, on: bool) -> None:
        """Show the header's language button (the settings offer more than one language)."""
        self.language_switch = on
        for screen in self._built.values():
            if screen.header is not None:
                screen.header.language_button.setVisible(on)

    def __getattr__(self, name: str):
        # only called for attributes not found: the screens not built yet
        lazy = type(self).LAZY
        if name in lazy and "_built" in self.__dict__:
            built = self.__dict__["_built"]
            if name not in built:
                self._add(name, lazy[name](self))
            return built[name]
        raise AttributeError(name)

    @property
    def attract(self) -> AttractScreen:
        return self._built["attract"]

    @property
    def busy(self) -> BusyScreen:
        return self._built["busy"]

    @property
    def home(self) -> HomeScreen:
        return self._built["home"]

    @property
    def result(self) -> ResultScreen:
        return self._built["result"]

    def build_all(self) -> None:
        """Build every screen now (the tour, the inventory tests)."""
        for name in self.LAZY:
            getattr(self, name)

    def built(self, name: str) -> Screen | None:
        return self._built.get(name)

    def rebuild(self) -> None:
        """New screens for a new theme (sizes are read when a screen is built).

        The controller connects them again (``controller.wire()``) and shows
        its current state again (``controller.rerender()``).
        """
        callbacks = list(self.screen_created)
        old = list(self._built.values()) + [self.idle_warning, self.notice]
        for screen in old:
            if isinstance(screen, Screen):
                self.stack.removeWidget(screen)
            screen.hide()
            screen.deleteLater()
        self._build()
        self.screen_created = callbacks

    def screens(self) -> list[Screen]:
        """The screens built so far, in :data:`ORDER`."""
        return [self._built[n] for n in self.ORDER if n in self._built]

    def keep_within(self, screen: QScreen | None, available: bool = False) -> None:
        """Never larger than ``screen`` (its available area with ``available``), also after
        the screen changes its resolution."""
        if self._bounds is not None:
            self._bounds.geometryChanged.disconnect(self._fit_bounds)
        self._bounds, self._bounds_available = screen, available
        if screen is not None:
            screen.geometryChanged.connect(self._fit_bounds)
            self._fit_bounds()

    def _fit_bounds(self) -> None:
        s = self._bounds
        if s is None:
            return
        g = s.availableGeometry() if self._bounds_available else s.geometry()
        self.setMaximumSize(g.size())

    def _check_fits(self, screen: Screen) -> None:
        """Log a screen that needs more room than the window has (it is clipped, the window
        stays)."""
        need, have = screen.minimumSizeHint(), self.stack.size()
        if need.width() > have.width() or need.height() > have.height():
            log.warning("screen %s needs %d × %d, the window has %d × %d",
                        type(screen).__name__, need.width(), need.height(), have.width(),
                        have.height())

    def show_screen(self, screen: Screen) -> None:
        changed = self.stack.currentWidget() is not screen
        self.stack.setCurrentWidget(screen)
        if self.isVisible():
            self._check_fits(screen)
        if changed or screen is self.result or type(screen).__name__ in (
                "PinScreen", "CodeScreen", "ChoiceScreen", "ConfirmScreen"):
            self.screenShown.emit(screen)

    def current_screen(self) -> Screen:
        return self.stack.currentWidget()  # type: ignore[return-value]

    def set_speech(self, on: bool) -> None:
        self.speech_on = on
        for screen in self._built.values():
            if screen.header is not None:
                screen.header.set_speech(on)

    def wipe_inputs(self, *, keep_home: bool = False) -> None:
        """The session ended: nothing typed or shown of it stays on any screen."""
        b = self._built
        if "pin" in b:
            b["pin"].keypad.clear()
        if "code" in b:
            b["code"].pad.clear()
        for name in ("identity", "text_entry", "profile"):
            if name in b:
                b[name].clear()
        if "photo" in b:
            b["photo"].stop()
        if not keep_home:
            self.home.clear()
        self.idle_warning.dismiss()

    def retranslate(self) -> None:
        #: en: Social Security Card Self-Service Kiosk
        self.setWindowTitle(self.tr("社会保障卡自助服务终端"))

    def event(self, event) -> bool:  # noqa: D102 - Qt's name
        # not changeEvent(): a Python changeEvent() crashes PySide6 6.12 on a style change
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        return super().event(event)

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().paintEvent(event)
        if not self.painted:
            self.painted = True
            self.firstPainted.emit()

    def closeEvent(self, event) -> None:  # noqa: N802
        if self.locked:
            event.ignore()
            return
        self.closing.emit()
        super().closeEvent(event)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        # a keyboard left plugged in opens nothing: no Escape, no shortcuts
        if self.locked:
            event.accept()
            return
        super().keyPressEvent(event)


def install_app_filters(app: QApplication, on_activity) -> list[QObject]:
    """The application-wide filters; keep the returned objects alive while the app runs."""
    filters = [NoContextMenus(app), UserActivity(on_activity, app)]
    for f in filters:
        app.installEventFilter(f)
    return filters
