"""Who you are, without the card: the ID number on the keypad, the name on the pinyin keyboard.

The ID number (18 characters, the last may be X) is typed first; when it is
complete the name's keyboard comes up by itself. Either field can be tapped to
correct it. 下一步 sends both (:attr:`IdentityScreen.submitted`); the workflow
checks the check digit and the name's characters before anything goes out and
says which field is wrong (``show_identity(field=..., reason=...)``).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import QGridLayout, QStackedWidget, QVBoxLayout, QWidget

from .. import theme
from ..widgets.digit_pad import DigitPad
from ..widgets.pinyin_keyboard import PinyinKeyboard
from .base import Screen, Text, button, label, set_text, text_of

SSN_LENGTH = 18
translate = QCoreApplication.translate


def field_problem(field: str | None, reason: str | None, code: str | None) -> str:
    if code in ("IDENTITY_NOT_VERIFIED", "CARD_NOT_FOUND"):
        #: en: This ID number and name are not on record together. Please check both.
        return translate("IdentityScreen", "身份证号码与姓名不匹配，请核对后重新输入。")
    if field == "ssn":
        #: en: This ID number is not valid. Please check it.
        return translate("IdentityScreen", "身份证号码有误，请核对后重新输入。")
    if field == "name":
        #: en: Please check the name.
        return translate("IdentityScreen", "请核对姓名。")
    return ""


class IdentityScreen(Screen):
    submitted = Signal(str, str)        # ID number, name
    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("identityScreen")
        self._service: Text | None = None
        self._problem = ("", "", "")
        self.prompt = label("heading", self.body)
        self.prompt.setObjectName("identityPrompt")
        self.message = label("alert", self.body)
        self.message.setObjectName("identityMessage")
        t = theme.current()
        fields = QGridLayout()
        fields.setHorizontalSpacing(t.gap)
        self.ssn_caption = label("field", self.body, wrap=False)
        self.ssn_button = button(self.body, role="field-button", name="identitySsn")
        self.ssn_button.clicked.connect(self.edit_ssn)
        self.name_caption = label("field", self.body, wrap=False)
        self.name_button = button(self.body, role="field-button", name="identityName")
        self.name_button.clicked.connect(self.edit_name)
        fields.addWidget(self.ssn_caption, 0, 0)
        fields.addWidget(self.ssn_button, 0, 1)
        fields.addWidget(self.name_caption, 0, 2)
        fields.addWidget(self.name_button, 0, 3)
        fields.setColumnStretch(1, 3)
        fields.setColumnStretch(3, 2)
        self.stack = QStackedWidget(self.body)
        self.pad = DigitPad(self.stack, wide=True)
        self.pad.configure(length=SSN_LENGTH, with_x=True)
        self.pad.textChanged.connect(self._on_ssn_changed)
        self.pad.submitted.connect(lambda _t: self.edit_name())
        self.keyboard = PinyinKeyboard(self.stack)
        self.keyboard.set_max_length(50)
        self.keyboard.textChanged.connect(lambda _t: self.retranslate())
        self.keyboard.submitted.connect(lambda _t: self._next())
        pad_box = QWidget(self.stack)
        pad_col = QVBoxLayout(pad_box)
        pad_col.setContentsMargins(0, 0, 0, 0)
        pad_col.addWidget(self.pad)
        pad_col.addStretch(1)
        self.stack.addWidget(pad_box)
        self.stack.addWidget(self.keyboard)
        self._pad_box = pad_box
        # the row of fields and actions is one line over the keyboard: buttons sized to their text
        self.next_button = button(self.body, role="compact", name="identityNext")
        self.next_button.clicked.connect(self._next)
        self.cancel_button = button(self.body, role="compact-secondary", name="identityCancel")
        self.cancel_button.clicked.connect(lambda: self.chosen.emit("cancel"))
        fields.addWidget(self.cancel_button, 0, 4)
        fields.addWidget(self.next_button, 0, 5)
        self.content.setContentsMargins(t.margin // 2, t.spacing // 2, t.margin // 2, t.spacing // 2)
        self.content.setSpacing(t.spacing // 2)
        self.prompt.hide()          # the captions say it; speech reads it (speech_text)
        self.content.addWidget(self.message)
        self.content.addLayout(fields)
        self.content.addWidget(self.stack, 1)

    def speech_text(self) -> str:
        parts = [self.prompt.text(), self.message.text() if self.message.isVisibleTo(self) else ""]
        return "。".join(p for p in parts if p)

    def show_identity(self, *, service: Text | None, field: str | None = None,
                      reason: str | None = None, code: str | None = None) -> None:
        self._service = service
        self._problem = (field or "", reason or "", code or "")
        if field == "name":
            self.edit_name()
        else:
            self.edit_ssn()
        self.retranslate()

    def clear(self) -> None:
        self.pad.clear()
        self.keyboard.clear()
        self._problem = ("", "", "")

    def edit_ssn(self) -> None:
        self.stack.setCurrentWidget(self._pad_box)
        self.retranslate()

    def edit_name(self) -> None:
        self.stack.setCurrentWidget(self.keyboard)
        self.retranslate()

    def _on_ssn_changed(self, text: str) -> None:
        self.retranslate()
        if len(text) == SSN_LENGTH and self.stack.currentWidget() is self._pad_box:
            self.edit_name()

    def _next(self) -> None:
        ssn, name = self.pad.text(), self.keyboard.text().strip()
        if len(ssn) != SSN_LENGTH:
            self.edit_ssn()
            return
        if not name:
            self.edit_name()
            return
        self.submitted.emit(ssn, name)

    def retranslate(self) -> None:
        self.set_service(text_of(self._service))
        #: en: Please type your ID number and name
        self.prompt.setText(self.tr("请输入您的身份证号码和姓名"))
        self.message.setText(field_problem(*self._problem))
        self.message.setVisible(bool(self.message.text()))
        #: en: ID number
        self.ssn_caption.setText(self.tr("身份证号码"))
        #: en: Name
        self.name_caption.setText(self.tr("姓名"))
        ssn = self.pad.text()
        editing_ssn = self.stack.currentWidget() is self._pad_box
        #: en: Tap to type
        tap = self.tr("点击输入")
        self.ssn_button.setText((ssn or tap) + (" ▌" if editing_ssn else ""))
        #: en: ID number: %1
        self.ssn_button.setAccessibleName(self.tr("身份证号码：%1").replace("%1", ssn or tap))
        name = self.keyboard.text()
        self.name_button.setText((name or tap) + ("" if editing_ssn else " ▌"))
        #: en: Name: %1
        self.name_button.setAccessibleName(self.tr("姓名：%1").replace("%1", name or tap))
        #: en: Next
        set_text(self.next_button, self.tr("下一步"))
        #: en: Cancel
        set_text(self.cancel_button, self.tr("取消办理"))
