"""Pickers for closed lists, regions and dates: big buttons only, no typing, no tiny calendar.

API
---
``ListPicker(parent=None, *, columns=4, rows=3, show_filter=True)``
    A paged grid of big buttons for a closed list, with an optional row of
    pinyin-initial filter keys (全部, then A-Z for the initials present; 维吾尔族
    is under W). Signal ``chosen(str code)``.
    ``set_items(items)`` takes ``[(code, label), ...]`` or a callable returning
    them (asked again on a language change, e.g. :func:`ethnicity_items`);
    ``set_current(code)`` marks a code and shows its page; ``current()``;
    ``set_filter(letter | "")``; ``item_button(code)`` (the button of ``code``
    on the page shown, or ``None``); ``page()``, ``page_count()``; the
    ``prev_button``, ``next_button`` and ``filter_button(letter)``.
``ethnicity_items() -> list[tuple[str, str]]``
    The GB/T 3304 ethnic groups (``"01"`` 汉族 ... ``"56"`` 基诺族, ``"97"``
    其他, ``"98"`` 外国血统中国籍人士), names translated.
``RegionPicker(parent=None)``
    Province -> city -> county drill-down over :mod:`kiosk.regions`, with a
    breadcrumb and a 返回上一级 key. Signal ``chosen(str code, str full_name)``
    when a division without subdivisions is tapped (a county; 东莞市; 仙桃市).
    ``reset()`` goes back to the provinces, ``open(code)`` shows the children
    of ``code``, ``set_current(code)`` opens the level holding ``code`` and marks
    it; ``level_code()`` is the division whose children are shown (``""`` at the top).
``DatePicker(parent=None, *, minimum=None, maximum=None, long_term=False)``
    Year / month / day with big − / + keys (the year also ±10), bounded by
    ``minimum`` and ``maximum`` (steps stop at the bounds); a 确认 key emits
    ``chosen(datetime.date)``, and when ``long_term`` is on a 长期 key emits
    ``chosen("长期")`` (:data:`kiosk.validation.LONG_TERM`: an ID card valid for
    good). ``set_range(minimum, maximum)``, ``set_date(day)``, ``date()``,
    ``set_long_term_allowed(bool)``. The date is shown in ``QLocale()``'s long
    format, the month by ``QLocale().monthName``.

Every key is a ``NoFocus`` ``QPushButton`` with a translated accessible name;
sizes come from the theme's button and key roles.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Callable, Iterable

from PySide6.QtCore import QCoreApplication, QDate, QEvent, QLocale, Qt, Signal
from PySide6.QtWidgets import (QGridLayout, QHBoxLayout, QLabel, QPushButton, QSizePolicy,
                               QVBoxLayout, QWidget)

from kiosk import regions
from kiosk.pinyin_input import initial_letter
from kiosk.validation import LONG_TERM

from .. import theme

Items = list[tuple[str, str]]
FILTER_COLUMNS = 12          # filter keys per row (12 keys and their borders fit 1920 px)


def _label(role: str, parent: QWidget, *, align=Qt.AlignmentFlag.AlignLeft) -> QLabel:
    lab = QLabel(parent)
    lab.setProperty("role", role)
    lab.setTextFormat(Qt.TextFormat.PlainText)
    lab.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
    lab.setAlignment(align | Qt.AlignmentFlag.AlignVCenter)
    lab.setWordWrap(True)
    return lab


def _button(parent: QWidget, role: str, name: str = "") -> QPushButton:
    btn = QPushButton(parent)
    btn.setProperty("role", role)
    if name:
        btn.setObjectName(name)
    btn.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    btn.setAutoRepeat(False)
    return btn


def _set_role(btn: QPushButton, role: str) -> None:
    if btn.property("role") != role:
        btn.setProperty("role", role)
        btn.style().unpolish(btn)
        btn.style().polish(btn)


# --- the ethnic groups of GB/T 3304 ------------------------------------------------------------

def ethnicity_items() -> Items:
    """``[(code, name)]`` of GB/T 3304 in code order, names in the current language."""
    translate = QCoreApplication.translate
    return [
        #: en: Han
        ("01", translate("ethnicity", "汉族")),
        #: en: Mongol
        ("02", translate("ethnicity", "蒙古族")),
        #: en: Hui
        ("03", translate("ethnicity", "回族")),
        #: en: Tibetan
        ("04", translate("ethnicity", "藏族")),
        #: en: Uyghur
        ("05", translate("ethnicity", "维吾尔族")),
        #: en: Miao
        ("06", translate("ethnicity", "苗族")),
        #: en: Yi
        ("07", translate("ethnicity", "彝族")),
        #: en: Zhuang
        ("08", translate("ethnicity", "壮族")),
        #: en: Bouyei
        ("09", translate("ethnicity", "布依族")),
        #: en: Korean
        ("10", translate("ethnicity", "朝鲜族")),
        #: en: Manchu
        ("11", translate("ethnicity", "满族")),
        #: en: Dong
        ("12", translate("ethnicity", "侗族")),
        #: en: Yao
        ("13", translate("ethnicity", "瑶族")),
        #: en: Bai
        ("14", translate("ethnicity", "白族")),
        #: en: Tujia
        ("15", translate("ethnicity", "土家族")),
        #: en: Hani
        ("16", translate("ethnicity", "哈尼族")),
        #: en: Kazakh
        ("17", translate("ethnicity", "哈萨克族")),
        #: en: Dai
        ("18", translate("ethnicity", "傣族")),
        #: en: Li
        ("19", translate("ethnicity", "黎族")),
        #: en: Lisu
        ("20", translate("ethnicity", "傈僳族")),
        #: en: Va
        ("21", translate("ethnicity", "佤族")),
        #: en: She
        ("22", translate("ethnicity", "畲族")),
        #: en: Gaoshan
        ("23", translate("ethnicity", "高山族")),
        #: en: Lahu
        ("24", translate("ethnicity", "拉祜族")),
        #: en: Sui
        ("25", translate("ethnicity", "水族")),
        #: en: Dongxiang
        ("26", translate("ethnicity", "东乡族")),
        #: en: Naxi
        ("27", translate("ethnicity", "纳西族")),
        #: en: Jingpo
        ("28", translate("ethnicity", "景颇族")),
        #: en: Kyrgyz
        ("29", translate("ethnicity", "柯尔克孜族")),
        #: en: Tu
        ("30", translate("ethnicity", "土族")),
        #: en: Daur
        ("31", translate("ethnicity", "达斡尔族")),
        #: en: Mulao
        ("32", translate("ethnicity", "仫佬族")),
        #: en: Qiang
        ("33", translate("ethnicity", "羌族")),
        #: en: Blang
        ("34", translate("ethnicity", "布朗族")),
        #: en: Salar
        ("35", translate("ethnicity", "撒拉族")),
        #: en: Maonan
        ("36", translate("ethnicity", "毛南族")),
        #: en: Gelao
        ("37", translate("ethnicity", "仡佬族")),
        #: en: Xibe
        ("38", translate("ethnicity", "锡伯族")),
        #: en: Achang
        ("39", translate("ethnicity", "阿昌族")),
        #: en: Pumi
        ("40", translate("ethnicity", "普米族")),
        #: en: Tajik
        ("41", translate("ethnicity", "塔吉克族")),
        #: en: Nu
        ("42", translate("ethnicity", "怒族")),
        #: en: Uzbek
        ("43", translate("ethnicity", "乌孜别克族")),
        #: en: Russian
        ("44", translate("ethnicity", "俄罗斯族")),
        #: en: Evenki
        ("45", translate("ethnicity", "鄂温克族")),
        #: en: De'ang
        ("46", translate("ethnicity", "德昂族")),
        #: en: Bonan
        ("47", translate("ethnicity", "保安族")),
        #: en: Yugur
        ("48", translate("ethnicity", "裕固族")),
        #: en: Gin
        ("49", translate("ethnicity", "京族")),
        #: en: Tatar
        ("50", translate("ethnicity", "塔塔尔族")),
        #: en: Derung
        ("51", translate("ethnicity", "独龙族")),
        #: en: Oroqen
        ("52", translate("ethnicity", "鄂伦春族")),
        #: en: Hezhen
        ("53", translate("ethnicity", "赫哲族")),
        #: en: Monba
        ("54", translate("ethnicity", "门巴族")),
        #: en: Lhoba
        ("55", translate("ethnicity", "珞巴族")),
        #: en: Jino
        ("56", translate("ethnicity", "基诺族")),
        #: en: Other
        ("97", translate("ethnicity", "其他")),
        #: en: Of foreign origin
        ("98", translate("ethnicity", "外国血统中国籍人士")),
    ]


# --- a closed list ----------------------------------------------------------------------------

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
        self.all_button = _button(self._filter_box, "key-confirm", "filterAll")
        self.all_button.clicked.connect(lambda: self.set_filter(""))
        self._filter_grid.addWidget(self.all_button, 0, 0)
        self._filter_keys: dict[str, QPushButton] = {}        # the initials present
        self._all_letter_keys: dict[str, QPushButton] = {}    # A-Z, made once

        grid = self._grid = QGridLayout()
        self._item_keys: list[QPushButton] = []
        for i in range(self._columns * self._rows):
            btn = _button(self, "secondary", f"item_{i}")
            btn.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            btn.clicked.connect(lambda _=False, b=btn: self._on_item(b))
            self._item_keys.append(btn)
            grid.addWidget(btn, *divmod(i, self._columns))

        self.prev_button = _button(self, "secondary", "pagePrev")
        self.prev_button.clicked.connect(lambda: self._turn(-1))
        self.next_button = _button(self, "secondary", "pageNext")
        self.next_button.clicked.connect(lambda: self._turn(1))
        self._page_label = _label("body", self, align=Qt.AlignmentFlag.AlignCenter)
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
                key = _button(self._filter_box, "key-action", f"filter{letter}")
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
                _set_role(btn, "" if code == self._current else "secondary")
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
        _set_role(self.all_button, "key-confirm" if not self._filter else "key-action")
        for letter, key in self._filter_keys.items():
            _set_role(key, "key-confirm" if letter == self._filter else "key-action")

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


# --- regions --------------------------------------------------------------------------------------

MAX_REGION_LABEL = 10     # longer names are shown short: 积石山保安族东乡族撒拉族自治县 -> 积石山县


def _region_label(code: str, full: str) -> str:
    if len(full) <= MAX_REGION_LABEL:
        return full
    return regions.short_name(code) + full[-1]


class RegionPicker(QWidget):
    """Province -> city -> county; see the module docstring."""

    chosen = Signal(str, str)

    def __init__(self, parent: QWidget | None = None, *, columns: int = 4, rows: int = 3):
        super().__init__(parent)
        self.setObjectName("regionPicker")
        self._level = ""            # the division whose children are shown; "" for the provinces
        self.breadcrumb = _label("heading", self)
        self.breadcrumb.setObjectName("regionBreadcrumb")
        self.up_button = _button(self, "secondary", "regionUp")
        self.up_button.clicked.connect(self.up)
        self.list = ListPicker(self, columns=columns, rows=rows)
        self.list.chosen.connect(self._on_chosen)
        top = self._top = QHBoxLayout()
        top.addWidget(self.breadcrumb, 1)
        top.addWidget(self.up_button)
        box = self._box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addLayout(top)
        box.addWidget(self.list, 1)
        self._apply_theme(theme.current())
        theme.notifier().changed.connect(self._apply_theme)
        self.retranslate()
        self.open("")

    def _apply_theme(self, t: theme.Theme) -> None:
        self._top.setSpacing(t.spacing)
        self._box.setSpacing(t.spacing)

    def level_code(self) -> str:
        return self._level

    def reset(self) -> None:
        self.open("")

    def open(self, code: str) -> None:
        """Show the children of ``code`` (``""``: the provinces)."""
        self._level = code
        items = regions.children(code) if code else regions.provinces()
        self.list.set_current(None)
        self.list.set_items([(c, _region_label(c, n)) for c, n in items])
        self._refresh()

    def up(self) -> None:
        if self._level:
            above = regions.parent(self._level)
            marked = self._level
            self.open(above or "")
            self.list.set_current(marked)

    def set_current(self, code: str) -> None:
        """Open the level that holds ``code`` and mark it (an unknown code: the provinces)."""
        if not regions.is_valid(code):
            self.open("")
            return
        self.open(regions.parent(code) or "")
        self.list.set_current(code)

    def _on_chosen(self, code: str) -> None:
        if regions.children(code):
            self.open(code)
        else:
            self.chosen.emit(code, regions.full_name(code))

    def _refresh(self) -> None:
        self.up_button.setEnabled(bool(self._level))
        if self._level:
            path = []
            at: str | None = self._level
            while at:
                path.append(regions.name(at))
                at = regions.parent(at)
            self.breadcrumb.setText(" › ".join(reversed(path)))
        else:
            #: en: Choose a province, autonomous region or municipality
            self.breadcrumb.setText(self.tr("请选择省、自治区、直辖市"))
        self.breadcrumb.setAccessibleName(self.breadcrumb.text())

    def retranslate(self) -> None:
        #: en: Back up one level
        self.up_button.setText(self.tr("返回上一级"))
        #: en: Back up one level
        self.up_button.setAccessibleName(self.tr("返回上一级行政区"))
        #: en: Region picker
        self.setAccessibleName(self.tr("行政区选择"))
        self._refresh()

    def event(self, event) -> bool:  # noqa: D102 - Qt's name
        # the language change here, not in changeEvent(): a Python changeEvent() makes
        # PySide6 6.12 crash when the style sheet changes (Fatal Python error: none_dealloc)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        return super().event(event)


# --- dates ------------------------------------------------------------------------------------------

def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    year = max(dt.MINYEAR, min(dt.MAXYEAR, year))
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class DatePicker(QWidget):
    """Year / month / day with big keys; see the module docstring."""

    chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None, *, minimum: dt.date | None = None,
                 maximum: dt.date | None = None, long_term: bool = False):
        super().__init__(parent)
        self.setObjectName("datePicker")
        self._min = minimum or dt.date(1900, 1, 1)
        self._max = maximum or dt.date(2099, 12, 31)
        if self._max < self._min:
            self._max = self._min
        self._date = min(max(dt.date.today(), self._min), self._max)

        self.summary = _label("value", self, align=Qt.AlignmentFlag.AlignCenter)
        self.summary.setObjectName("dateSummary")

        self._steps: dict[QPushButton, Callable[[dt.date], dt.date]] = {}
        self._key_layouts: list[QHBoxLayout | QVBoxLayout] = []

        def key(name: str, step: Callable[[dt.date], dt.date]) -> QPushButton:
            btn = _button(self, "key", name)
            btn.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            btn.clicked.connect(lambda: self._step(step))
            self._steps[btn] = step
            return btn

        self.year_minus10 = key("yearMinus10", lambda d: _add_months(d, -120))
        self.year_minus = key("yearMinus", lambda d: _add_months(d, -12))
        self.year_plus = key("yearPlus", lambda d: _add_months(d, 12))
        self.year_plus10 = key("yearPlus10", lambda d: _add_months(d, 120))
        self.month_minus = key("monthMinus", lambda d: _add_months(d, -1))
        self.month_plus = key("monthPlus", lambda d: _add_months(d, 1))
        self.day_minus = key("dayMinus", lambda d: d - dt.timedelta(days=1))
        self.day_plus = key("dayPlus", lambda d: d + dt.timedelta(days=1))
        for b, text in ((self.year_minus10, "−10"), (self.year_minus, "−1"), (self.year_plus, "+1"),
                        (self.year_plus10, "+10"), (self.month_minus, "−"), (self.month_plus, "+"),
                        (self.day_minus, "−"), (self.day_plus, "+")):
            b.setText(text)

        self._year_title = _label("field", self, align=Qt.AlignmentFlag.AlignCenter)
        self._month_title = _label("field", self, align=Qt.AlignmentFlag.AlignCenter)
        self._day_title = _label("field", self, align=Qt.AlignmentFlag.AlignCenter)
        self.year_value = _label("value", self, align=Qt.AlignmentFlag.AlignCenter)
        self.month_value = _label("value", self, align=Qt.AlignmentFlag.AlignCenter)
        self.day_value = _label("value", self, align=Qt.AlignmentFlag.AlignCenter)

        def column(title: QLabel, value: QLabel, keys: list[QPushButton]) -> QVBoxLayout:
            col = QVBoxLayout()
            self._key_layouts.append(col)
            col.addWidget(title)
            col.addWidget(value)
            row = QHBoxLayout()
            self._key_layouts.append(row)
            for k in keys:
                row.addWidget(k)
            col.addLayout(row)
            return col

        fields = self._fields = QHBoxLayout()
        fields.addStretch(1)
        fields.addLayout(column(self._year_title, self.year_value,
                                [self.year_minus10, self.year_minus, self.year_plus, self.year_plus10]))
        fields.addLayout(column(self._month_title, self.month_value, [self.month_minus, self.month_plus]))
        fields.addLayout(column(self._day_title, self.day_value, [self.day_minus, self.day_plus]))
        fields.addStretch(1)

        self.long_term_button = _button(self, "secondary", "dateLongTerm")
        self.long_term_button.clicked.connect(lambda: self.chosen.emit(LONG_TERM))
        self.long_term_button.setVisible(long_term)
        self.confirm_button = _button(self, "", "dateConfirm")
        self.confirm_button.clicked.connect(lambda: self.chosen.emit(self._date))
        actions = self._actions = QHBoxLayout()
        actions.addStretch(1)
        actions.addWidget(self.long_term_button)
        actions.addWidget(self.confirm_button)
        actions.addStretch(1)

        box = self._box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.summary)
        box.addLayout(fields)
        box.addLayout(actions)
        self._apply_theme(theme.current())
        theme.notifier().changed.connect(self._apply_theme)
        self.retranslate()

    def _apply_theme(self, t: theme.Theme) -> None:
        """The sizes set in code (the style sheet gives the rest), again after a theme change."""
        for layout in self._key_layouts:
            layout.setSpacing(t.keypad_spacing)
        self._fields.setSpacing(t.gap_wide)
        self._actions.setSpacing(t.spacing)
        self._box.setSpacing(t.spacing)
        for btn in self._steps:
            btn.setMinimumSize(t.keypad_key, t.keypad_key)
        for btn in (self.year_minus10, self.year_plus10):      # "−10" needs room round it
            btn.setMinimumWidth(t.keypad_key + 2 * t.keypad_spacing)

    # --- public -----------------------------------------------------------------------------------
    def date(self) -> dt.date:
        return self._date

    def minimum(self) -> dt.date:
        return self._min

    def maximum(self) -> dt.date:
        return self._max

    def set_date(self, day: dt.date) -> None:
        self._date = self._clamp(day)
        self._refresh()

    def set_range(self, minimum: dt.date, maximum: dt.date) -> None:
        if maximum < minimum:
            raise ValueError("maximum before minimum")
        self._min, self._max = minimum, maximum
        self.set_date(self._date)

    def set_long_term_allowed(self, on: bool) -> None:
        self.long_term_button.setVisible(on)

    def long_term_allowed(self) -> bool:
        return not self.long_term_button.isHidden()

    # --- inside -------------------------------------------------------------------------------------
    def _clamp(self, day: dt.date) -> dt.date:
        return min(max(day, self._min), self._max)

    def _next(self, step: Callable[[dt.date], dt.date]) -> dt.date:
        try:
            return self._clamp(step(self._date))
        except (OverflowError, ValueError):
            return self._date

    def _step(self, step: Callable[[dt.date], dt.date]) -> None:
        self._date = self._next(step)
        self._refresh()

    def _refresh(self) -> None:
        d = self._date
        locale = QLocale()
        qdate = QDate(d.year, d.month, d.day)
        self.summary.setText(locale.toString(qdate, QLocale.FormatType.LongFormat))
        self.summary.setAccessibleName(self.summary.text())
        self.year_value.setText(locale.toString(qdate, "yyyy"))
        self.month_value.setText(locale.monthName(d.month, QLocale.FormatType.LongFormat))
        self.day_value.setText(locale.toString(qdate, "d"))
        for btn, step in self._steps.items():
            btn.setEnabled(self._next(step) != d)

    def retranslate(self) -> None:
        #: en: Year
        self._year_title.setText(self.tr("年"))
        #: en: Month
        self._month_title.setText(self.tr("月"))
        #: en: Day
        self._day_title.setText(self.tr("日"))
        #: en: 10 years earlier
        self.year_minus10.setAccessibleName(self.tr("减 10 年"))
        #: en: 1 year earlier
        self.year_minus.setAccessibleName(self.tr("减 1 年"))
        #: en: 1 year later
        self.year_plus.setAccessibleName(self.tr("加 1 年"))
        #: en: 10 years later
        self.year_plus10.setAccessibleName(self.tr("加 10 年"))
        #: en: Previous month
        self.month_minus.setAccessibleName(self.tr("上一个月"))
        #: en: Next month
        self.month_plus.setAccessibleName(self.tr("下一个月"))
        #: en: Previous day
        self.day_minus.setAccessibleName(self.tr("前一天"))
        #: en: Next day
        self.day_plus.setAccessibleName(self.tr("后一天"))
        #: en: Long-term
        self.long_term_button.setText(self.tr("长期"))
        #: en: Long-term (valid with no end date)
        self.long_term_button.setAccessibleName(self.tr("长期有效"))
        #: en: Confirm
        self.confirm_button.setText(self.tr("确认"))
        #: en: Confirm this date
        self.confirm_button.setAccessibleName(self.tr("确认此日期"))
        #: en: Date picker
        self.setAccessibleName(self.tr("日期选择"))
        self._refresh()

    def event(self, event) -> bool:  # noqa: D102 - Qt's name
        # the language change here, not in changeEvent(): a Python changeEvent() makes
        # PySide6 6.12 crash when the style sheet changes (Fatal Python error: none_dealloc)
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        return super().event(event)
