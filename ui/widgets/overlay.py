"""Panels over the current screen: the idle warning, and a notice (staff called).

An overlay covers the whole window (the screen below stays as it is), shows a
centred panel and takes every touch until it is dismissed. The idle warning
counts down and offers "I need more time" (WCAG 2.2.1: the citizen can extend
the time limit); the notice has one "OK".
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from ..messages import MessageSource
from ..screens.base import button, label, set_text


class Overlay(QWidget):
    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setProperty("role", "overlay")
        self.panel = QWidget(self)
        self.panel.setProperty("role", "card")
        self.panel.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.box = QVBoxLayout(self.panel)
        self.box.setContentsMargins(64, 48, 64, 48)
        self.box.setSpacing(32)
        outer = QVBoxLayout(self)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.panel, 3)
        row.addStretch(1)
        outer.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(1)
        parent.installEventFilter(self)
        self.hide()

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt's name
        if obj is self.parent() and event.type() == QEvent.Type.Resize:
            self.setGeometry(self.parent().rect())
        return False

    def open(self) -> None:
        self.setGeometry(self.parent().rect())
        self.show()
        self.raise_()

    def dismiss(self) -> None:
        self.hide()

    def speech_text(self) -> str:
        from ..screens.base import spoken_text

        return spoken_text(self)

    def event(self, event) -> bool:  # noqa: D102 - Qt's name
        # the language change here, not in changeEvent(): a Python changeEvent() makes
        # PySide6 6.12 crash when the style sheet changes (Fatal Python error: none_dealloc)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        return super().event(event)

    def retranslate(self) -> None:
        """Write the texts (again)."""


class IdleWarning(Overlay):
    moreTimeRequested = Signal()

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setObjectName("idleWarning")
        self._left = 0
        self.heading = label("heading", self.panel, align=Qt.AlignmentFlag.AlignHCenter)
        self.countdown = label("alert", self.panel, align=Qt.AlignmentFlag.AlignHCenter)
        self.countdown.setObjectName("idleCountdown")
        self.more_button = button(self.panel, name="idleMoreTime")
        self.more_button.clicked.connect(self.moreTimeRequested)
        self.box.addWidget(self.heading)
        self.box.addWidget(self.countdown)
        self.box.addWidget(self.more_button, 0, Qt.AlignmentFlag.AlignHCenter)
        self.retranslate()

    def show_countdown(self, seconds: int) -> None:
        self._left = seconds
        self.retranslate()
        self.open()

    def set_seconds_left(self, seconds: int) -> None:
        self._left = seconds
        self.retranslate()

    def retranslate(self) -> None:
        #: en: Do you need more time?
        self.heading.setText(self.tr("您还需要更多时间吗？"))
        #: en: The service ends in %n seconds and your information is cleared.
        self.countdown.setText(self.tr("%n 秒后将结束办理并清除您的信息。", None, self._left))
        #: en: I need more time
        set_text(self.more_button, self.tr("我需要更多时间"))


class Notice(Overlay):
    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setObjectName("notice")
        self._source: MessageSource | None = None
        self.heading = label("heading", self.panel, align=Qt.AlignmentFlag.AlignHCenter)
        self.text = label("body", self.panel, align=Qt.AlignmentFlag.AlignHCenter)
        self.ok_button = button(self.panel, name="noticeOk")
        self.ok_button.clicked.connect(self.dismiss)
        self.box.addWidget(self.heading)
        self.box.addWidget(self.text)
        self.box.addWidget(self.ok_button, 0, Qt.AlignmentFlag.AlignHCenter)
        self.retranslate()

    def show_message(self, source: MessageSource) -> None:
        self._source = source
        self.retranslate()
        self.open()

    def retranslate(self) -> None:
        if self._source is not None:
            m = self._source()
            self.heading.setText(m.title)
            self.text.setText(m.text)
        #: en: OK
        set_text(self.ok_button, self.tr("知道了"))
