"""The parts the pickers share: their labels and their big keys.

Every key is a ``NoFocus`` ``QPushButton`` without auto-repeat; its size comes from
the theme's role (``role`` property), set again with :func:`set_role` when it changes.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QWidget

Items = list[tuple[str, str]]


def picker_label(role: str, parent: QWidget, *, align=Qt.AlignmentFlag.AlignLeft) -> QLabel:
    """A plain-text, non-interactive, wrapping label of the theme's ``role``."""
    lab = QLabel(parent)
    lab.setProperty("role", role)
    lab.setTextFormat(Qt.TextFormat.PlainText)
    lab.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
    lab.setAlignment(align | Qt.AlignmentFlag.AlignVCenter)
    lab.setWordWrap(True)
    return lab


def picker_button(parent: QWidget, role: str, name: str = "") -> QPushButton:
    """A big key of the theme's ``role`` that takes no focus and does not repeat."""
    btn = QPushButton(parent)
    btn.setProperty("role", role)
    if name:
        btn.setObjectName(name)
    btn.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    btn.setAutoRepeat(False)
    return btn


def set_role(btn: QPushButton, role: str) -> None:
    if btn.property("role") != role:
        btn.setProperty("role", role)
        btn.style().unpolish(btn)
        btn.style().polish(btn)

