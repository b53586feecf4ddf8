"""What every screen shares: the header, labels by role, buttons with accessible names.

Screens are views: they hold layout and text only, expose their buttons as
attributes and emit signals; the controller (``ui/controller.py``) decides
what happens. Each screen writes its text in :meth:`Screen.retranslate`, which
runs again on a language change, so content that comes from outside (a name,
a message) is kept as data and rendered there, never stored as a sentence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from PySide6.QtCore import QEvent, QLocale, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from .. import theme
from ..widgets.balanced_label import BalancedLabel

# a text asked again on every language change (``lambda: texts.service_name(s)``)
Text = Callable[[], str]


@dataclass(frozen=True)
class Option:
    """A button a screen shows for the controller: ``key`` comes back in the screen's signal."""

    key: str
    text: Text
    hint: Text | None = None          # a second, smaller line (in the button)
    accessible: Text | None = None    # the accessible name when the text alone is not enough
    role: str = ""                    # theme role: "" (primary), "secondary", "service", "option"


def text_of(source: Text | None) -> str:
    return source() if source is not None else ""


def clear_layout(layout) -> None:
    """Remove and delete every widget of ``layout`` (screens that rebuild their buttons)."""
    while layout.count():
        item = layout.takeAt(0)
        w = item.widget()
        if w is not None:
            w.hide()
            w.deleteLater()
        elif item.layout() is not None:
            clear_layout(item.layout())


def option_button(parent: QWidget, opt: Option) -> QPushButton:
    btn = button(parent, role=opt.role, name=f"option_{opt.key}")
    btn.setProperty("key", opt.key)
    return btn


def add_option_buttons(parent: QWidget, layout, options: list[Option], chosen, *,
                       role: str, align: Qt.AlignmentFlag) -> dict[str, QPushButton]:
    """A button per option in ``layout`` (``role`` unless the option has its own); a tap
    emits ``chosen(key)``. Returns the buttons by key."""
    buttons: dict[str, QPushButton] = {}
    for opt in options:
        b = option_button(parent, opt if opt.role else Option(opt.key, opt.text, opt.hint,
                                                              opt.accessible, role))
        b.clicked.connect(lambda _=False, k=opt.key: chosen.emit(k))
        layout.addWidget(b, 0, align)
        buttons[opt.key] = b
    return buttons


def name_option(btn: QPushButton, opt: Option) -> None:
    text = opt.text()
    hint = text_of(opt.hint)
    btn.setText(f"{text}\n{hint}" if hint else text)
    btn.setAccessibleName(text_of(opt.accessible) or (f"{text}，{hint}" if hint else text))


def label(role: str, parent: QWidget | None = None, *, wrap: bool = True,
          align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft, balanced: bool = False) -> QLabel:
    """A plain-text label styled by ``role`` (see ``ui/theme.py``); ``balanced``: it wraps
    into lines of even length (:class:`~ui.widgets.balanced_label.BalancedLabel`)."""
    lab = BalancedLabel(parent) if balanced and wrap else QLabel(parent)
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


def set_shown(shown: dict[QWidget, bool]) -> None:
    """Show and hide widgets that take turns in one layout: the hidden ones first. Showing a
    widget lays its window out at once, so one shown before the other is hidden would ask,
    for a moment, for the room of both."""
    for w, on in shown.items():
        if not on:
            w.setVisible(False)
    for w, on in shown.items():
        if on:
            w.setVisible(True)


def set_text(btn: QPushButton, text: str, accessible: str | None = None) -> None:
    btn.setText(text)
    btn.setAccessibleName(accessible or text)


class Header(QWidget):
    """The strip at the top of every screen: the kiosk's name, the service in progress,
    and the citizen's controls, the same on every screen: language, large text, high
    contrast, speech, and "call staff" (the main window wires them)."""

    languageRequested = Signal()
    largeFontRequested = Signal()
    highContrastRequested = Signal()
    speechRequested = Signal()
    staffRequested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setProperty("role", "header")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        t = theme.current()
        row = QHBoxLayout(self)
        row.setContentsMargins(t.margin // 2, 8, t.margin // 2, 8)
        row.setSpacing(12)
        titles = QVBoxLayout()
        titles.setSpacing(0)
        self.title = label("header-text", self, wrap=False)
        self.service = label("header-text", self, wrap=False)
        self.service.setObjectName("headerService")
        titles.addWidget(self.title)
        titles.addWidget(self.service)
        row.addLayout(titles, 1)
        self.language_button = button(self, role="header-button", name="headerLanguage")
        self.large_button = button(self, role="header-button", name="headerLargeFont")
        self.contrast_button = button(self, role="header-button", name="headerContrast")
        self.speech_button = button(self, role="header-button", name="headerSpeech")
        self.staff_button = button(self, role="header-staff", name="headerStaff")
        for b, sig in ((self.language_button, self.languageRequested),
                       (self.large_button, self.largeFontRequested),
                       (self.contrast_button, self.highContrastRequested),
                       (self.speech_button, self.speechRequested),
                       (self.staff_button, self.staffRequested)):
            b.clicked.connect(sig)
            row.addWidget(b, 0, Qt.AlignmentFlag.AlignVCenter)
        self.speech_on = False
        self.setFixedHeight(max(t.header_button, t.body_px * 2) + 16 + 8)
        self.retranslate()

    def set_speech(self, on: bool) -> None:
        self.speech_on = on
        self.retranslate()

    def retranslate(self) -> None:
        #: en: Social Security Card Self-Service
        self.title.setText(self.tr("社会保障卡自助服务"))
        # the language button names the language it switches to, in that language
        lang = QLocale().language()
        other = "English" if lang == QLocale.Language.Chinese else "中文"
        #: en: Switch language to %1
        set_text(self.language_button, other, self.tr("切换语言为%1").replace("%1", other))
        t = theme.current()
        #: en: (on)
        on_mark = self.tr("（已开启）")
        #: en: Large text
        large = self.tr("大字版")
        set_text(self.large_button, ("✓ " if t.large else "") + large,
                 large + (on_mark if t.large else ""))
        #: en: High contrast
        contrast = self.tr("高对比")
        set_text(self.contrast_button, ("✓ " if t.high_contrast else "") + contrast,
                 contrast + (on_mark if t.high_contrast else ""))
        #: en: Speech on
        speech_on = self.tr("语音开")
        #: en: Speech off
        speech_off = self.tr("语音关")
        set_text(self.speech_button, speech_on if self.speech_on else speech_off)
        #: en: Call staff
        set_text(self.staff_button, self.tr("呼叫工作人员"))


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

    def speech_text(self) -> str:
        """The screen's instruction, message and body, for speech (never a digit typed)."""
        return spoken_text(self.body)

    def retranslate(self) -> None:
        """Write every text of the screen (again)."""

    def event(self, event) -> bool:  # noqa: D102 - Qt's name
        # the language change here, not in changeEvent(): a Python changeEvent() makes
        # PySide6 6.12 crash when the style sheet changes (Fatal Python error: none_dealloc)
        if event.type() == QEvent.Type.LanguageChange:
            if self.header:
                self.header.retranslate()
            self.retranslate()
        return super().event(event)


# label roles read aloud (the PIN dots, the digits typed and field captions are not)
SPOKEN_ROLES = ("title", "heading", "alert", "body", "success", "error-heading")


def spoken_text(root: QWidget) -> str:
    """What speech says for ``root``: its visible headings, messages and body text, in order.

    The PIN keypad's display (role ``pin-dots``) and the digit pad's display are
    never part of it, so no digit typed is ever spoken.
    """
    parts: list[str] = []
    for lab in root.findChildren(QLabel):
        if lab.property("role") in SPOKEN_ROLES and lab.isVisibleTo(root) and lab.text().strip():
            parts.append(lab.text().strip())
    return "。".join(parts)
