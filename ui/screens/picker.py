"""A value from a closed list, with big buttons: ethnic group (GB/T 3304), nationality,
a day (with 长期 for an ID card without end date).

The chosen value comes back as :attr:`PickerScreen.picked` (a code, a
``datetime.date`` or ``"长期"``); 返回 as :attr:`PickerScreen.chosen` ``"cancel"``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QStackedWidget, QWidget

from .. import texts, theme
from ..widgets.date_picker import DatePicker
from ..widgets.ethnicities import ethnicity_items
from ..widgets.list_picker import ListPicker
from .base import Screen, Text, button, label, set_text, text_of


class PickerScreen(Screen):
    picked = Signal(object)
    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("pickerScreen")
        self._service: Text | None = None
        self._prompt: Text | None = None
        self.kind = ""
        self.prompt = label("heading", self.body)
        self.prompt.setObjectName("pickerPrompt")
        self.cancel_button = button(self.body, role="secondary", name="pickerCancel")
        self.cancel_button.clicked.connect(lambda: self.chosen.emit("cancel"))
        self.stack = QStackedWidget(self.body)
        # five columns of the theme's buttons fit 1920 px; 长辈版's wider buttons, four
        self.list = ListPicker(self.stack, columns=4 if theme.current().large else 5, rows=2)
        self.list.chosen.connect(lambda code: self.picked.emit(code))
        self.date = DatePicker(self.stack)
        self.date.chosen.connect(lambda day: self.picked.emit(day))
        self.stack.addWidget(self.list)
        self.stack.addWidget(self.date)
        top = QHBoxLayout()
        top.addWidget(self.prompt, 1)
        top.addWidget(self.cancel_button)
        t = theme.current()
        self.content.setContentsMargins(t.margin // 2, t.spacing // 2, t.margin // 2, t.spacing // 2)
        self.content.setSpacing(t.spacing // 2)
        self.content.addLayout(top)
        self.content.addWidget(self.stack, 1)

    def show_picker(self, *, service: Text | None, prompt: Text, kind: str, current: Any = None) -> None:
        self._service, self._prompt, self.kind = service, prompt, kind
        if kind == "date":
            today = dt.date.today()
            self.date.set_range(today, dt.date(today.year + 30, 12, 31))
            self.date.set_long_term_allowed(True)
            if isinstance(current, str):
                try:
                    self.date.set_date(dt.date.fromisoformat(current))
                except ValueError:
                    pass
            self.stack.setCurrentWidget(self.date)
        else:
            # the callable itself: the names are asked again on a language change
            items = ethnicity_items if kind == "ethnicity" else texts.nationality_items
            self.list.set_items(items)
            if current:
                self.list.set_current(str(current))
            self.stack.setCurrentWidget(self.list)
        self.retranslate()

    def retranslate(self) -> None:
        self.set_service(text_of(self._service))
        self.prompt.setText(text_of(self._prompt))
        #: en: Back
        set_text(self.cancel_button, self.tr("返回"))
