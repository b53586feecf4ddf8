"""The screen after a successful read: who the card belongs to, and the services."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QWidget

from kiosk.card import CardInfo

from .base import Screen, button, label, set_text


class HomeScreen(Screen):
    changePinRequested = Signal()
    finishRequested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._name = ""
        self._ssn_masked = ""
        self.greeting = label("heading", self.body)
        self.greeting.setObjectName("homeGreeting")

        holder = QWidget(self.body)
        holder.setProperty("role", "card")
        holder.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        grid = QGridLayout(holder)
        grid.setContentsMargins(48, 32, 48, 32)
        grid.setHorizontalSpacing(48)
        grid.setVerticalSpacing(16)
        self.name_field = label("field", holder, wrap=False)
        self.name_value = label("value", holder)
        self.name_value.setObjectName("homeName")
        self.ssn_field = label("field", holder, wrap=False)
        self.ssn_value = label("value", holder, wrap=False)
        self.ssn_value.setObjectName("homeSsn")
        grid.addWidget(self.name_field, 0, 0)
        grid.addWidget(self.name_value, 0, 1)
        grid.addWidget(self.ssn_field, 1, 0)
        grid.addWidget(self.ssn_value, 1, 1)
        grid.setColumnStretch(1, 1)

        self.services_label = label("body", self.body)
        services = QHBoxLayout()
        services.setSpacing(32)
        self.change_pin_button = button(self.body, role="service", name="serviceChangePin")
        self.change_pin_button.clicked.connect(self.changePinRequested)
        services.addWidget(self.change_pin_button)
        services.addStretch(1)

        bottom = QHBoxLayout()
        bottom.addStretch(1)
        self.finish_button = button(self.body, role="secondary", name="finish")
        self.finish_button.clicked.connect(self.finishRequested)
        bottom.addWidget(self.finish_button)

        self.content.addWidget(self.greeting)
        self.content.addWidget(holder)
        self.content.addSpacing(16)
        self.content.addWidget(self.services_label)
        self.content.addLayout(services)
        self.content.addStretch(1)
        self.content.addLayout(bottom)
        self.retranslate()

    def show_card(self, info: CardInfo) -> None:
        h = info.holder
        self._name = h.name if h else ""
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
        #: en: Services
        self.services_label.setText(self.tr("可办理的业务"))
        #: en: Change PIN
        set_text(self.change_pin_button, self.tr("修改密码"))
        #: en: Finish
        finish = self.tr("结束办理")
        #: en: Finish and take my card
        set_text(self.finish_button, finish, self.tr("结束办理并取卡"))
