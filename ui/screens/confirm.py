"""What is about to happen, in rows, before the citizen commits: the loss, the lift, the
changed details, the renewal. The first action is the commit; the others go back.

A view: rows are (field, value) callables, actions are
:class:`~ui.screens.base.Option`; a tap comes back as :attr:`ConfirmScreen.chosen`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QPushButton, QWidget

from .base import Option, Screen, Text, clear_layout, label, name_option, option_button, text_of


class ConfirmScreen(Screen):
    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("confirmScreen")
        self._service: Text | None = None
        self._prompt: Text | None = None
        self._note: Text | None = None
        self._message: Text | None = None
        self._rows: list[tuple[Text, Text]] = []
        self._actions: list[Option] = []
        self.buttons: dict[str, QPushButton] = {}
        self.values: list = []

        self.prompt = label("heading", self.body)
        self.prompt.setObjectName("confirmPrompt")
        self.message = label("alert", self.body)
        self.message.setObjectName("confirmMessage")
        self.card = QWidget(self.body)
        self.card.setProperty("role", "card")
        self.card.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.rows = QGridLayout(self.card)
        self.rows.setContentsMargins(48, 24, 48, 24)
        self.rows.setHorizontalSpacing(48)
        self.rows.setVerticalSpacing(16)
        self.rows.setColumnStretch(1, 1)
        self.note = label("body", self.body)
        self.note.setObjectName("confirmNote")
        self.actions = QHBoxLayout()
        self.actions.setSpacing(32)
        self.content.addWidget(self.prompt)
        self.content.addWidget(self.message)
        self.content.addWidget(self.card)
        self.content.addWidget(self.note)
        self.content.addStretch(1)
        self.content.addLayout(self.actions)

    def show_confirm(self, *, service: Text | None, prompt: Text, rows: list[tuple[Text, Text]],
                     actions: list[Option], note: Text | None = None,
                     message: Text | None = None) -> None:
        self._service, self._prompt, self._note, self._message = service, prompt, note, message
        self._rows, self._actions = list(rows), list(actions)
        clear_layout(self.rows)
        clear_layout(self.actions)
        self.values = []
        for i, _ in enumerate(self._rows):
            f = label("field", self.card, wrap=False)
            v = label("value-small", self.card, balanced=True)
            v.setObjectName(f"confirmValue{i}")
            self.rows.addWidget(f, i, 0, Qt.AlignmentFlag.AlignTop)
            self.rows.addWidget(v, i, 1)
            self.values.append((f, v))
        self.buttons = {}
        self.actions.addStretch(1)
        for i, opt in enumerate(reversed(self._actions)):
            if not opt.role:
                opt = Option(opt.key, opt.text, opt.hint, opt.accessible,
                             "" if opt is self._actions[0] else "secondary")
            b = option_button(self.body, opt)
            b.clicked.connect(lambda _=False, k=opt.key: self.chosen.emit(k))
            self.actions.addWidget(b)
            self.buttons[opt.key] = b
        self.card.setVisible(bool(self._rows))
        self.retranslate()

    def retranslate(self) -> None:
        self.set_service(text_of(self._service))
        self.prompt.setText(text_of(self._prompt))
        self.message.setText(text_of(self._message))
        self.message.setVisible(bool(self.message.text()))
        self.note.setText(text_of(self._note))
        self.note.setVisible(bool(self.note.text()))
        for (field, value), (f, v) in zip(self._rows, self.values):
            f.setText(field())
            v.setText(value())
        for opt in self._actions:
            b = self.buttons.get(opt.key)
            if b is not None:
                name_option(b, opt)
