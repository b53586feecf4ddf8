"""The screen after a successful read: whose card it is (masked), and the services offered.

The services are the ones the jurisdiction's rule pack offers at a kiosk
(:func:`kiosk.services.home_services`), in the pack's order, one big tile each;
the others are absent, not greyed out. The holder's name and number are
masked (陈*远, 4201**********4514): the citizen recognises their card, a
bystander learns nothing.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QPushButton, QWidget

from kiosk import masking
from kiosk.card import CardInfo

from .. import texts, theme
from ..widgets.tile import TileButton
from .base import Screen, button, clear_layout, label, set_text


class ServiceTile(TileButton):
    """A big service button: the service's name, and under it one smaller line of what it is for.

    Both lines wrap (:class:`~ui.widgets.tile.TileButton`), so a long English name
    or 长辈版's bigger text takes another line instead of being cut off."""

    def __init__(self, parent: QWidget, service: str):
        super().__init__(parent, role="tile")
        self.setObjectName(f"service_{service}")


class HomeScreen(Screen):
    serviceRequested = Signal(str)
    changePinRequested = Signal()
    finishRequested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._name = ""
        self._ssn_masked = ""
        self._services: tuple[str, ...] = ("pin_change",)
        self.service_buttons: dict[str, QPushButton] = {}
        self.greeting = label("heading", self.body)
        self.greeting.setObjectName("homeGreeting")

        holder = QWidget(self.body)
        holder.setProperty("role", "card")
        holder.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        t = theme.current()
        grid = QGridLayout(holder)
        grid.setContentsMargins(t.gap_wide, t.gap_small, t.gap_wide, t.gap_small)
        grid.setHorizontalSpacing(t.gap_wide)
        grid.setVerticalSpacing(t.gap_small // 2)
        self.name_field = label("field", holder, wrap=False)
        self.name_value = label("value-small", holder)
        self.name_value.setObjectName("homeName")
        self.ssn_field = label("field", holder, wrap=False)
        self.ssn_value = label("value-small", holder, wrap=False)
        self.ssn_value.setObjectName("homeSsn")
        grid.addWidget(self.name_field, 0, 0)
        grid.addWidget(self.name_value, 0, 1)
        grid.addWidget(self.ssn_field, 0, 2)
        grid.addWidget(self.ssn_value, 0, 3)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)

        self.tiles = QGridLayout()
        self.tiles.setSpacing(t.spacing)
        self.bottom = bottom = QHBoxLayout()
        bottom.addStretch(1)
        self.finish_button = button(self.body, role="secondary", name="finish")
        self.finish_button.clicked.connect(self.finishRequested)

        self.content.addWidget(self.greeting)
        self.content.addWidget(holder)
        self.content.addLayout(self.tiles)
        self.content.addStretch(1)
        self.content.addLayout(bottom)
        self._build_tiles()

    @property
    def change_pin_button(self) -> QPushButton | None:
        return self.service_buttons.get("pin_change")

    def set_services(self, services: tuple[str, ...]) -> None:
        """The services offered here, in order (see :func:`kiosk.services.home_services`)."""
        self._services = tuple(services)
        self._build_tiles()

    def _build_tiles(self) -> None:
        # 结束办理 stays: it only moves between the last row of tiles and a row of its own
        self.tiles.removeWidget(self.finish_button)
        self.bottom.removeWidget(self.finish_button)
        clear_layout(self.tiles)
        self.service_buttons = {}
        # five to seven tiles leave a cell free in their last row, for 结束办理
        n = len(self._services)
        columns = 4 if n > 5 else (3 if n > 4 else 2)
        for c in range(4):
            # columns of one width, whatever the length of the names in them
            self.tiles.setColumnStretch(c, 1 if c < columns else 0)
        for i, service in enumerate(self._services):
            b = ServiceTile(self.body, service)
            b.clicked.connect(lambda _=False, s=service: self._on_tile(s))
            self.tiles.addWidget(b, i // columns, i % columns)
            self.service_buttons[service] = b
        if n % columns:
            # the last row has room: 结束办理 takes its bottom-right corner, and the
            # tiles keep the height of the row it would have taken (长辈版, English)
            self.tiles.addWidget(self.finish_button, n // columns, columns - 1,
                                 Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom)
        else:
            self.bottom.addWidget(self.finish_button)
        self.retranslate()

    def _on_tile(self, service: str) -> None:
        if service == "pin_change":
            self.changePinRequested.emit()
        self.serviceRequested.emit(service)

    def show_card(self, info: CardInfo) -> None:
        h = info.holder
        self._name = masking.name(h.name) if h and h.name else ""
        self._ssn_masked = h.ssn_masked if h else ""
        self.retranslate()

    def clear(self) -> None:
        self._name = self._ssn_masked = ""
        self.retranslate()

    def retranslate(self) -> None:
        #: en: Hello! Please choose a service.
        self.greeting.setText(self.tr("您好！请选择要办理的业务。"))
        #: en: Name
        self.name_field.setText(self.tr("姓名"))
        #: en: Social security number
        self.ssn_field.setText(self.tr("社会保障号码"))
        self.name_value.setText(self._name)
        self.ssn_value.setText(self._ssn_masked)
        for service, b in self.service_buttons.items():
            b.set_texts(texts.service_name(service), texts.service_hint(service))
        #: en: Finish
        finish = self.tr("结束办理")
        #: en: Finish and take my card
        set_text(self.finish_button, finish, self.tr("结束办理并取卡"))
