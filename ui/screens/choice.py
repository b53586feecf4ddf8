"""A question with a few big answers: how to prove who you are, which loss, which reason...

A view only: the controller passes the prompt and the :class:`~ui.screens.base.Option`
list; a tap comes back as :attr:`ChoiceScreen.chosen` with the option's key.
Options are shown two per row; the secondary actions (back, cancel) sit at the
bottom. Every text is a callable, asked again on a language change.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QPushButton, QWidget

from .base import Option, Screen, Text, clear_layout, label, name_option, option_button, text_of


class ChoiceScreen(Screen):
    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("choiceScreen")
        self._service: Text | None = None
        self._prompt: Text | None = None
        self._text: Text | None = None
        self._message: Text | None = None
        self._options: list[Option] = []
        self._secondary: list[Option] = []
        self.buttons: dict[str, QPushButton] = {}

        self.prompt = label("heading", self.body)
        self.prompt.setObjectName("choicePrompt")
        self.message = label("alert", self.body)
        self.message.setObjectName("choiceMessage")
        self.text = label("body", self.body)
        self.text.setObjectName("choiceText")
        self.grid = QGridLayout()
        self.grid.setSpacing(32)
        self.bottom = QHBoxLayout()
        self.bottom.setSpacing(32)
        self.content.addWidget(self.prompt)
        self.content.addWidget(self.message)
        self.content.addWidget(self.text)
        self.content.addSpacing(16)
        self.content.addLayout(self.grid)
        self.content.addStretch(1)
        self.content.addLayout(self.bottom)

    def show_choice(self, *, service: Text | None, prompt: Text, options: list[Option],
                    text: Text | None = None, message: Text | None = None,
                    secondary: list[Option] | None = None) -> None:
        self._service, self._prompt, self._text, self._message = service, prompt, text, message
        self._options, self._secondary = list(options), list(secondary or ())
        clear_layout(self.grid)
        clear_layout(self.bottom)
        self.buttons = {}
        for i, opt in enumerate(self._options):
            b = option_button(self.body, opt if opt.role else Option(opt.key, opt.text, opt.hint,
                                                                    opt.accessible, "option"))
            b.clicked.connect(lambda _=False, k=opt.key: self.chosen.emit(k))
            self.grid.addWidget(b, i // 2, i % 2)
            self.buttons[opt.key] = b
        self.bottom.addStretch(1)
        for opt in self._secondary:
            b = option_button(self.body, opt if opt.role else Option(opt.key, opt.text, opt.hint,
                                                                    opt.accessible, "secondary"))
            b.clicked.connect(lambda _=False, k=opt.key: self.chosen.emit(k))
            self.bottom.addWidget(b, 0, Qt.AlignmentFlag.AlignRight)
            self.buttons[opt.key] = b
        self.retranslate()

    def retranslate(self) -> None:
        self.set_service(text_of(self._service))
        self.prompt.setText(text_of(self._prompt))
        self.text.setText(text_of(self._text))
        self.text.setVisible(bool(self.text.text()))
        self.message.setText(text_of(self._message))
        self.message.setVisible(bool(self.message.text()))
        for opt in self._options + self._secondary:
            b = self.buttons.get(opt.key)
            if b is not None:
                name_option(b, opt)
