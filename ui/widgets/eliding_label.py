"""A one-line plain-text label that shows the end of a text too long for it (…路9号)."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QLabel, QWidget


class ElidingLabel(QLabel):
    """A one-line plain-text label that shows the end of a text too long for it (…路9号)."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self._full = ""

    def full_text(self) -> str:
        return self._full

    def set_full_text(self, text: str) -> None:
        self._full = text
        self.updateGeometry()
        self._elide()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        fm = QFontMetrics(self.font())
        return QSize(fm.horizontalAdvance(self._full) + 2 * self.margin() + 4, super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(0, super().minimumSizeHint().height())

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        fm = QFontMetrics(self.font())
        shown = self._full
        if fm.horizontalAdvance(shown) > self.width():
            shown = fm.elidedText(self._full, Qt.TextElideMode.ElideLeft, self.width())
        self.setText(shown)
