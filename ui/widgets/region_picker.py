"""A picker for a region: province -> city -> county over :mod:`kiosk.regions`, no typing.

``RegionPicker(parent=None)``
    A drill-down with a breadcrumb and a 返回上一级 key. Signal
    ``chosen(str code, str full_name)`` when a division without subdivisions is
    tapped (a county; 东莞市; 仙桃市). ``reset()`` goes back to the provinces,
    ``open(code)`` shows the children of ``code``, ``set_current(code)`` opens the
    level holding ``code`` and marks it; ``level_code()`` is the division whose
    children are shown (``""`` at the top).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from kiosk import regions

from .. import theme
from .list_picker import ListPicker
from .picker_parts import picker_button, picker_label

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
        self.breadcrumb = picker_label("heading", self)
        self.breadcrumb.setObjectName("regionBreadcrumb")
        self.up_button = picker_button(self, "secondary", "regionUp")
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
