"""Non-key personal data: each field the jurisdiction lets the kiosk change, with 修改.

A view: the controller (``ui/profile_editing.py``) gives the values, the
editable fields and a message; a tap comes back as :attr:`ProfileScreen.chosen`
with ``edit:<field>``, ``review`` or ``cancel``. Changed values are marked.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QPushButton, QSizePolicy, QWidget

from .. import texts, theme
from .base import Screen, Text, button, clear_layout, label, set_text, text_of


# values that may be long: a whole row each
WIDE_FIELDS = frozenset({"address", "mailing_address"})


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
        t = theme.current()
        self.rows = QGridLayout(self.card)
        self.rows.setContentsMargins(t.gap_wide, t.gap_small, t.gap_wide, t.gap_small)
        self.rows.setHorizontalSpacing(t.spacing)
        self.rows.setVerticalSpacing(t.gap_small // 2)
        self.rows.setColumnStretch(1, 1)
        self.rows.setColumnStretch(4, 1)
        self.review_button = button(self.body, name="profileReview")
        self.review_button.clicked.connect(lambda: self.chosen.emit("review"))
        self.cancel_button = button(self.body, role="secondary", name="profileCancel")
        self.cancel_button.clicked.connect(lambda: self.chosen.emit("cancel"))
        bottom = QHBoxLayout()
        bottom.setSpacing(t.spacing)
        bottom.addStretch(1)
        bottom.addWidget(self.cancel_button)
        bottom.addWidget(self.review_button)
        self.content.setSpacing(t.gap)
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
        for f, row, col, span in self._places(self._fields):
            name = label("field", self.card, wrap=False)
            name.setObjectName(f"profileField_{f}")
            value = label("body", self.card)
            value.setObjectName(f"profileValue_{f}")
            # a long value wraps in the room its column has
            value.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            edit = button(self.card, role="compact-secondary", name=f"profileEdit_{f}")
            edit.clicked.connect(lambda _=False, f=f: self.chosen.emit(f"edit:{f}"))
            self.rows.addWidget(name, row, col)
            self.rows.addWidget(value, row, col + 1, 1, span)
            self.rows.addWidget(edit, row, col + 1 + span)
            self.edit_buttons[f] = edit
            self.value_labels[f] = (name, value)
        self.retranslate()

    @staticmethod
    def _places(fields: tuple[str, ...]) -> list[tuple[str, int, int, int]]:
        """(field, row, column, columns of the value) of each field, in order.

        Up to four fields: one a row. More (seven fit a 1080 px screen in 长辈版
        too): two a row, except an address, which takes a whole row so that it
        can be read in one or two lines; its 修改 key lines up with the right
        column's.
        """
        if len(fields) <= 4:
            return [(f, i, 0, 4) for i, f in enumerate(fields)]
        out, row, half = [], 0, False
        for f in fields:
            if f in WIDE_FIELDS:
                if half:
                    row += 1
                    half = False
                out.append((f, row, 0, 4))
                row += 1
            elif half:
                out.append((f, row, 3, 1))
                row += 1
                half = False
            else:
                out.append((f, row, 0, 1))
                half = True
        return out

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
        # a refused value's message takes the instruction's place (seven fields fill the
        # screen in 长辈版); speech reads the message
        self.prompt.setVisible(not self.message.text())
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
