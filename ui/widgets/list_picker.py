"""A picker for a closed list: a paged grid of big buttons, no typing.

``ListPicker(parent=None, *, columns=4, rows=3, show_filter=True)``
    A paged grid of big buttons for a closed list, with an optional row of
    pinyin-initial filter keys (全部, then A-Z for the initials present; 维吾尔族
    is under W). Signal ``chosen(str code)``.
    ``set_items(items)`` takes ``[(code, label), ...]`` or a callable returning
    them (asked again on a language change, e.g.
    :func:`ui.widgets.ethnicities.ethnicity_items`);
    ``set_current(code)`` marks a code and shows its page; ``current()``;
    ``set_filter(letter | "")``; ``item_button(code)`` (the button of ``code``
    on the page shown, or ``None``); ``page()``, ``page_count()``; the
    ``prev_button``, ``next_button`` and ``filter_button(letter)``.

Every key is a ``NoFocus`` ``QPushButton`` with a translated accessible name;
sizes come from the theme's button and key roles.
"""

from __future__ import annotations

from typing import Callable, Iterable

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (QGridLayout, QHBoxLayout, QPushButton, QSizePolicy, QVBoxLayout,
                               QWidget)

from kiosk.pinyin_input import initial_letter

from .. import theme
from .picker_parts import Items, picker_button, picker_label, set_role

FILTER_COLUMNS = 12          # filter keys per row (12 keys and their borders fit 1920 px)


class ListPicker(QWidget):
    """A paged grid of big buttons, optionally filtered by pinyin initial; see the module docstring."""

    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, columns: int = 4, rows: int = 3,
                 show_filter: bool = True):
        super().__init__(parent)
        self.setObjectName("listPicker")
        self._columns = max(1, columns)
        self._rows = max(1, rows)
        self._source: Items | Callable[[], Iterable[tuple[str, str]]] = []
        self._items: Items = []
        self._initials: dict[str, str] = {}
        self._current: str | None = None
        self._filter = ""
        self._page = 0
        self._show_filter = show_filter

        # filter keys: 全部 and one per initial present (made in _build_filter)
        self._filter_box = QWidget(self)
        self._filter_grid = QGridLayout(self._filter_box)
        self._filter_grid.setContentsMargins(0, 0, 0, 0)
        self.all_button = picker_button(self._filter_box, "key-confirm", "filterAll")
        self.all_button.clicked.connect(lambda: self.set_filter(""))
        self._filter_grid.addWidget(self.all_button, 0, 0)
        self._filter_keys: dict[str, QPushButton] = {}        # the initials present
        self._all_letter_keys: dict[str, QPushButton] = {}    # A-Z, made once

        grid = self._grid = QGridLayout()
        self._item_keys: list[QPushButton] = []
        for i in range(self._columns * self._rows):
            btn = picker_button(self, "secondary", f"item_{i}")
            btn.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            btn.clicked.connect(lambda _=False, b=btn: self._on_item(b))
            self._item_keys.append(btn)
            grid.addWidget(btn, *divmod(i, self._columns))

        self.prev_button = picker_button(self, "secondary", "pagePrev")
        self.prev_button.clicked.connect(lambda: self._turn(-1))
        self.next_button = picker_button(self, "secondary", "pageNext")
        self.next_button.clicked.connect(lambda: self._turn(1))
        self._page_label = picker_label("body", self, align=Qt.AlignmentFlag.AlignCenter)
        paging = self._paging = QHBoxLayout()
        paging.addWidget(self.prev_button)
        paging.addWidget(self._page_label, 1)
        paging.addWidget(self.next_button)

        box = self._box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self._filter_box)
        box.addLayout(grid)
        box.addLayout(paging)
        box.addStretch(1)
        self._filter_box.setVisible(show_filter)
        self._build_filter()
        self._apply_theme(theme.current())
        theme.notifier().changed.connect(self._apply_theme)
        self.retranslate()

    def _apply_theme(self, t: theme.Theme) -> None:
        """The sizes set in code (the style sheet gives the rest), again after a theme change."""
        self._filter_grid.setSpacing(t.keypad_spacing)
        self._grid.setSpacing(t.gap_small)
        self._paging.setSpacing(t.spacing)
        self._box.setSpacing(t.spacing)
        for key in [self.all_button, *self._all_letter_keys.values()]:
            key.setMinimumSize(t.keypad_key, t.keypad_key)

    # --- public -----------------------------------------------------------------------------
    def set_items(self, items: Iterable[tuple[str, str]] | Callable[[], Iterable[tuple[str, str]]]) -> None:
        self._source = items if callable(items) else list(items)
        self._filter = ""
        self._load()
        self._show_page_of(self._current)

    def items(self) -> Items:
        return list(self._items)

    def set_current(self, code: str | None) -> None:
        self._current = code
        if code is not None and self._filter and self._initials.get(code) != self._filter:
            self._filter = ""
        self._show_page_of(code)

    def current(self) -> str | None:
        return self._current

    def set_filter_visible(self, on: bool) -> None:
        self._show_filter = on
        self._filter_box.setVisible(on)
        if not on:
            self.set_filter("")

    def set_filter(self, letter: str) -> None:
        self._filter = letter.upper() if letter else ""
        self._page = 0
        self._refresh()

    def filter(self) -> str:
        return self._filter

    def filter_letters(self) -> list[str]:
        return sorted(self._filter_keys)

    def filter_button(self, letter: str) -> QPushButton:
        """The filter key of ``letter`` (hidden when no entry starts with it)."""
        return self._all_letter_keys[letter.upper()]

    def item_button(self, code: str) -> QPushButton | None:
        for btn in self._item_keys:
            if not btn.isHidden() and btn.property("code") == code:
                return btn
        return None

    def page(self) -> int:
        return self._page

    def page_count(self) -> int:
        per = len(self._item_keys)
        return max(1, -(-len(self._visible()) // per))

    # --- inside ---------------------------------------------------------------------------------
    def _load(self) -> None:
        source = self._source() if callable(self._source) else self._source
        self._items = [(str(code), str(text)) for code, text in source]
        self._initials = {code: initial_letter(text) for code, text in self._items}
        self._build_filter()

    def _build_filter(self) -> None:
        """Show 全部 and a key per initial present, in order (the A-Z keys are made once)."""
        if not self._all_letter_keys:
            for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
                key = picker_button(self._filter_box, "key-action", f"filter{letter}")
                key.setText(letter)
                key.clicked.connect(lambda _=False, x=letter: self.set_filter(x))
                key.hide()
                self._all_letter_keys[letter] = key
        letters = sorted({i for i in self._initials.values() if i in self._all_letter_keys})
        for key in self._all_letter_keys.values():
            self._filter_grid.removeWidget(key)
            key.hide()
        self._filter_keys = {x: self._all_letter_keys[x] for x in letters}
        for n, letter in enumerate(letters, start=1):
            key = self._filter_keys[letter]
            self._filter_grid.addWidget(key, *divmod(n, FILTER_COLUMNS))
            key.show()
        self._name_filter_keys()

    def _visible(self) -> Items:
        if not self._filter:
            return self._items
        return [(c, s) for c, s in self._items if self._initials.get(c) == self._filter]

    def _show_page_of(self, code: str | None) -> None:
        visible = self._visible()
        codes = [c for c, _ in visible]
        self._page = codes.index(code) // len(self._item_keys) if code in codes else 0
        self._refresh()

    def _turn(self, step: int) -> None:
        self._page = max(0, min(self.page_count() - 1, self._page + step))
        self._refresh()

    def _on_item(self, btn: QPushButton) -> None:
        code = btn.property("code")
        if code is None:
            return
        self._current = code
        self._refresh()
        self.chosen.emit(code)

    def _refresh(self) -> None:
        visible = self._visible()
        per = len(self._item_keys)
        self._page = max(0, min(self._page, self.page_count() - 1))
        shown = visible[self._page * per:(self._page + 1) * per]
        for i, btn in enumerate(self._item_keys):
            if i < len(shown):
                code, text = shown[i]
                btn.setText(text)
                btn.setAccessibleName(text)
                btn.setProperty("code", code)
                set_role(btn, "" if code == self._current else "secondary")
                btn.show()
            else:
                btn.setProperty("code", None)
                #: en: Empty
                btn.setAccessibleName(self.tr("空位"))
                btn.hide()
        many = self.page_count() > 1
        self.prev_button.setVisible(many)
        self.next_button.setVisible(many)
        self._page_label.setVisible(many)
        self.prev_button.setEnabled(self._page > 0)
        self.next_button.setEnabled(self._page < self.page_count() - 1)
        #: en: Page %1 of %2
        self._page_label.setText(self.tr("第 %1 页，共 %2 页")
                                 .replace("%1", str(self._page + 1))
                                 .replace("%2", str(self.page_count())))
        self._page_label.setAccessibleName(self._page_label.text())
        set_role(self.all_button, "key-confirm" if not self._filter else "key-action")
        for letter, key in self._filter_keys.items():
            set_role(key, "key-confirm" if letter == self._filter else "key-action")

    def _name_filter_keys(self) -> None:
        for letter, key in self._all_letter_keys.items():
            #: en: Show the entries starting with %1
            key.setAccessibleName(self.tr("只显示拼音首字母为 %1 的项目").replace("%1", letter))

    def retranslate(self) -> None:
        if callable(self._source):
            self._load()
        #: en: All
        self.all_button.setText(self.tr("全部"))
        #: en: Show all entries
        self.all_button.setAccessibleName(self.tr("显示全部项目"))
        #: en: ◀ Previous page
        self.prev_button.setText(self.tr("◀ 上一页"))
        #: en: Previous page
        self.prev_button.setAccessibleName(self.tr("上一页"))
        #: en: Next page ▶
        self.next_button.setText(self.tr("下一页 ▶"))
        #: en: Next page
        self.next_button.setAccessibleName(self.tr("下一页"))
        self._name_filter_keys()
        self._refresh()

    def event(self, event) -> bool:  # noqa: D102 - Qt's name
        # the language change here, not in changeEvent(): a Python changeEvent() makes
        # PySide6 6.12 crash when the style sheet changes (Fatal Python error: none_dealloc)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        return super().event(event)
