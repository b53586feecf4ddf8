"""The outcome of a service or an error: what happened and what to do next.

The controller returns to the attract screen when the card is taken or after
``seconds`` (the countdown shown here); the button does the same at once.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QHBoxLayout, QWidget

from .. import theme
from ..messages import MessageSource
from .base import Screen, button, label, set_text

_HEADING_ROLE = {"success": "success", "error": "error-heading", "info": "heading"}


class OutcomeMark(QWidget):
    """A large round mark: a tick for success, "!" for an error, "i" for information."""

    SIZE = 128

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.kind = "info"
        self.setFixedSize(self.SIZE, self.SIZE)

    def set_kind(self, kind: str) -> None:
        self.kind = kind
        self.update()

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        t = theme.current()
        colour = {"success": t.success, "error": t.danger}.get(self.kind, t.primary)
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(colour))
        p.drawEllipse(QRectF(4, 4, self.SIZE - 8, self.SIZE - 8))
        pen = QPen(QColor(t.on_primary), 12, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                   Qt.PenJoinStyle.RoundJoin)
        p.setPen(pen)
        s = self.SIZE
        if self.kind == "success":
            p.drawPolyline([QPointF(s * 0.28, s * 0.52), QPointF(s * 0.44, s * 0.68),
                            QPointF(s * 0.73, s * 0.36)])
        elif self.kind == "error":
            p.drawLine(QPointF(s / 2, s * 0.26), QPointF(s / 2, s * 0.58))
            p.drawPoint(QPointF(s / 2, s * 0.75))
        else:
            p.drawPoint(QPointF(s / 2, s * 0.28))
            p.drawLine(QPointF(s / 2, s * 0.45), QPointF(s / 2, s * 0.74))
        p.end()


class ResultScreen(Screen):
    doneRequested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._source: MessageSource | None = None
        self._seconds_left: int | None = None
        self.kind = "info"
        self.code = ""
        center = Qt.AlignmentFlag.AlignHCenter
        self.mark = OutcomeMark(self.body)
        self.heading = label("heading", self.body, align=center, balanced=True)
        self.heading.setObjectName("resultHeading")
        self.text = label("body", self.body, align=center, balanced=True)
        self.text.setObjectName("resultText")
        self.advice = label("heading", self.body, align=center, balanced=True)
        self.advice.setObjectName("resultAdvice")
        self.countdown = label("muted", self.body, align=center)
        self.countdown.setObjectName("resultCountdown")
        self.done_button = button(self.body, name="resultDone")
        self.done_button.clicked.connect(self.doneRequested)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.done_button)
        row.addStretch(1)

        t = theme.current()
        # close lines: a long text and its advice (English, 长辈版) keep the room they need
        self.content.setSpacing(t.gap_small)
        self.content.addStretch(2)
        self.content.addWidget(self.mark, 0, center)
        self.content.addWidget(self.heading)
        self.content.addWidget(self.text)
        self.content.addSpacing(t.gap_small)
        self.content.addWidget(self.advice)
        self.content.addStretch(2)
        self.content.addWidget(self.countdown)
        self.content.addLayout(row)
        self.content.addStretch(1)
        self.retranslate()

    def show_message(self, source: MessageSource, seconds: int | None = None) -> None:
        self._source = source
        self._seconds_left = seconds
        self.retranslate()

    def set_seconds_left(self, seconds: int | None) -> None:
        self._seconds_left = seconds
        self._render_countdown()

    def _render_countdown(self) -> None:
        if self._seconds_left is None:
            self.countdown.setText("")
        else:
            #: en: Back to the start in %n seconds
            self.countdown.setText(self.tr("%n 秒后返回首页", None, self._seconds_left))

    def retranslate(self) -> None:
        if self._source is not None:
            msg = self._source()
            self.kind, self.code = msg.kind, msg.code
            self.mark.set_kind(msg.kind)
            self.heading.setText(msg.title)
            self.text.setText(msg.text)
            self.advice.setText(msg.advice)
            role = _HEADING_ROLE.get(msg.kind, "heading")
            if self.heading.property("role") != role:
                self.heading.setProperty("role", role)
                self.heading.style().unpolish(self.heading)
                self.heading.style().polish(self.heading)
        self.advice.setVisible(bool(self.advice.text()))
        self._render_countdown()
        #: en: Done
        done = self.tr("完成")
        #: en: Done, back to the start
        set_text(self.done_button, done, self.tr("完成，返回首页"))
