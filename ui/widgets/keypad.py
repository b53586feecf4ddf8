"""The kiosk's own on-screen numeric keypad for PINs.

- Digits 0-9, 删除 (backspace), 清空 (clear), 确认 (confirm).
- The display shows one ● per digit typed and ○ for the digits still to come;
  it never shows a digit, nor does any accessible name or description.
- The digits go straight into a :class:`kiosk.pin.Pin` (a wipeable buffer),
  never into a ``str``. On 确认 with six digits the keypad hands that ``Pin``
  over through :attr:`PinKeypad.submitted` and starts a fresh one: from then on
  the receiver owns it and wipes it.
- The keypad wipes what was typed when it is hidden or cleared.
- With ``shuffle=True`` the digit keys change places at the start of every
  entry (the idea of trezor's scrambled PIN matrix: someone watching the hand
  learns nothing).
"""

from __future__ import annotations

import secrets

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from kiosk.pin import PIN_LENGTH, Pin

from .. import theme

DIGITS = "1234567890"          # the digit keys in reading order when not shuffled


class PinKeypad(QWidget):
    # a complete :class:`~kiosk.pin.Pin`; the receiver owns it and must wipe it
    submitted = Signal(object)

    def __init__(self, parent: QWidget | None = None, *, shuffle: bool = False,
                 auto_submit: bool = False):
        super().__init__(parent)
        self.setObjectName("pinKeypad")
        self._shuffle = shuffle
        # hand the PIN over as soon as the sixth digit is typed (no 确认 tap)
        self.auto_submit = auto_submit
        self._pin = Pin()
        t = theme.current()

        self._dots = QLabel(self)
        self._dots.setObjectName("pinDots")
        self._dots.setProperty("role", "pin-dots")
        self._dots.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._dots.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)

        grid = QGridLayout()
        grid.setSpacing(t.keypad_spacing)
        self._digit_keys: list[QPushButton] = []
        for slot in range(10):
            key = self._make_key("key")
            key.clicked.connect(lambda _=False, k=key: self._on_digit(k))
            self._digit_keys.append(key)
            row, col = (3, 1) if slot == 9 else divmod(slot, 3)
            grid.addWidget(key, row, col)
        self.clear_button = self._make_key("key-action")
        self.clear_button.setObjectName("keyClear")
        self.clear_button.clicked.connect(self.clear)
        self.backspace_button = self._make_key("key-action")
        self.backspace_button.setObjectName("keyBackspace")
        self.backspace_button.clicked.connect(self._on_backspace)
        self.confirm_button = self._make_key("key-confirm")
        self.confirm_button.setObjectName("keyConfirm")
        self.confirm_button.clicked.connect(self._on_confirm)
        grid.addWidget(self.clear_button, 3, 0)
        grid.addWidget(self.backspace_button, 3, 2)
        grid.addWidget(self.confirm_button, 4, 0, 1, 3)

        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(t.spacing)
        box.addWidget(self._dots)
        box.addLayout(grid)

        self._arrange(shuffle)
        self.retranslate()

    def _make_key(self, role: str) -> QPushButton:
        key = QPushButton(self)
        key.setProperty("role", role)
        key.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        key.setAutoRepeat(False)
        key.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        return key

    # --- public ---------------------------------------------------------------
    def set_shuffle(self, on: bool) -> None:
        self._shuffle = on
        self._arrange(on)

    def digit_button(self, digit: str) -> QPushButton:
        """The key that types ``digit`` now (it moves when shuffled)."""
        for key in self._digit_keys:
            if key.property("digit") == digit:
                return key
        raise KeyError(digit)

    def digit_order(self) -> str:
        """The digits in slot order (the first nine are the 3 × 3 block, the last sits under them)."""
        return "".join(k.property("digit") for k in self._digit_keys)

    def __len__(self) -> int:
        return len(self._pin)

    def clear(self) -> None:
        """Wipe what was typed."""
        self._pin.wipe()
        self._refresh()

    def start_entry(self) -> None:
        """Begin a new entry: wipe, and reshuffle when shuffling."""
        self.clear()
        if self._shuffle:
            self._arrange(True)

    # --- keys -------------------------------------------------------------------
    def _on_digit(self, key: QPushButton) -> None:
        self._pin.add_digit(key.property("digit"))
        self._refresh()
        if self.auto_submit and self._pin.complete:
            self._on_confirm()

    def _on_backspace(self) -> None:
        self._pin.backspace()
        self._refresh()

    def _on_confirm(self) -> None:
        if not self._pin.complete:
            return
        pin, self._pin = self._pin, Pin()
        self._refresh()
        if self._shuffle:
            self._arrange(True)
        self.submitted.emit(pin)

    def _arrange(self, shuffled: bool) -> None:
        order = list(DIGITS)
        if shuffled:
            secrets.SystemRandom().shuffle(order)
        for key, digit in zip(self._digit_keys, order):
            key.setProperty("digit", digit)
            key.setText(digit)
        self._name_digit_keys()

    def _refresh(self) -> None:
        n = len(self._pin)
        self._dots.setText("●" * n + "○" * (PIN_LENGTH - n))
        #: en: %n of 6 digits typed
        self._dots.setAccessibleName(self.tr("已输入 %n 位，共 6 位", None, n))
        self.confirm_button.setEnabled(self._pin.complete)

    # --- text -----------------------------------------------------------------
    def _name_digit_keys(self) -> None:
        for key in self._digit_keys:
            #: en: Digit %1
            key.setAccessibleName(self.tr("数字 %1").replace("%1", key.property("digit")))

    def retranslate(self) -> None:
        #: en: Delete
        self.backspace_button.setText(self.tr("删除"))
        #: en: Delete the last digit
        self.backspace_button.setAccessibleName(self.tr("删除最后一位"))
        #: en: Clear
        self.clear_button.setText(self.tr("清空"))
        #: en: Clear all digits
        self.clear_button.setAccessibleName(self.tr("清空已输入的数字"))
        #: en: Confirm
        self.confirm_button.setText(self.tr("确认"))
        #: en: Confirm the PIN
        self.confirm_button.setAccessibleName(self.tr("确认密码"))
        #: en: PIN keypad
        self.setAccessibleName(self.tr("密码键盘"))
        self._name_digit_keys()
        self._refresh()

    # --- Qt events ----------------------------------------------------------------
    def hideEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.clear()
        super().hideEvent(event)

    def event(self, event) -> bool:  # noqa: D102 - Qt's name
        # the language change here, not in changeEvent(): a Python changeEvent() makes
        # PySide6 6.12 crash when the style sheet changes (Fatal Python error: none_dealloc)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        return super().event(event)
