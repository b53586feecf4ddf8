"""The screen the kiosk shows while nobody uses it: it asks for the card."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QSizePolicy, QWidget

from .. import theme
from ..messages import MessageSource
from .base import Screen, button, label, set_text


class CardGraphic(QWidget):
    """A card going into a slot, drawn (no image files to ship or scale).

    Drawn at the theme's size where there is room; smaller, down to half, where the
    screen's text needs the height (长辈版 in English with a message under it)."""

    SIZE = QSize(420, 330)          # the drawing's own coordinates

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        t = theme.current()
        self._hint = QSize(t.graphic_w, t.graphic_h)
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Maximum)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return self._hint

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return self._hint / 2

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        t = theme.current()
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        # the drawing's own 420 × 330, scaled to the widget and centred in it
        scale = min(self.width() / self.SIZE.width(), self.height() / self.SIZE.height())
        p.translate((self.width() - self.SIZE.width() * scale) / 2,
                    (self.height() - self.SIZE.height() * scale) / 2)
        p.scale(scale, scale)
        # the card, upright, chip on top
        card = QRectF(80, 10, 260, 170)
        p.setPen(QPen(QColor(t.border), 3))
        p.setBrush(QColor(t.primary))
        p.drawRoundedRect(card, 18, 18)
        chip = QRectF(card.left() + 30, card.top() + 50, 60, 46)
        p.setBrush(QColor(t.focus))
        p.setPen(QPen(QColor(t.text), 2))
        p.drawRoundedRect(chip, 8, 8)
        p.drawLine(QPointF(chip.left(), chip.center().y()), QPointF(chip.right(), chip.center().y()))
        p.drawLine(QPointF(chip.center().x(), chip.top()), QPointF(chip.center().x(), chip.bottom()))
        # the arrow down into the slot
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(t.text))
        arrow = QPainterPath()
        cx = card.center().x()
        arrow.moveTo(cx - 22, 192)
        arrow.lineTo(cx + 22, 192)
        arrow.lineTo(cx + 22, 236)
        arrow.lineTo(cx + 48, 236)
        arrow.lineTo(cx, 282)
        arrow.lineTo(cx - 48, 236)
        arrow.lineTo(cx - 22, 236)
        arrow.closeSubpath()
        p.drawPath(arrow)
        # the slot
        p.setBrush(QColor(t.muted))
        p.drawRoundedRect(QRectF(40, 296, 340, 24), 10, 10)
        p.end()


class AttractScreen(Screen):
    """Insert the card; or, without it, "I lost my card" and "where is my new card"."""

    # a service started without the card: "loss_report" or "card_status"
    noCardServiceRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        center = Qt.AlignmentFlag.AlignHCenter
        self.title = label("title", self.body, align=center)
        self.title.setObjectName("attractTitle")
        self.hint = label("body", self.body, align=center)
        self.graphic = CardGraphic(self.body)
        self.status = label("alert", self.body, align=center)
        self.status.setObjectName("attractStatus")
        self._status: MessageSource | None = None
        self._card_left_in = False

        self.lost_button = button(self.body, role="service", name="attractLostCard")
        self.lost_button.clicked.connect(lambda: self.noCardServiceRequested.emit("loss_report"))
        self.status_button = button(self.body, role="service", name="attractStatusNoCard")
        self.status_button.clicked.connect(lambda: self.noCardServiceRequested.emit("card_status"))
        self._no_card: tuple[str, ...] = ()
        no_card = QHBoxLayout()
        no_card.setSpacing(48)
        no_card.addStretch(1)
        no_card.addWidget(self.lost_button)
        no_card.addWidget(self.status_button)
        no_card.addStretch(1)

        self.content.addStretch(1)
        self.content.addWidget(self.title)
        self.content.addWidget(self.hint)
        self.content.addSpacing(24)
        self.content.addWidget(self.graphic, 0, center)
        self.content.addStretch(1)
        # centred by stretches, not by alignment: a layout asks an aligned label for its height
        # at the layout's whole width (one line), and its second line was cut off
        status_row = QHBoxLayout()
        status_row.addStretch(1)
        status_row.addWidget(self.status)
        status_row.addStretch(1)
        self.content.addLayout(status_row)
        self.content.addStretch(1)
        self.content.addLayout(no_card)
        self.content.addStretch(1)
        self.retranslate()

    def set_no_card_services(self, services: tuple[str, ...]) -> None:
        """Which of "loss_report" and "card_status" the jurisdiction offers without the card."""
        self._no_card = tuple(services)
        self.retranslate()

    @property
    def no_card_buttons(self) -> dict[str, QPushButton]:
        return {"loss_report": self.lost_button, "card_status": self.status_button}

    def show_status(self, status: MessageSource | None, *, card_left_in: bool = False) -> None:
        """The kiosk's trouble (it then asks for no card), or a card still in the reader."""
        self._status = status
        self._card_left_in = card_left_in
        self.retranslate()

    @property
    def out_of_service(self) -> bool:
        return self._status is not None

    def retranslate(self) -> None:
        self.status.setText("")
        if self._status is not None:
            msg = self._status()
            self.title.setText(msg.title)
            self.hint.setText(msg.advice or msg.text)
        else:
            #: en: Please insert your social security card
            self.title.setText(self.tr("请插入社会保障卡"))
            #: en: Chip facing up, into the card slot below the screen
            self.hint.setText(self.tr("芯片朝上，插入屏幕下方的读卡口"))
            if self._card_left_in:
                #: en: A card is still in the reader. Please take it out and insert it again.
                self.status.setText(self.tr("读卡口中仍有卡片，请取出后重新插入。"))
        self.graphic.setVisible(self._status is None)
        #: en: I lost my card
        lost = self.tr("我的卡丢了")
        #: en: Report it lost now
        lost_hint = self.tr("立即挂失")
        set_text(self.lost_button, f"{lost}\n{lost_hint}", lost)
        #: en: Where is my new card?
        where = self.tr("新卡办到哪了")
        #: en: Check without the card
        where_hint = self.tr("无卡查询进度")
        set_text(self.status_button, f"{where}\n{where_hint}", where)
        # without the card these need the back office only: offered even when the reader fails
        for service, b in self.no_card_buttons.items():
            b.setVisible(service in self._no_card)
        self.status.setVisible(bool(self.status.text()))
