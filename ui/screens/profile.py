"""Non-key personal data: each field the jurisdiction lets the kiosk change, with 修改.

A view: the controller (``ui/profile_editing.py``) gives the values, the
editable fields and a message; a tap comes back as :attr:`ProfileScreen.chosen`
with ``edit:<field>``, ``review`` or ``cancel``. Changed values are marked.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QPushButton, QWidget

from .. import texts
from .base import Screen, Text, button, clear_layout, label, set_text, text_of


class ProfileScreen(Screen):
    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("profileScreen")
        self._service: Text | None = None
        self._message: Text | None = None
        self._fields: tuple[str, ...] = ()
        self._values: dict[str, Callable[[], str]] = {}
        self._changed: set[str] = set()
        self.edit_buttons: dict[str, QPushButton] = {}
        self.value_labels: dict[str, object] = {}
        self.prompt = label("heading", self.body)
        self.prompt.setObjectName("profilePrompt")
        self.message = label("alert", self.body)
        self.message.setObjectName("profileMessage")
        self.card = QWidget(self.body)
        self.card.setProperty("role", "card")
        self.card.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.rows = QGridLayout(self.card)
        self.rows.setContentsMargins(40, 16, 40, 16)
        self.rows.setHorizontalSpacing(32)
        self.rows.setVerticalSpacing(12)
        self.rows.setColumnStretch(1, 1)
        self.rows.setColumnStretch(4, 1)
        self.review_button = button(self.body, name="profileReview")
        self.review_button.clicked.connect(lambda: self.chosen.emit("review"))
        self.cancel_button = button(self.body, role="secondary", name="profileCancel")
        self.cancel_button.clicked.connect(lambda: self.chosen.emit("cancel"))
        bottom = QHBoxLayout()
        bottom.setSpacing(32)
        bottom.addStretch(1)
        bottom.addWidget(self.cancel_button)
        bottom.addWidget(self.review_button)
        self.content.addWidget(self.prompt)
        self.content.addWidget(self.message)
        self.content.addWidget(self.card)
        self.content.addStretch(1)
        self.content.addLayout(bottom)

    def show_profile(self, *, service: Text | None, fields: tuple[str, ...],
                     values: dict[str, Callable[[], str]], changed: set[str],
                     message: Text | None = None) -> None:
        self._service, self._message = service, message
        self._fields, self._values, self._changed = tuple(fields), dict(values), set(changed)
        clear_layout(self.rows)
        self.edit_buttons, self.value_labels = {}, {}
        for i, f in enumerate(self._fields):
            name = label("field", self.card, wrap=False)
            name.setObjectName(f"profileField_{f}")
            value = label("body", self.card)
            value.setObjectName(f"profileValue_{f}")
            edit = button(self.card, role="secondary", name=f"profileEdit_{f}")
            edit.clicked.connect(lambda _=False, f=f: self.chosen.emit(f"edit:{f}"))
            # two columns of fields, so that seven fit a 1080 px screen in large text too
            row, col = (i // 2, (i % 2) * 3) if len(self._fields) > 4 else (i, 0)
            self.rows.addWidget(name, row, col)
            self.rows.addWidget(value, row, col + 1)
            self.rows.addWidget(edit, row, col + 2)
            self.edit_buttons[f] = edit
            self.value_labels[f] = (name, value)
        self.retranslate()

    def clear(self) -> None:
        self._values = {}
        clear_layout(self.rows)
        self.edit_buttons, self.value_labels = {}, {}

    def retranslate(self) -> None:
        self.set_service(text_of(self._service))
        #: en: Your details. Tap "Change" next to what you want to update.
        self.prompt.setText(self.tr("您的个人信息，点击“修改”更新相应内容"))
        self.message.setText(text_of(self._message))
        self.message.setVisible(bool(self.message.text()))
        for f, (name, value) in self.value_labels.items():
            #: en: (changed)
            mark = self.tr("（已修改）") if f in self._changed else ""
            name.setText(texts.field_name(f))
            value.setText(self._values.get(f, lambda: "")() + mark)
            #: en: Change
            change = self.tr("修改")
            #: en: Change %1
            set_text(self.edit_buttons[f], change, self.tr("修改%1").replace("%1", texts.field_name(f)))
        #: en: Next: check and save
        set_text(self.review_button, self.tr("下一步：确认提交"))
        #: en: Cancel
        set_text(self.cancel_button, self.tr("取消办理"))
