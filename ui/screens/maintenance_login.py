"""The technician's sign-in for maintenance mode: account number, PIN, one-time code.

Three steps on the kiosk's own keypads (never the system keyboard): the
account's digits (``account``), the PIN on the masked keypad (``pin``), the
six-digit one-time code of the technician's authenticator (``otp``). The
three come back together in :attr:`MaintenanceLoginScreen.submitted`
(``account``, :class:`kiosk.pin.Pin`, ``otp``); the PIN object is the
caller's to wipe. :attr:`cancelRequested` leaves without signing in.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from .. import theme
from ..widgets.digit_pad import DigitPad
from ..widgets.keypad import PinKeypad
from .base import Screen, Text, button, label, set_text, text_of

STEPS = ("account", "pin", "otp")
ACCOUNT_PREFIX = "T"           # technician accounts are T + digits (backoffice/DEMO.md)
LOCAL_ACCOUNT = "local"        # kiosk.maintenance.LOCAL_ACCOUNT: the local fallback code


class MaintenanceLoginScreen(Screen):
    submitted = Signal(str, object, str)
    cancelRequested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("maintenanceLoginScreen")
        self.step = "account"
        self._account = ""
        self._pin = None
        self._message: Text | None = None
        self.prompt = label("heading", self.body)
        self.prompt.setObjectName("maintenancePrompt")
        self.message = label("alert", self.body)
        self.message.setObjectName("maintenanceMessage")
        self.hint = label("body", self.body)
        self.pad = DigitPad(self.body)
        self.pad.submitted.connect(self._on_digits)
        self.keypad = PinKeypad(self.body, auto_submit=True)
        self.keypad.submitted.connect(self._on_pin)
        self.keypad.setFixedWidth(theme.current().keypad_width)
        self.pad.setFixedWidth(theme.current().keypad_width)
        self.cancel_button = button(self.body, role="secondary", name="maintenanceCancel")
        self.cancel_button.clicked.connect(self.cancelRequested)
        left = QVBoxLayout()
        left.setSpacing(24)
        left.addWidget(self.prompt)
        left.addWidget(self.message)
        left.addWidget(self.hint)
        left.addStretch(1)
        left.addWidget(self.cancel_button)
        row = QHBoxLayout()
        row.setSpacing(64)
        row.addLayout(left, 1)
        row.addWidget(self.pad)
        row.addWidget(self.keypad)
        self.content.addLayout(row, 1)
        self.start()

    # --- the controller ------------------------------------------------------------------
    def start(self, message: Text | None = None) -> None:
        """From the first step again (after a refusal: with ``message``)."""
        self.wipe()
        self._message = message
        self._ask("account")

    def start_local(self, message: Text | None = None) -> None:
        """The back office cannot be reached: only the kiosk's local code (as a PIN)."""
        self.wipe()
        self._message = message
        self._account = LOCAL_ACCOUNT
        self._ask("pin")

    def wipe(self) -> None:
        """Forget everything typed (the PIN object is wiped here if it was not handed over)."""
        if self._pin is not None:
            self._pin.wipe()
        self._pin = None
        self._account = ""
        self.pad.clear()
        self.keypad.clear()

    def _ask(self, step: str) -> None:
        self.step = step
        self.pad.clear()
        if step == "account":
            self.pad.configure(length=8, min_length=1)
        elif step == "otp":
            self.pad.configure(length=6, auto_submit=True)
        else:
            self.keypad.start_entry()
        self.pad.setVisible(step != "pin")
        self.keypad.setVisible(step == "pin")
        self.retranslate()

    def _on_digits(self, digits: str) -> None:
        if self.step == "account":
            self._account = ACCOUNT_PREFIX + digits
            self._message = None
            self._ask("pin")
        elif self.step == "otp":
            pin, self._pin = self._pin, None
            account, self._account = self._account, ""
            self.pad.clear()
            self.submitted.emit(account, pin, digits)

    def _on_pin(self, pin) -> None:
        if self._pin is not None:
            self._pin.wipe()
        if self._account == LOCAL_ACCOUNT:       # the local code: no one-time code
            self._account = ""
            self.keypad.clear()
            self.submitted.emit(LOCAL_ACCOUNT, pin, "")
            return
        self._pin = pin
        self._ask("otp")

    def retranslate(self) -> None:
        #: en: Maintenance
        self.set_service(self.tr("维护模式"))
        if self.step == "account":
            #: en: Technician account number
            self.prompt.setText(self.tr("请输入维护人员工号"))
            #: en: The digits after the T of your account (T0001: 0001).
            self.hint.setText(self.tr("输入工号中 T 之后的数字（如 T0001 输入 0001）。"))
        elif self.step == "pin" and self._account == LOCAL_ACCOUNT:
            #: en: This kiosk's local maintenance code
            self.prompt.setText(self.tr("请输入本机备用维护码"))
            #: en: Only while the social security system cannot be reached.
            self.hint.setText(self.tr("仅在无法连接社保系统时可用。"))
        elif self.step == "pin":
            #: en: Technician PIN
            self.prompt.setText(self.tr("请输入维护密码"))
            #: en: Account %1
            self.hint.setText(self.tr("工号 %1").replace("%1", self._account))
        else:
            #: en: One-time code
            self.prompt.setText(self.tr("请输入动态验证码"))
            #: en: The 6-digit code shown by your authenticator now.
            self.hint.setText(self.tr("请输入身份验证器当前显示的 6 位动态码。"))
        self.message.setText(text_of(self._message))
        self.message.setVisible(bool(self.message.text()))
        #: en: Back to the citizen services
        set_text(self.cancel_button, self.tr("返回自助服务"))
