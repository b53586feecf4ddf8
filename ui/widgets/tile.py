"""A big button whose text wraps: a name and, under it, an optional smaller hint line.

A ``QPushButton`` draws its text on one line (or the lines of an explicit
``\\n``) and cannot wrap it, so a long answer ("The card stops working until
you cancel the report...") or an English service name would be cut off. A
:class:`TileButton` draws no text itself: a ``QVBoxLayout`` holds two
word-wrapping labels that let touches through to the button
(``WA_TransparentForMouseEvents``), and the button's height follows its width
(``heightForWidth``), so the text gets the lines it needs, of even length
(:class:`~ui.widgets.balanced_label.BalancedLabel`).

API
---
``TileButton(parent=None, *, secondary=False, role="tile", align=AlignHCenter)``

* ``set_texts(name, hint="", accessible=None)``: the texts; the accessible
  name is ``accessible`` or "name，hint"
* ``text() -> str`` (the name, what a reader of the button sees), ``hint_text()``
* ``set_secondary(bool)``: the neutral look (a choice not taken, a list entry)
  instead of the primary one (the marked entry)
* ``set_least_height(px)``: a height kept even when the text needs less
* ``name``, ``hint``: the two labels

The button's style role is ``role`` (``"tile"`` for the home screen's service
tiles, ``"option-tile"`` for answers and list entries) or its ``-secondary``
variant; the labels' roles (``<role>-name``, ``<role>-hint`` and their
``-secondary`` variants) give them the button's colours and sizes (``ui/theme.py``).
Margins come from the theme and follow a theme change.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from .. import theme
from .balanced_label import BalancedLabel


def _restyle(w: QWidget, role: str) -> None:
    if w.property("role") != role:
        w.setProperty("role", role)
        w.style().unpolish(w)
        w.style().polish(w)
        w.updateGeometry()


class TileButton(QPushButton):
    """See the module docstring."""

    def __init__(self, parent: QWidget | None = None, *, secondary: bool = False, role: str = "tile",
                 align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignHCenter):
        super().__init__(parent)
        self._least_height = 0
        self._base_role = role
        self._secondary = secondary
        self.setProperty("role", self._role())
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self._box = QVBoxLayout(self)
        self._box.addStretch(1)
        self.name = self._label(align)
        self.hint = self._label(align)
        self.hint.hide()
        self._box.addStretch(1)
        self._restyle_labels()
        self._apply_theme(theme.current())
        theme.notifier().changed.connect(self._apply_theme)

    def _label(self, align: Qt.AlignmentFlag) -> QLabel:
        lab = BalancedLabel(self)       # plain text (card data is never HTML), wrapping evenly
        lab.setAlignment(align | Qt.AlignmentFlag.AlignVCenter)
        lab.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        lab.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        # a wrapping label may be as narrow as the tile makes it: the tile grows in height
        lab.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        lab.setMinimumWidth(0)
        self._box.addWidget(lab)
        return lab

    def _apply_theme(self, t: theme.Theme) -> None:
        self._box.setContentsMargins(t.gap, t.gap_small, t.gap, t.gap_small)
        self._box.setSpacing(t.gap_small // 4)
        self.updateGeometry()

    def _role(self) -> str:
        return self._base_role + ("-secondary" if self._secondary else "")

    def _restyle_labels(self) -> None:
        suffix = "-secondary" if self._secondary else ""
        _restyle(self.name, f"{self._base_role}-name{suffix}")
        _restyle(self.hint, f"{self._base_role}-hint{suffix}")

    # --- public -------------------------------------------------------------------------------
    def set_texts(self, name: str, hint: str = "", accessible: str | None = None) -> None:
        self.name.setText(name)
        self.hint.setText(hint)
        self.hint.setVisible(bool(hint))
        self.setAccessibleName(accessible or (f"{name}，{hint}" if hint else name))
        self.updateGeometry()

    def text(self) -> str:  # noqa: D102 - what a reader of the button sees
        return self.name.text()

    def hint_text(self) -> str:
        return self.hint.text() if not self.hint.isHidden() else ""

    def set_secondary(self, on: bool) -> None:
        if bool(on) == self._secondary:
            return
        self._secondary = bool(on)
        _restyle(self, self._role())
        self._restyle_labels()

    def is_secondary(self) -> bool:
        return self._secondary

    # --- size: from the labels, the height following the width ------------------------------
    def set_least_height(self, px: int) -> None:
        """A height the tile keeps even when its text needs less (a few big answers)."""
        self._least_height = px
        self.updateGeometry()

    def _least(self) -> QSize:
        t = theme.current()
        m = self.minimumSize()
        return QSize(max(t.min_target_px, m.width()),
                     max(t.min_target_px, m.height(), self._least_height))

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return self._box.sizeHint().expandedTo(self._least())

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        # the labels wrap, so the narrowest useful tile is a touch target wide; its
        # height at a width is heightForWidth's
        least = self._least()
        return QSize(least.width(), max(least.height(), self._box.totalMinimumSize().height()))

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return max(self._box.totalHeightForWidth(width), self._least().height())
