"""PIN entry for the PIN change: current PIN, new PIN, new PIN again.

The screen renders the step the controller names and a message (wrong PIN
with tries left, weak new PIN, mismatch); the digits go from the keypad to the
controller as a :class:`kiosk.pin.Pin` and are never seen here.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from .. import messages, theme
from ..messages import MessageSource
from ..widgets.keypad import PinKeypad
from .base import Screen, Text, button, label, set_text

CURRENT, NEW, CONFIRM = "current", "new", "confirm"
VERIFY = "verify"          # the card's PIN, to prove who you are (other services)
REMEMBERED = "remembered"  # after an unblock: the PIN you remember
STEPS = (CURRENT, NEW, CONFIRM, VERIFY, REMEMBERED)


class PinScreen(Screen):
    # a complete Pin; the receiver owns it (and wipes it)
    submitted = Signal(object)
    cancelRequested = Signal()

    def __init__(self, parent: QWidget | None = None, *, shuffle: bool = False,
                 auto_submit: bool = False):
        super().__init__(parent)
        self._step = CURRENT
        self._message: MessageSource | None = None
        self._service: Text | None = None
        self._step_of: tuple[int, int] | None = (1, 3)

        self.step_label = label("muted", self.body)
        self.step_label.setObjectName("pinStep")
        self.prompt = label("heading", self.body)
        self.prompt.setObjectName("pinPrompt")
        self.message = label("alert", self.body)
        self.message.setObjectName("pinMessage")
        self.rule = label("muted", self.body)
        self.rule.setObjectName("pinRule")
        self.privacy = label("muted", self.body)
        self.cancel_button = button(self.body, role="secondary", name="pinCancel")
        self.cancel_button.clicked.connect(self.cancelRequested)
        self.keypad = PinKeypad(self.body, shuffle=shuffle, auto_submit=auto_submit)
        self.keypad.submitted.connect(self.submitted)

        left = QVBoxLayout()
        left.setSpacing(24)
        left.addWidget(self.step_label)
        left.addWidget(self.prompt)
        left.addWidget(self.message)
        left.addWidget(self.rule)
        left.addStretch(1)
        left.addWidget(self.privacy)
        left.addSpacing(16)
        left.addWidget(self.cancel_button, 0, Qt.AlignmentFlag.AlignLeft)

        row = QHBoxLayout()
        row.setSpacing(96)
        row.addLayout(left, 1)
        row.addWidget(self.keypad, 0)
        self.keypad.setFixedWidth(theme.current().keypad_width)
        self.content.addLayout(row, 1)
        self.retranslate()

    @property
    def step(self) -> str:
        return self._step

    def show_step(self, step: str, message: MessageSource | None = None, *,
                  service: Text | None = None, step_of: tuple[int, int] | None = None) -> None:
        """Ask for ``step`` (:data:`STEPS`), with an optional message above the keypad.

        ``service`` names the service in the header (the PIN change by default);
        ``step_of`` is "step n of m" (the PIN change's three steps by default).
        """
        if step not in STEPS:
            raise ValueError(step)
        self._step = step
        self._message = message
        self._service = service
        if service is None and step in (CURRENT, NEW, CONFIRM):
            step_of = (STEPS.index(step) + 1, 3)
        self._step_of = step_of
        self.keypad.start_entry()
        self.retranslate()

    def retranslate(self) -> None:
        #: en: Change PIN
        self.set_service(self._service() if self._service else self.tr("修改密码"))
        if self._step_of:
            n, total = self._step_of
            #: en: Step %1 of %2
            self.step_label.setText(self.tr("第 %1 步，共 %2 步").replace("%1", str(n))
                                    .replace("%2", str(total)))
        else:
            self.step_label.setText("")
        self.step_label.setVisible(bool(self.step_label.text()))
        if self._step == VERIFY:
            #: en: Please enter your card's PIN
            self.prompt.setText(self.tr("请输入社会保障卡密码"))
            self.rule.setText("")
        elif self._step == REMEMBERED:
            #: en: The PIN is unblocked. Please enter your PIN to check it.
            self.prompt.setText(self.tr("密码已解锁，请输入您的密码进行验证"))
            self.rule.setText("")
        elif self._step == CURRENT:
            #: en: Please enter your current PIN
            self.prompt.setText(self.tr("请输入当前密码"))
            self.rule.setText("")
        elif self._step == NEW:
            #: en: Please enter your new PIN (6 digits)
            self.prompt.setText(self.tr("请输入新密码（6 位数字）"))
            self.rule.setText(messages.pin_rule())   # the rule stays in view while choosing
        else:
            #: en: Please enter your new PIN again
            self.prompt.setText(self.tr("请再次输入新密码"))
            self.rule.setText("")
        self.rule.setVisible(bool(self.rule.text()))
        if self._message is not None:
            msg = self._message()
            self.message.setText(msg.text)
        else:
            self.message.setText("")
        self.message.setVisible(bool(self.message.text()))
        #: en: Please cover the keypad with your other hand while typing.
        self.privacy.setText(self.tr("输入密码时，请用另一只手遮挡键盘。"))
        #: en: Cancel
        cancel = self.tr("取消")
        #: en: Cancel and go back to the services
        set_text(self.cancel_button, cancel, self.tr("取消，返回业务选择"))
