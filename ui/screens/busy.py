"""The screen shown while the kiosk talks to the card or the back office."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QProgressBar, QWidget

from .base import Screen, label


class BusyScreen(Screen):
    """A busy bar and one sentence; :meth:`show_reading` or :meth:`show_working`."""

    READING = "reading"
    WORKING = "working"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        center = Qt.AlignmentFlag.AlignHCenter
        self.heading = label("heading", self.body, align=center)
        self.heading.setObjectName("busyHeading")
        self.hint = label("body", self.body, align=center)
        self.bar = QProgressBar(self.body)
        self.bar.setRange(0, 0)          # busy: no percentage to promise
        self.bar.setTextVisible(False)
        self.bar.setFixedWidth(960)
        self._mode = self.READING
        self.content.addStretch(2)
        self.content.addWidget(self.heading)
        self.content.addSpacing(24)
        self.content.addWidget(self.bar, 0, center)
        self.content.addSpacing(24)
        self.content.addWidget(self.hint)
        self.content.addStretch(3)
        self.retranslate()

    def show_reading(self) -> None:
        self._mode = self.READING
        self.retranslate()

    def show_working(self) -> None:
        self._mode = self.WORKING
        self.retranslate()

    def retranslate(self) -> None:
        if self._mode == self.READING:
            #: en: Reading your card. Please do not take it out.
            self.heading.setText(self.tr("正在读卡，请勿拔卡"))
            #: en: This takes a few seconds.
            self.hint.setText(self.tr("需要几秒钟，请稍候。"))
        else:
            #: en: Working. Please do not take out your card.
            self.heading.setText(self.tr("正在处理，请勿拔卡"))
            #: en: Please wait.
            self.hint.setText(self.tr("请稍候。"))
        #: en: Please wait
        self.bar.setAccessibleName(self.tr("请稍候"))
