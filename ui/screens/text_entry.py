"""Chinese text typed on the kiosk's own pinyin keyboard: a street address, a name.

Never the system keyboard. An address may start from the official region
(province → city → district, ``kiosk/regions.py``) picked with big buttons,
then the street typed in pinyin. The typed text comes back as
:attr:`TextEntryScreen.submitted`; 取消 as :attr:`TextEntryScreen.chosen` ``"cancel"``.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QStackedWidget, QWidget

from .. import theme
from ..widgets.region_picker import RegionPicker
from ..widgets.pinyin_keyboard import PinyinKeyboard
from .base import Screen, Text, button, label, set_text, text_of


class TextEntryScreen(Screen):
    submitted = Signal(str)
    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("textEntryScreen")
        self._service: Text | None = None
        self._prompt: Text | None = None
        self._region_allowed = False
        self.prompt = label("heading", self.body)
        self.prompt.setObjectName("textPrompt")
        self.region_button = button(self.body, role="secondary", name="textRegion")
        self.region_button.clicked.connect(self._show_regions)
        self.cancel_button = button(self.body, role="secondary", name="textCancel")
        self.cancel_button.clicked.connect(lambda: self.chosen.emit("cancel"))
        self.stack = QStackedWidget(self.body)
        self.keyboard = PinyinKeyboard(self.stack)
        self.keyboard.submitted.connect(self._on_submitted)
        self.regions = RegionPicker(self.stack)
        self.regions.list.set_filter_visible(False)     # paged big buttons fit the screen
        self.regions.chosen.connect(self._on_region)
        self.stack.addWidget(self.keyboard)
        self.stack.addWidget(self.regions)
        top = QHBoxLayout()
        top.setSpacing(32)
        top.addWidget(self.prompt, 1)
        top.addWidget(self.region_button)
        top.addWidget(self.cancel_button)
        t = theme.current()
        self.content.setContentsMargins(t.margin // 2, t.spacing // 2, t.margin // 2, t.spacing // 2)
        self.content.setSpacing(t.spacing // 2)
        self.content.addLayout(top)
        self.content.addWidget(self.stack, 1)

    def show_entry(self, *, service: Text | None, prompt: Text, max_length: int = 200,
                   initial: str = "", region: bool = False) -> None:
        self._service, self._prompt, self._region_allowed = service, prompt, region
        self.keyboard.set_max_length(max_length)
        self.keyboard.set_text(initial)
        self.stack.setCurrentWidget(self.keyboard)
        self.retranslate()

    def clear(self) -> None:
        self.keyboard.clear()

    def _show_regions(self) -> None:
        self.stack.setCurrentWidget(self.regions)

    def _on_region(self, _code: str, full_name: str) -> None:
        text = self.keyboard.text()
        self.keyboard.set_text(full_name + (text if not text.startswith(full_name) else
                                            text[len(full_name):]))
        self.stack.setCurrentWidget(self.keyboard)

    def _on_submitted(self, text: str) -> None:
        if text.strip():
            self.submitted.emit(text.strip())

    def retranslate(self) -> None:
        self.set_service(text_of(self._service))
        self.prompt.setText(text_of(self._prompt))
        #: en: Choose province, city, district
        set_text(self.region_button, self.tr("选择省市区"))
        self.region_button.setVisible(self._region_allowed)
        #: en: Back
        set_text(self.cancel_button, self.tr("返回"))
