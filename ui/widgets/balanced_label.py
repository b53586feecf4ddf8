"""A word-wrapping label whose lines are of even length: no lone last character.

Chinese text wraps between any two characters, so a line one character too
long for its box ends with that character alone on the next line
(记得原密码，想换新密 / 码). :class:`BalancedLabel` keeps the number of lines
the text needs at the label's width but narrows the text to the least width
that still needs no more lines (记得原密码， / 想换新密码), centred in the label
when the label centres its text, else on the side of its alignment:
like CSS ``text-wrap: balance``. It narrows by setting its own contents
margins, which ``QLabel`` takes into account everywhere (size hints,
``heightForWidth``, drawing), so the label's height is the same as a plain
wrapping label's.

Plain text only (as every label of the kiosk): the measure is Qt's own for a
plain-text ``QLabel``, ``QFontMetrics.boundingRect`` with ``TextWordWrap``.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt, QTextBoundaryFinder
from PySide6.QtWidgets import QLabel, QWidget

_TALL = 1 << 20


class BalancedLabel(QLabel):
    """See the module docstring. ``setWordWrap(True)`` and ``PlainText`` are set here."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self._balancing = False

    # the margins that narrow the text are the label's own business: its size hints are a
    # plain wrapping label's, so that they never widen the layout it is in
    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        m = self.contentsMargins()
        return super().sizeHint() - QSize(m.left() + m.right(), 0)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        m = self.contentsMargins()
        return super().minimumSizeHint() - QSize(m.left() + m.right(), 0)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name
        super().setText(text)
        self._balance()

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._balance()

    # no changeEvent() override for a new font: a Python changeEvent on a QLabel crashes
    # PySide6 6.12 when the style sheet changes (Fatal Python error: none_dealloc); the
    # kiosk builds its screens again for a new theme, and a resize balances again

    def _height(self, width: int) -> int:
        flags = int(self.alignment()) | int(Qt.TextFlag.TextWordWrap)
        return self.fontMetrics().boundingRect(QRect(0, 0, max(1, width), _TALL), flags,
                                               self.text()).height()

    def _longest_piece(self) -> int:
        """The width of the widest piece of the text that Qt cannot break (a word, a number)."""
        text, fm = self.text(), self.fontMetrics()
        finder = QTextBoundaryFinder(QTextBoundaryFinder.BoundaryType.Line, text)
        widest, start = 0, 0
        pos = finder.toNextBoundary()
        while pos != -1:
            if pos > start:
                widest = max(widest, fm.horizontalAdvance(text[start:pos].rstrip()))
            start = pos
            pos = finder.toNextBoundary()
        return widest + 1

    def _balance(self) -> None:
        if self._balancing:
            return
        self._balancing = True
        try:
            full = self.width() - 2 * max(self.margin(), 0)
            left = right = 0
            if full > 0 and self.text():
                need = self._height(full)
                if need > self._height(_TALL):            # more than one line (per paragraph)
                    # the least width with no more lines than at full width, and never
                    # narrower than a word that cannot be broken (it would stick out)
                    lo, hi = min(full, self._longest_piece()), full
                    while lo < hi:
                        mid = (lo + hi) // 2
                        if self._height(mid) <= need:
                            hi = mid
                        else:
                            lo = mid + 1
                    spare = full - lo
                    align = self.alignment()
                    if align & Qt.AlignmentFlag.AlignHCenter:
                        left = spare // 2
                    elif align & Qt.AlignmentFlag.AlignRight:
                        left = spare
                    right = spare - left
            if self.contentsMargins().left() != left or self.contentsMargins().right() != right:
                self.setContentsMargins(left, 0, right, 0)
        finally:
            self._balancing = False
