"""A number that is not secret, on the kiosk's keypad: the SMS code, a phone number.

The controller says what is asked (prompt, length, message, secondary actions
such as "send the code again" or "another way"); the typed value comes back as
:attr:`CodeScreen.submitted`, a secondary action as :attr:`CodeScreen.chosen`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from .. import theme
from ..widgets.digit_pad import DigitPad
from .base import Option, Screen, Text, add_option_buttons, clear_layout, label, name_option, text_of


class CodeScreen(Screen):
    submitted = Signal(str)
    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("codeScreen")
        self._service: Text | None = None
        self._prompt: Text | None = None
        self._text: Text | None = None
        self._message: Text | None = None
        self._secondary: list[Option] = []
        self.buttons: dict = {}
        self.prompt = label("heading", self.body)
        self.prompt.setObjectName("codePrompt")
        self.message = label("alert", self.body)
        self.message.setObjectName("codeMessage")
        self.text = label("body", self.body)
        self.text.setObjectName("codeText")
        self.pad = DigitPad(self.body)
        self.pad.submitted.connect(self.submitted)
        self.side = QVBoxLayout()
        self.side.setSpacing(24)
        left = QVBoxLayout()
        left.setSpacing(24)
        left.addWidget(self.prompt)
        left.addWidget(self.message)
        left.addWidget(self.text)
        left.addStretch(1)
        left.addLayout(self.side)
        row = QHBoxLayout()
        row.setSpacing(96)
        row.addLayout(left, 1)
        row.addWidget(self.pad, 0)
        self.pad.setFixedWidth(theme.current().keypad_width)
        self.content.addLayout(row, 1)

    def show_entry(self, *, service: Text | None, prompt: Text, length: int,
                   min_length: int | None = None, text: Text | None = None,
                   message: Text | None = None, secondary: list[Option] | None = None,
                   auto_submit: bool = False, grouping: tuple[int, ...] = (),
                   initial: str = "", with_x: bool = False) -> None:
        self._service, self._prompt, self._text, self._message = service, prompt, text, message
        self._secondary = list(secondary or ())
        self.pad.configure(length=length, min_length=min_length, with_x=with_x,
                           auto_submit=auto_submit, grouping=grouping)
        self.pad.set_text(initial)
        clear_layout(self.side)
        self.buttons = add_option_buttons(self.body, self.side, self._secondary, self.chosen,
                                          role="secondary", align=Qt.AlignmentFlag.AlignLeft)
        self.retranslate()

    def retranslate(self) -> None:
        self.set_service(text_of(self._service))
        self.prompt.setText(text_of(self._prompt))
        self.text.setText(text_of(self._text))
        self.text.setVisible(bool(self.text.text()))
        self.message.setText(text_of(self._message))
        self.message.setVisible(bool(self.message.text()))
        for opt in self._secondary:
            b = self.buttons.get(opt.key)
            if b is not None:
                name_option(b, opt)
