"""A picker for a date: year / month / day with big − / + keys, no typing, no tiny calendar.

``DatePicker(parent=None, *, minimum=None, maximum=None, long_term=False)``
    Year / month / day with big − / + keys (the year also ±10), bounded by
    ``minimum`` and ``maximum`` (steps stop at the bounds); a 确认 key emits
    ``chosen(datetime.date)``, and when ``long_term`` is on a 长期 key emits
    ``chosen("长期")`` (:data:`kiosk.validation.LONG_TERM`: an ID card valid for
    good). ``set_range(minimum, maximum)``, ``set_date(day)``, ``date()``,
    ``set_long_term_allowed(bool)``. The date is shown in ``QLocale()``'s long
    format, the month by ``QLocale().monthName``.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Callable

from PySide6.QtCore import QDate, QEvent, QLocale, Qt, Signal
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout,
                               QWidget)

from kiosk.validation import LONG_TERM

from .. import theme
from .picker_parts import picker_button, picker_label


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

        self.summary = picker_label("value", self, align=Qt.AlignmentFlag.AlignCenter)
        self.summary.setObjectName("dateSummary")

        self._steps: dict[QPushButton, Callable[[dt.date], dt.date]] = {}
        self._key_layouts: list[QHBoxLayout | QVBoxLayout] = []

        def key(name: str, step: Callable[[dt.date], dt.date]) -> QPushButton:
            btn = picker_button(self, "key", name)
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

        self._year_title = picker_label("field", self, align=Qt.AlignmentFlag.AlignCenter)
        self._month_title = picker_label("field", self, align=Qt.AlignmentFlag.AlignCenter)
        self._day_title = picker_label("field", self, align=Qt.AlignmentFlag.AlignCenter)
        self.year_value = picker_label("value", self, align=Qt.AlignmentFlag.AlignCenter)
        self.month_value = picker_label("value", self, align=Qt.AlignmentFlag.AlignCenter)
        self.day_value = picker_label("value", self, align=Qt.AlignmentFlag.AlignCenter)

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

        self.long_term_button = picker_button(self, "secondary", "dateLongTerm")
        self.long_term_button.clicked.connect(lambda: self.chosen.emit(LONG_TERM))
        self.long_term_button.setVisible(long_term)
        self.confirm_button = picker_button(self, "", "dateConfirm")
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
