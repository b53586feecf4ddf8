"""Sizes, colours and the font of the kiosk, kept in one place.

Every screen and widget takes its numbers from a :class:`Theme`; nothing else
in ``ui/`` hard-codes a pixel size or a colour. The large-font and
high-contrast themes of the next issue are further ``Theme`` values.

The numbers are for a 1920 × 1080 touch screen seen by elderly citizens:
body text at least 24 px, headings at least 48 px, touch targets at least
80 × 80 px, text contrast at least 4.5:1 (the normal theme's pairs are checked
in ``tests/ui/test_theme.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

# the CJK font the kiosk is designed with (Debian: fonts-noto-cjk)
FONT_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei")


@dataclass(frozen=True)
class Theme:
    name: str
    # text sizes, in pixels
    body_px: int = 28
    heading_px: int = 56
    title_px: int = 72          # the attract screen's call to action
    button_px: int = 32
    alert_px: int = 40          # a message the citizen must not miss (wrong PIN, weak PIN)
    service_px: int = 44        # the service tiles of the home screen
    keypad_px: int = 44
    pin_dots_px: int = 56
    # touch targets, in pixels
    button_min_w: int = 280
    button_min_h: int = 96
    keypad_key: int = 120       # square digit keys
    service_w: int = 520        # service tiles
    service_h: int = 180
    keypad_spacing: int = 16
    keypad_width: int = 560     # three keys and their spacing, with room to spare
    margin: int = 64
    spacing: int = 32
    radius: int = 16
    # colours
    background: str = "#F4F7FB"
    surface: str = "#FFFFFF"
    text: str = "#1A1A1A"
    muted: str = "#3D4A5C"      # secondary text; still >= 4.5:1 on background
    primary: str = "#0B5CAD"    # buttons
    on_primary: str = "#FFFFFF"
    secondary: str = "#E1E8F0"  # neutral buttons
    on_secondary: str = "#1A1A1A"
    danger: str = "#B00020"     # error text
    alert_bg: str = "#FDECEE"   # behind an alert; danger on it is still >= 4.5:1
    success: str = "#1B6E20"
    border: str = "#8A97A8"
    focus: str = "#F2A900"
    header_bg: str = "#0B5CAD"
    on_header: str = "#FFFFFF"


NORMAL = Theme(name="normal")


def font_family() -> str:
    """The first installed CJK family of :data:`FONT_FAMILIES` (Qt falls back otherwise)."""
    installed = set(QFontDatabase.families())
    for family in FONT_FAMILIES:
        if family in installed:
            return family
    return FONT_FAMILIES[0]


def stylesheet(t: Theme) -> str:
    """The application style sheet; widgets choose a rule with ``setProperty("role", ...)``."""
    return f"""
    QWidget {{
        background: {t.background};
        color: {t.text};
        font-size: {t.body_px}px;
    }}
    QLabel {{ background: transparent; }}
    QLabel[role="title"] {{ font-size: {t.title_px}px; font-weight: bold; }}
    QLabel[role="heading"] {{ font-size: {t.heading_px}px; font-weight: bold; }}
    QLabel[role="body"] {{ font-size: {t.body_px}px; }}
    QLabel[role="muted"] {{ font-size: {t.body_px}px; color: {t.muted}; }}
    QLabel[role="error"] {{ font-size: {t.body_px}px; color: {t.danger}; font-weight: bold; }}
    QLabel[role="alert"] {{
        font-size: {t.alert_px}px; color: {t.danger}; font-weight: bold;
        background: {t.alert_bg}; border-left: 8px solid {t.danger}; border-radius: 8px;
        padding: 16px 24px;
    }}
    QLabel[role="success"] {{ font-size: {t.heading_px}px; color: {t.success}; font-weight: bold; }}
    QLabel[role="error-heading"] {{ font-size: {t.heading_px}px; color: {t.danger}; font-weight: bold; }}
    QLabel[role="field"] {{ font-size: {t.body_px}px; color: {t.muted}; }}
    QLabel[role="value"] {{ font-size: {t.heading_px}px; font-weight: bold; }}
    QLabel[role="pin-dots"] {{
        font-size: {t.pin_dots_px}px; letter-spacing: 8px;
        background: {t.surface}; border: 2px solid {t.border}; border-radius: {t.radius}px;
        padding: 8px 24px;
    }}
    QWidget[role="header"] {{ background: {t.header_bg}; }}
    QLabel[role="header-text"] {{ color: {t.on_header}; font-size: {t.body_px}px; font-weight: bold; }}
    QWidget[role="card"] {{
        background: {t.surface}; border: 2px solid {t.border}; border-radius: {t.radius}px;
    }}
    QPushButton {{
        background: {t.primary}; color: {t.on_primary};
        font-size: {t.button_px}px; font-weight: bold;
        border: none; border-radius: {t.radius}px;
        min-width: {t.button_min_w}px; min-height: {t.button_min_h}px;
        padding: 8px 32px;
    }}
    QPushButton:pressed {{ background: {t.text}; }}
    QPushButton:disabled {{ background: {t.secondary}; color: {t.muted}; }}
    QPushButton[role="secondary"] {{
        background: {t.secondary}; color: {t.on_secondary}; border: 2px solid {t.border};
    }}
    QPushButton[role="service"] {{
        font-size: {t.service_px}px;
        min-width: {t.service_w}px; min-height: {t.service_h}px;
    }}
    QPushButton[role="key"] {{
        background: {t.surface}; color: {t.text}; border: 2px solid {t.border};
        font-size: {t.keypad_px}px;
        min-width: {t.keypad_key}px; min-height: {t.keypad_key}px;
        max-width: {t.keypad_key * 2}px; padding: 0;
    }}
    QPushButton[role="key"]:pressed {{ background: {t.secondary}; }}
    QPushButton[role="key-action"] {{
        background: {t.secondary}; color: {t.on_secondary}; border: 2px solid {t.border};
        font-size: {t.button_px}px;
        min-width: {t.keypad_key}px; min-height: {t.keypad_key}px;
        max-width: {t.keypad_key * 2}px; padding: 0;
    }}
    QPushButton[role="key-confirm"] {{
        font-size: {t.button_px}px;
        min-width: {t.keypad_key}px; min-height: {t.keypad_key}px; padding: 0;
    }}
    QProgressBar {{
        border: 2px solid {t.border}; border-radius: {t.radius}px; background: {t.surface};
        min-height: 40px; max-height: 40px; text-align: center;
    }}
    QProgressBar::chunk {{ background: {t.primary}; border-radius: {t.radius - 4}px; }}
    """


_current: Theme = NORMAL


def apply(app: QApplication, theme: Theme = NORMAL) -> None:
    """Font and style sheet for the whole application."""
    global _current
    _current = theme
    font = QFont(font_family())
    font.setPixelSize(theme.body_px)
    font.setStyleStrategy(QFont.StyleStrategy.PreferAntialias)
    app.setFont(font)
    app.setStyleSheet(stylesheet(theme))


def current() -> Theme:
    """The theme the application runs with (set by :func:`apply`)."""
    return _current
