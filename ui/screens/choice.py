"""A question with a few big answers: how to prove who you are, which loss, which reason...

A view only: the controller passes the prompt and the :class:`~ui.screens.base.Option`
list; a tap comes back as :attr:`ChoiceScreen.chosen` with the option's key.
Options are shown two per row, as tiles whose text wraps; the secondary actions (back, cancel) sit at the
bottom. Every text is a callable, asked again on a language change.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QPushButton, QWidget

from .. import theme
from ..widgets.tile import TileButton
from .base import (Option, Screen, Text, add_option_buttons, clear_layout, label, name_option,
                   option_button, text_of)


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
        self.grid.setSpacing(theme.current().spacing)
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
            if opt.role in ("", "option"):
                # the answer and its hint wrap inside the button (a long hint, English)
                b = TileButton(self.body, role="option-tile")
                b.setObjectName(f"option_{opt.key}")
                b.setProperty("key", opt.key)
            else:
                b = option_button(self.body, opt)
            b.clicked.connect(lambda _=False, k=opt.key: self.chosen.emit(k))
            self.grid.addWidget(b, i // 2, i % 2)
            self.buttons[opt.key] = b
        for c in range(2):
            self.grid.setColumnStretch(c, 1)
        if len(self.buttons) <= 4:
            # a few answers: tall tiles (room for a hint line); more keep to their text
            for b in self.buttons.values():
                if isinstance(b, TileButton):
                    b.set_least_height(theme.current().option_h)
        self.bottom.addStretch(1)
        self.buttons.update(add_option_buttons(self.body, self.bottom, self._secondary, self.chosen,
                                               role="secondary", align=Qt.AlignmentFlag.AlignRight))
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
            if isinstance(b, TileButton):
                b.set_texts(opt.text(), text_of(opt.hint), text_of(opt.accessible) or None)
            elif b is not None:
                name_option(b, opt)
