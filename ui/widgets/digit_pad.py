"""The kiosk's numeric keypad for what is not secret: an SMS code, a phone number, an ID number.

Unlike :class:`~ui.widgets.keypad.PinKeypad` the digits are shown as typed
(the citizen checks a phone number), the length is the caller's (6 for a code,
11 for a mobile number, 18 for an ID number, whose last character may be X:
``with_x=True``), and the value is a plain ``str``. With ``auto_submit`` a
fixed-length entry is handed over when its last character is typed.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from .. import theme


class DigitPad(QWidget):
    submitted = Signal(str)
    textChanged = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, wide: bool = False):
        """``wide``: the keys in two rows under a full-width display (the digits in the
        first), for screens that also hold a keyboard; otherwise the usual 3 × 4 block."""
        super().__init__(parent)
        self.setObjectName("digitPad")
        self._text = ""
        self.max_length = 6
        self.min_length = 6
        self.auto_submit = False
        self.with_x = False
        self.grouping: tuple[int, ...] = ()
        t = theme.current()
        self.display = QLabel(self)
        self.display.setObjectName("digitDisplay")
        self.display.setProperty("role", "pin-dots")
        self.display.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.display.setTextFormat(Qt.TextFormat.PlainText)
        grid = QGridLayout()
        grid.setSpacing(t.keypad_spacing)
        self.keys: dict[str, QPushButton] = {}
        self.backspace_button = self._make("key-action", "digitBackspace")
        self.backspace_button.clicked.connect(self.backspace)
        self.confirm_button = self._make("key-confirm", "digitConfirm")
        self.confirm_button.clicked.connect(self._on_confirm)
        if wide:
            # the digits and X in one row, 删除 and 确认 under its right end, each two keys
            # wide so that their words fit in 长辈版 and in English too
            for i, d in enumerate("1234567890X"):
                self._add_key(grid, d, 0, i)
            self.x_key = self.keys["X"]
            grid.addWidget(self.backspace_button, 1, 7, 1, 2)
            grid.addWidget(self.confirm_button, 1, 9, 1, 2)
        else:
            for i, d in enumerate("123456789"):
                self._add_key(grid, d, i // 3, i % 3)
            self.x_key = self._add_key(grid, "X", 3, 0)
            self._add_key(grid, "0", 3, 1)
            grid.addWidget(self.backspace_button, 3, 2)
            grid.addWidget(self.confirm_button, 4, 0, 1, 3)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(t.spacing)
        box.addWidget(self.display)
        box.addLayout(grid)
        self.retranslate()

    def _make(self, role: str, name: str) -> QPushButton:
        key = QPushButton(self)
        key.setObjectName(name)
        key.setProperty("role", role)
        key.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        key.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        return key

    def _add_key(self, grid: QGridLayout, d: str, row: int, col: int) -> QPushButton:
        key = self._make("key", f"digit_{d}")
        key.setText(d)
        key.clicked.connect(lambda _=False, d=d: self.type(d))
        grid.addWidget(key, row, col)
        self.keys[d] = key
        return key

    # --- public -------------------------------------------------------------------
    def configure(self, *, length: int, min_length: int | None = None, with_x: bool = False,
                  auto_submit: bool = False, grouping: tuple[int, ...] = ()) -> None:
        self.max_length = length
        self.min_length = length if min_length is None else min_length
        self.with_x = with_x
        self.auto_submit = auto_submit
        self.grouping = grouping
        self.clear()

    def text(self) -> str:
        return self._text

    def set_text(self, text: str) -> None:
        self._text = text[: self.max_length]
        self._refresh()

    def clear(self) -> None:
        self._text = ""
        self._refresh()

    def type(self, ch: str) -> None:
        if len(self._text) >= self.max_length:
            return
        if ch == "X" and not (self.with_x and len(self._text) == self.max_length - 1):
            return
        self._text += ch
        self._refresh()
        if self.auto_submit and len(self._text) == self.max_length:
            self._on_confirm()

    def backspace(self) -> None:
        self._text = self._text[:-1]
        self._refresh()

    def _on_confirm(self) -> None:
        if len(self._text) < self.min_length:
            return
        value = self._text
        self.submitted.emit(value)

    def _grouped(self) -> str:
        if not self.grouping:
            return self._text
        out, i = [], 0
        for n in self.grouping:
            if i >= len(self._text):
                break
            out.append(self._text[i:i + n])
            i += n
        if i < len(self._text):
            out.append(self._text[i:])
        return " ".join(out)

    def _refresh(self) -> None:
        self.display.setText(self._grouped() or " ")
        #: en: Typed: %1
        self.display.setAccessibleName(self.tr("已输入：%1").replace("%1", " ".join(self._text)))
        self.confirm_button.setEnabled(len(self._text) >= self.min_length)
        self.x_key.setEnabled(self.with_x and len(self._text) == self.max_length - 1)
        self.x_key.setVisible(self.with_x)
        self.textChanged.emit(self._text)

    def retranslate(self) -> None:
        for d, key in self.keys.items():
            #: en: Digit %1
            key.setAccessibleName(self.tr("数字 %1").replace("%1", d) if d != "X"
                                  #: en: Letter X (last character of an ID number)
                                  else self.tr("字母 X（身份证号码末位）"))
        #: en: Delete
        self.backspace_button.setText(self.tr("删除"))
        #: en: Delete the last character
        self.backspace_button.setAccessibleName(self.tr("删除最后一位"))
        #: en: Confirm
        self.confirm_button.setText(self.tr("确认"))
        self.confirm_button.setAccessibleName(self.confirm_button.text())
        #: en: Number keypad
        self.setAccessibleName(self.tr("数字键盘"))
        self._refresh()

    def event(self, event) -> bool:  # noqa: D102 - Qt's name
        # the language change here, not in changeEvent(): a Python changeEvent() makes
        # PySide6 6.12 crash when the style sheet changes (Fatal Python error: none_dealloc)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        return super().event(event)
