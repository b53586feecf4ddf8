"""The screen after a successful read: whose card it is (masked), and the services offered.

The services are the ones the jurisdiction's rule pack offers at a kiosk
(:func:`kiosk.services.home_services`), in the pack's order, one big tile each;
the others are absent, not greyed out. The holder's name and number are
masked (陈*远, 4201**********4514): the citizen recognises their card, a
bystander learns nothing.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from kiosk import masking
from kiosk.card import CardInfo

from .. import texts, theme
from .base import Screen, button, clear_layout, label, set_text


class ServiceTile(QPushButton):
    """A big service button: the service's name, and under it one smaller line of what it is for."""

    def __init__(self, parent: QWidget, service: str):
        super().__init__(parent)
        self.setObjectName(f"service_{service}")
        self.setProperty("role", "tile")
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        box = QVBoxLayout(self)
        box.setContentsMargins(24, 12, 24, 12)
        box.setSpacing(4)
        self.name = label("tile-name", self, align=Qt.AlignmentFlag.AlignHCenter)
        self.hint = label("tile-hint", self, align=Qt.AlignmentFlag.AlignHCenter)
        for lab in (self.name, self.hint):
            lab.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
            box.addWidget(lab)

    def set_texts(self, name: str, hint: str) -> None:
        self.name.setText(name)
        self.hint.setText(hint)
        self.hint.setVisible(bool(hint))
        self.setAccessibleName(f"{name}，{hint}" if hint else name)

    def text(self) -> str:  # noqa: D102 - what a reader of the button sees
        return self.name.text()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        t = theme.current()
        return self.layout().sizeHint().expandedTo(QSize(t.min_target_px, t.min_target_px))

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return self.sizeHint()


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
        grid = QGridLayout(holder)
        grid.setContentsMargins(48, 16, 48, 16)
        grid.setHorizontalSpacing(48)
        grid.setVerticalSpacing(8)
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
        self.tiles.setSpacing(32)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        self.finish_button = button(self.body, role="secondary", name="finish")
        self.finish_button.clicked.connect(self.finishRequested)
        bottom.addWidget(self.finish_button)

        self.content.addWidget(self.greeting)
        self.content.addWidget(holder)
        self.content.addSpacing(8)
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
        clear_layout(self.tiles)
        self.service_buttons = {}
        columns = 4 if len(self._services) > 6 else (3 if len(self._services) > 4 else 2)
        for i, service in enumerate(self._services):
            b = ServiceTile(self.body, service)
            b.clicked.connect(lambda _=False, s=service: self._on_tile(s))
            self.tiles.addWidget(b, i // columns, i % columns)
            self.service_buttons[service] = b
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
