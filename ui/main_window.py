"""The kiosk's one window: frameless, full screen, a stack of screens.

A view: it builds the screens and switches between them when the controller
says so. No context menu anywhere (an application-wide filter eats them, long
presses included), no focus rectangles, designed for 1920 × 1080 touch.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QApplication, QStackedWidget, QVBoxLayout, QWidget

from .screens.attract import AttractScreen
from .screens.base import Screen
from .screens.busy import BusyScreen
from .screens.home import HomeScreen
from .screens.pin import PinScreen
from .screens.result import ResultScreen

DESIGN_SIZE = (1920, 1080)


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

    def __init__(self, *, shuffle_keypad: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("kioskWindow")
        self.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.PreventContextMenu)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.stack = QStackedWidget(self)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.stack)

        self.attract = AttractScreen()
        self.busy = BusyScreen()
        self.home = HomeScreen()
        self.pin = PinScreen(shuffle=shuffle_keypad)
        self.result = ResultScreen()
        for screen in self.screens():
            self.stack.addWidget(screen)
        self.stack.setCurrentWidget(self.attract)
        self.retranslate()

    def screens(self) -> list[Screen]:
        return [self.attract, self.busy, self.home, self.pin, self.result]

    def show_screen(self, screen: Screen) -> None:
        self.stack.setCurrentWidget(screen)

    def current_screen(self) -> Screen:
        return self.stack.currentWidget()  # type: ignore[return-value]

    def retranslate(self) -> None:
        #: en: Social Security Card Self-Service Kiosk
        self.setWindowTitle(self.tr("社会保障卡自助服务终端"))

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def closeEvent(self, event) -> None:  # noqa: N802
        self.closing.emit()
        super().closeEvent(event)


def install_app_filters(app: QApplication, on_activity) -> list[QObject]:
    """The application-wide filters; keep the returned objects alive while the app runs."""
    filters = [NoContextMenus(app), UserActivity(on_activity, app)]
    for f in filters:
        app.installEventFilter(f)
    return filters
