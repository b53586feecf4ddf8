"""The kiosk's own on-screen keyboard for text: pinyin with candidates, English, digits.

Citizens never get the system keyboard or an input method: names and street
addresses are typed here. The text is shown in a plain-text ``QLabel`` (no
``QLineEdit``, so no system input method can attach).

API
---
``PinyinKeyboard(parent=None, *, max_length=200)``

* signals ``textChanged(str)`` (the committed text changed) and
  ``submitted(str)`` (确认 pressed; the text as typed, not trimmed)
* ``text() -> str``, ``set_text(str)``, ``clear()``, ``set_max_length(int)``
  (in code points: 𠮷 counts once, as :mod:`kiosk.validation` counts)
* ``set_chinese(bool)`` (中 pinyin / 英 letters), ``set_symbols(bool)`` (the
  digits and punctuation page), ``pending() -> str`` (the pinyin not yet
  turned into characters)
* ``letter_button(ch)``, ``symbol_button(ch)``, ``candidate_buttons()`` and the
  action keys as attributes (``backspace_button``, ``clear_button``,
  ``space_button``, ``confirm_button``, ``mode_button``, ``page_button``,
  ``prev_button``, ``next_button``), for the screens' tests

Behaviour
---------
* 中 mode: letters collect as pending pinyin; the candidates bar shows words
  and characters from :class:`kiosk.pinyin_input.PinyinEngine` (paged with
  ◀ ▶); tapping one appends it, and the letters it did not stand for stay
  pending (pick 武 from ``wuhan``: ``han`` stays). Space, a digit or a
  punctuation key first takes the first candidate. Letters no candidate
  stands for are offered as they are.
* 英 mode: a letter key types its capital letter (ID numbers end in X; names in
  Latin letters are written in capitals on Chinese documents).
* 删除 removes the last pending letter first, then the last character.
* 确认 is disabled while pinyin is pending.
* Nothing typed is logged or put in a tooltip.

Layout: a 13-column grid of ``theme.keypad_key`` keys (13 × 120 + 12 × 16 =
1752 px at the normal theme, about 1690 px as laid out with the keys' borders);
height: the display line and four rows of keys, 642 px at the normal theme
(655 px in 长辈版). The kiosk's own checks (``ui/inventory.py``) pass in all
four themes at 1920 px wide with the theme's margins.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (QGridLayout, QHBoxLayout, QLabel, QPushButton, QSizePolicy,
                               QVBoxLayout, QWidget)

from kiosk.pinyin_input import Candidate, PinyinEngine, shared_engine

from .. import theme
from .eliding_label import ElidingLabel
from .keyboard_key_names import letter_name, symbol_name

LETTER_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
SYMBOL_ROWS = ("1234567890", "-#()·、，。/", "：；@*+.X")
COLUMNS = 13
MAX_PENDING = 32            # pinyin letters waiting for a candidate
CANDIDATE_SLOTS = 10        # candidate buttons in the bar (a page shows those that fit)
DEFAULT_MAX_LENGTH = 200


class PinyinKeyboard(QWidget):
    textChanged = Signal(str)
    submitted = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, max_length: int = DEFAULT_MAX_LENGTH,
                 engine: PinyinEngine | None = None):
        super().__init__(parent)
        self.setObjectName("pinyinKeyboard")
        self._engine = engine or shared_engine()
        self._text = ""
        self._pending = ""
        self._max_length = max(0, int(max_length))
        self._chinese = True
        self._symbols = False
        self._candidates: list[Candidate] = []
        self._pages: list[tuple[int, int]] = [(0, 0)]
        self._page = 0

        # --- display: the text, then the pending pinyin ---------------------------------
        self._display = QWidget(self)
        self._display.setProperty("role", "card")
        self._display.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        row = self._row = QHBoxLayout(self._display)
        self._text_label = self._label("value", ElidingLabel(self._display))
        self._text_label.setObjectName("keyboardText")
        self._pending_label = self._label("muted", QLabel(self._display))
        self._pending_label.setObjectName("keyboardPending")
        row.addWidget(self._text_label, 0)
        row.addWidget(self._pending_label, 0)
        row.addStretch(1)

        grid = self._grid = QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)

        # --- candidates bar -----------------------------------------------------------------
        self.prev_button = self._key("key-action", "keyPrevCandidates")
        self.prev_button.setText("◀")
        self.prev_button.clicked.connect(lambda: self._turn(-1))
        self.next_button = self._key("key-action", "keyNextCandidates")
        self.next_button.setText("▶")
        self.next_button.clicked.connect(lambda: self._turn(1))
        bar = self._bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        self._candidate_keys: list[QPushButton] = []
        for i in range(CANDIDATE_SLOTS):
            key = self._key("key", f"keyCandidate{i}")
            key.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Expanding)
            key.clicked.connect(lambda _=False, k=key: self._on_candidate(k))
            key.hide()
            self._candidate_keys.append(key)
            bar.addWidget(key)
        bar.addStretch(1)
        grid.addWidget(self.prev_button, 0, 0)
        grid.addLayout(bar, 0, 1, 1, COLUMNS - 2)
        grid.addWidget(self.next_button, 0, COLUMNS - 1)

        # --- letters and symbols share the cells of the three rows -------------------------
        self._letter_keys: dict[str, QPushButton] = {}
        self._symbol_keys: dict[str, QPushButton] = {}
        for r, (letters, symbols) in enumerate(zip(LETTER_ROWS, SYMBOL_ROWS), start=1):
            for c, ch in enumerate(letters):
                key = self._key("key", f"keyLetter{ch.upper()}")
                key.setText(ch.upper())
                key.clicked.connect(lambda _=False, ch=ch: self._on_letter(ch))
                self._letter_keys[ch] = key
                grid.addWidget(key, r, c)
            for c, ch in enumerate(symbols):
                key = self._key("key", f"keySymbol{r}{c}")
                key.setText(ch)
                key.clicked.connect(lambda _=False, ch=ch: self._on_symbol(ch))
                key.hide()
                self._symbol_keys[ch] = key
                grid.addWidget(key, r, c)

        # --- action keys -------------------------------------------------------------------
        self.backspace_button = self._key("key-action", "keyBackspace")
        self.backspace_button.clicked.connect(self._on_backspace)
        self.clear_button = self._key("key-action", "keyClear")
        self.clear_button.clicked.connect(self.clear)
        self.page_button = self._key("key-action", "keySymbols")
        self.page_button.clicked.connect(lambda: self.set_symbols(not self._symbols))
        self.mode_button = self._key("key-action", "keyMode")
        self.mode_button.clicked.connect(lambda: self.set_chinese(not self._chinese))
        self.space_button = self._key("secondary", "keySpace")
        self.space_button.clicked.connect(self._on_space)
        self.confirm_button = self._key("key-confirm", "keyConfirm")
        self.confirm_button.clicked.connect(self._on_confirm)
        grid.addWidget(self.backspace_button, 1, 10, 1, 2)
        grid.addWidget(self.clear_button, 1, 12)
        grid.addWidget(self.page_button, 2, 9, 1, 2)
        grid.addWidget(self.mode_button, 2, 11, 1, 2)
        grid.addWidget(self.space_button, 3, 7, 1, 3)
        grid.addWidget(self.confirm_button, 3, 10, 1, 3)
        for c in range(COLUMNS):
            grid.setColumnStretch(c, 1)

        box = self._box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self._display)
        box.addLayout(grid)

        self._apply_theme(theme.current())
        theme.notifier().changed.connect(self._apply_theme)
        self.retranslate()

    def _apply_theme(self, t: theme.Theme) -> None:
        """The sizes set in code (the style sheet gives the rest), again after a theme change."""
        self._row.setContentsMargins(t.keypad_spacing, 0, t.keypad_spacing, 0)
        for layout in (self._row, self._grid, self._bar, self._box):
            layout.setSpacing(t.keypad_spacing)
        for key in self.findChildren(QPushButton):
            key.setMinimumSize(t.keypad_key, t.keypad_key)
        self._refresh_candidates()       # how many fit a key and a page depends on the sizes

    # --- building ------------------------------------------------------------------------
    def _label(self, role: str, lab: QLabel) -> QLabel:
        lab.setProperty("role", role)
        lab.setTextFormat(Qt.TextFormat.PlainText)
        lab.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        lab.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        return lab

    def _key(self, role: str, name: str) -> QPushButton:
        key = QPushButton(self)
        key.setProperty("role", role)
        key.setObjectName(name)
        key.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        key.setAutoRepeat(False)
        key.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        return key

    # --- public -----------------------------------------------------------------------------
    def text(self) -> str:
        return self._text

    def pending(self) -> str:
        return self._pending

    def set_text(self, text: str) -> None:
        self._pending = ""
        self._set_committed(str(text or "")[:self._max_length])
        self._refresh_candidates()

    def clear(self) -> None:
        self._pending = ""
        self._set_committed("")
        self._refresh_candidates()

    def set_max_length(self, n: int) -> None:
        self._max_length = max(0, int(n))
        if len(self._text) > self._max_length:
            self._set_committed(self._text[:self._max_length])
        self._refresh()

    def max_length(self) -> int:
        return self._max_length

    def is_chinese(self) -> bool:
        return self._chinese

    def set_chinese(self, on: bool) -> None:
        """中 (pinyin) or 英 (letters as they are); pending pinyin is kept as letters."""
        if not on and self._pending:
            self._commit(self._pending.upper(), len(self._pending))
        self._chinese = bool(on)
        self.retranslate()

    def showing_symbols(self) -> bool:
        return self._symbols

    def set_symbols(self, on: bool) -> None:
        self._symbols = bool(on)
        for key in self._letter_keys.values():
            key.setVisible(not self._symbols)
        for key in self._symbol_keys.values():
            key.setVisible(self._symbols)
        self.retranslate()

    def letter_button(self, ch: str) -> QPushButton:
        return self._letter_keys[ch.lower()]

    def symbol_button(self, ch: str) -> QPushButton:
        return self._symbol_keys[ch]

    def candidate_buttons(self) -> list[QPushButton]:
        """The candidate keys shown now, in order."""
        return [k for k in self._candidate_keys if not k.isHidden()]

    def candidates(self) -> list[str]:
        """Every candidate for the pending pinyin (all pages)."""
        return [c.text for c in self._candidates]

    # --- keys ---------------------------------------------------------------------------------
    def _room(self) -> int:
        return self._max_length - len(self._text)

    def _on_letter(self, ch: str) -> None:
        if self._room() <= 0:
            return
        if not self._chinese:
            self._set_committed(self._text + ch.upper())
            return
        if len(self._pending) >= MAX_PENDING:
            return
        self._pending += ch
        self._refresh_candidates()

    def _on_symbol(self, ch: str) -> None:
        self._take_first_candidate()
        if self._room() > 0:
            self._set_committed(self._text + ch)

    def _on_space(self) -> None:
        if self._pending:
            self._take_first_candidate()
        elif self._room() > 0:
            self._set_committed(self._text + " ")

    def _on_backspace(self) -> None:
        if self._pending:
            self._pending = self._pending[:-1]
            self._refresh_candidates()
        elif self._text:
            self._set_committed(self._text[:-1])

    def _on_confirm(self) -> None:
        if self._pending:
            return
        self.submitted.emit(self._text)

    def _on_candidate(self, key: QPushButton) -> None:
        index = key.property("candidate")
        if index is None or not 0 <= index < len(self._candidates):
            return
        c = self._candidates[index]
        self._commit(c.text, c.consumed)

    def _take_first_candidate(self) -> None:
        if self._pending and self._candidates:
            c = self._candidates[0]
            self._commit(c.text, c.consumed)

    def _commit(self, text: str, consumed: int) -> None:
        if len(text) > self._room():
            return              # would not fit: the citizen sees nothing taken
        self._pending = self._pending[consumed:]
        self._set_committed(self._text + text)
        self._refresh_candidates()

    def _set_committed(self, text: str) -> None:
        changed = text != self._text
        self._text = text
        self._refresh()
        if changed:
            self.textChanged.emit(text)

    # --- candidates -------------------------------------------------------------------------------
    def _max_candidate_chars(self) -> int:
        t = theme.current()
        return max(1, (2 * t.keypad_key - t.keypad_spacing - 2 * t.border_px) // t.keypad_px)

    def _candidate_width(self, text: str) -> int:
        t = theme.current()
        return max(t.keypad_key, len(text) * t.keypad_px + t.keypad_spacing + 2 * t.border_px)

    def _refresh_candidates(self) -> None:
        if not self._pending:
            self._candidates = []
        else:
            widest = self._max_candidate_chars()
            found = [c for c in self._engine.lookup(self._pending, limit=None)
                     if len(c.text) <= widest]
            if not found:       # letters no character stands for: offer them as they are
                found = [Candidate(self._pending, len(self._pending))]
            self._candidates = found
        self._paginate()
        self._page = 0
        self._refresh()

    def _paginate(self) -> None:
        t = theme.current()
        budget = (COLUMNS - 2) * t.keypad_key + (COLUMNS - 3) * t.keypad_spacing
        pages: list[tuple[int, int]] = []
        start, used = 0, 0
        for i, c in enumerate(self._candidates):
            w = self._candidate_width(c.text) + (t.keypad_spacing if i > start else 0)
            if i > start and (used + w > budget or i - start >= CANDIDATE_SLOTS):
                pages.append((start, i))
                start, used = i, self._candidate_width(c.text)
            else:
                used += w
        pages.append((start, len(self._candidates)))
        self._pages = pages

    def _turn(self, step: int) -> None:
        self._page = max(0, min(len(self._pages) - 1, self._page + step))
        self._refresh()

    # --- showing ----------------------------------------------------------------------------------
    def _refresh(self) -> None:
        start, end = self._pages[self._page]
        for slot, key in enumerate(self._candidate_keys):
            i = start + slot
            if i < end:
                text = self._candidates[i].text
                key.setText(text)
                key.setAccessibleName(text)
                key.setProperty("candidate", i)
                key.setFixedWidth(self._candidate_width(text))
                key.show()
            else:
                key.setProperty("candidate", None)
                #: en: No candidate
                key.setAccessibleName(self.tr("无候选字"))
                key.hide()
        self.prev_button.setEnabled(self._page > 0)
        self.next_button.setEnabled(self._page < len(self._pages) - 1)
        self.confirm_button.setEnabled(not self._pending)
        self._text_label.set_full_text(self._text)
        self._pending_label.setText(self._pending)
        self._pending_label.setVisible(bool(self._pending))

    # --- text -------------------------------------------------------------------------------------
    def retranslate(self) -> None:
        for ch, key in self._letter_keys.items():
            key.setAccessibleName(letter_name(ch))
        for ch, key in self._symbol_keys.items():
            key.setAccessibleName(symbol_name(ch))
        #: en: Previous candidates
        self.prev_button.setAccessibleName(self.tr("上一页候选字"))
        #: en: Next candidates
        self.next_button.setAccessibleName(self.tr("下一页候选字"))
        #: en: Delete
        self.backspace_button.setText(self.tr("删除"))
        #: en: Delete the last letter or character
        self.backspace_button.setAccessibleName(self.tr("删除最后一个字母或文字"))
        #: en: Clear
        self.clear_button.setText(self.tr("清空"))
        #: en: Clear everything typed
        self.clear_button.setAccessibleName(self.tr("清空全部内容"))
        #: en: Space
        self.space_button.setText(self.tr("空格"))
        #: en: Space
        self.space_button.setAccessibleName(self.tr("空格键"))
        #: en: Confirm
        self.confirm_button.setText(self.tr("确认"))
        #: en: Confirm what was typed
        self.confirm_button.setAccessibleName(self.tr("确认输入内容"))
        if self._symbols:
            #: en: ABC
            self.page_button.setText(self.tr("字母"))
            #: en: Show the letter keys
            self.page_button.setAccessibleName(self.tr("切换到字母键盘"))
        else:
            #: en: 123
            self.page_button.setText(self.tr("符号"))
            #: en: Show the digit and punctuation keys
            self.page_button.setAccessibleName(self.tr("切换到数字和符号键盘"))
        if self._chinese:
            #: en: 中 / EN
            self.mode_button.setText(self.tr("中/英"))
            #: en: Typing Chinese pinyin; switch to English letters
            self.mode_button.setAccessibleName(self.tr("当前为中文拼音输入，切换到英文字母"))
        else:
            #: en: EN / 中
            self.mode_button.setText(self.tr("英/中"))
            #: en: Typing English letters; switch to Chinese pinyin
            self.mode_button.setAccessibleName(self.tr("当前为英文字母输入，切换到中文拼音"))
        #: en: Text typed
        self._text_label.setAccessibleName(self.tr("已输入的内容"))
        #: en: Pinyin being typed
        self._pending_label.setAccessibleName(self.tr("正在输入的拼音"))
        #: en: On-screen keyboard
        self.setAccessibleName(self.tr("屏幕键盘"))
        self._refresh()

    # --- Qt events --------------------------------------------------------------------------------
    def event(self, event) -> bool:  # noqa: D102 - Qt's name
        # the language change here, not in changeEvent(): a Python changeEvent() makes
        # PySide6 6.12 crash when the style sheet changes (Fatal Python error: none_dealloc)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        return super().event(event)
