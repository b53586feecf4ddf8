"""What every screen shares: the header, labels by role, buttons with accessible names.

Screens are views: they hold layout and text only, expose their buttons as
attributes and emit signals; the controller (``ui/controller.py``) decides
what happens. Each screen writes its text in :meth:`Screen.retranslate`, which
runs again on a language change, so content that comes from outside (a name,
a message) is kept as data and rendered there, never stored as a sentence.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from .. import theme


def label(role: str, parent: QWidget | None = None, *, wrap: bool = True,
          align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft) -> QLabel:
    """A plain-text label styled by ``role`` (see ``ui/theme.py``)."""
    lab = QLabel(parent)
    lab.setProperty("role", role)
    lab.setTextFormat(Qt.TextFormat.PlainText)   # card data is never interpreted as HTML
    lab.setWordWrap(wrap)
    lab.setAlignment(align | Qt.AlignmentFlag.AlignVCenter)
    lab.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
    return lab


def button(parent: QWidget | None = None, *, role: str = "", name: str = "") -> QPushButton:
    """A big touch button; its text and accessible name are set in ``retranslate``."""
    btn = QPushButton(parent)
    if role:
        btn.setProperty("role", role)
    if name:
        btn.setObjectName(name)
    btn.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    btn.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
    return btn


def set_text(btn: QPushButton, text: str, accessible: str | None = None) -> None:
    btn.setText(text)
    btn.setAccessibleName(accessible or text)


class Header(QWidget):
    """The strip at the top of every screen: the kiosk's name and the service in progress."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setProperty("role", "header")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        t = theme.current()
        row = QHBoxLayout(self)
        row.setContentsMargins(t.margin, 16, t.margin, 16)
        self.title = label("header-text", self, wrap=False)
        self.service = label("header-text", self, wrap=False, align=Qt.AlignmentFlag.AlignRight)
        row.addWidget(self.title, 1)
        row.addWidget(self.service, 1)
        self.setFixedHeight(t.body_px * 2 + 32)
        self.retranslate()

    def retranslate(self) -> None:
        #: en: Social Security Card Self-Service
        self.title.setText(self.tr("社会保障卡自助服务"))


class Screen(QWidget):
    """A page of the main window's stack."""

    def __init__(self, parent: QWidget | None = None, *, header: bool = True):
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        t = theme.current()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self.header = Header(self) if header else None
        if self.header:
            outer.addWidget(self.header)
        self.body = QWidget(self)
        outer.addWidget(self.body, 1)
        self.content = QVBoxLayout(self.body)
        self.content.setContentsMargins(t.margin, t.margin // 2, t.margin, t.margin)
        self.content.setSpacing(t.spacing)

    def set_service(self, text: str) -> None:
        if self.header:
            self.header.service.setText(text)

    def retranslate(self) -> None:
        """Write every text of the screen (again)."""

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.LanguageChange:
            if self.header:
                self.header.retranslate()
            self.retranslate()
        super().changeEvent(event)
