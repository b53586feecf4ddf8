"""Sizes, colours and the font of the kiosk, kept in one place.

Every screen and widget takes its numbers from a :class:`Theme`; nothing else
in ``ui/`` hard-codes a pixel size or a colour.

The numbers are for a 1920 × 1080 touch screen seen by elderly citizens.
Four themes, chosen with :func:`theme_for`:

========================  =========  ==========  ==============  =====================
theme                     body text  headings    touch targets   text contrast
========================  =========  ==========  ==============  =====================
:data:`NORMAL`            >= 24 px   >= 48 px    >= 80 × 80 px   >= 4.5:1
:data:`LARGE` (长辈版)    >= 32 px   >= 48 px    >= 100 × 100 px >= 4.5:1
:data:`HIGH_CONTRAST`     >= 24 px   >= 48 px    >= 80 × 80 px   >= 7:1 (black ground)
:data:`LARGE_HIGH_CONTRAST` both of the above
========================  =========  ==========  ==============  =====================

Every (text colour, background) pair the style sheet uses is checked for every
theme in ``tests/ui/test_theme.py``.

Live switching
--------------
:func:`apply` sets the application font and style sheet, so every size that
comes from the style sheet (font sizes, button minimum sizes, paddings)
follows at once. Sizes a widget sets *in code* (``setFixedHeight``,
``setFixedWidth``, layout margins and spacing, a painted graphic's size) were
read from :func:`current` when the widget was built, so after the style sheet
:func:`apply` emits ``notifier().changed(theme)``; such widgets connect to it
and set those numbers again::

    class Header(QWidget):
        def __init__(self, parent=None):
            super().__init__(parent)
            ...
            self._apply_theme(theme.current())
            theme.notifier().changed.connect(self._apply_theme)

        def _apply_theme(self, t: theme.Theme) -> None:
            self._row.setContentsMargins(t.margin, t.header_pad_v, t.margin, t.header_pad_v)
            self.setFixedHeight(t.header_h)

Connect a *method of the QObject itself* (not a lambda), so the connection
ends when the widget is destroyed. Widgets that paint themselves read
``theme.current()`` in ``paintEvent`` and get a repaint from the style change.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

# the CJK font the kiosk is designed with (Debian: fonts-noto-cjk)
FONT_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei")

# the minimums each mode promises (checked by ui/inventory.py and the tests)
MIN_BODY_PX = 24
MIN_BODY_PX_LARGE = 32
MIN_HEADING_PX = 48
MIN_TARGET_PX = 80
MIN_TARGET_PX_LARGE = 100
MIN_CONTRAST = 4.5
MIN_CONTRAST_HIGH = 7.0


@dataclass(frozen=True)
class Theme:
    name: str
    large: bool = False          # 长辈版: bigger text and targets
    high_contrast: bool = False  # light text on black, strong borders
    # text sizes, in pixels
    body_px: int = 28
    heading_px: int = 56
    title_px: int = 72          # the attract screen's call to action
    button_px: int = 32
    alert_px: int = 40          # a message the citizen must not miss (wrong PIN, weak PIN)
    service_px: int = 44        # the service tiles of the home screen
    keypad_px: int = 44
    pin_dots_px: int = 56
    value_small_px: int = 36    # a value in a box of fields (name, card number, dates)
    # touch targets, in pixels
    button_min_w: int = 280
    button_min_h: int = 96
    keypad_key: int = 120       # square digit keys
    service_w: int = 520        # service tiles
    service_h: int = 180
    option_w: int = 720         # the answers of a choice screen, two per row
    option_h: int = 140         # room for a second, smaller line
    header_button: int = 80     # the header's controls (language, 长辈版, contrast, speech, staff)
    keypad_spacing: int = 16
    keypad_width: int = 560     # three keys and their spacing, with room to spare
    # layout, in pixels
    margin: int = 64
    spacing: int = 32
    gap_small: int = 16         # e.g. between a heading and its text, a grid's rows
    gap: int = 24               # e.g. the lines of the PIN screen's left column
    gap_wide: int = 48          # e.g. the columns of the card holder box, its padding
    gap_columns: int = 96       # between the PIN screen's text column and the keypad
    header_pad_v: int = 12      # above and below the header's text and buttons
    radius: int = 16
    border_px: int = 2          # borders of cards, secondary buttons, keys
    alert_border_px: int = 8    # the coloured bar at the left of an alert
    progress_w: int = 960       # the busy bar
    progress_h: int = 40
    graphic_w: int = 420        # the attract screen's card-into-slot drawing
    graphic_h: int = 330
    mark_px: int = 128          # the result screen's round outcome mark
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
    accent: str = "#F2A900"     # the header's "call staff" button
    on_accent: str = "#1A1A1A"

    @property
    def header_h(self) -> int:
        """The header strip's fixed height: its buttons, or two lines of header text
        (the CJK font's line is about 1.45 em), and the padding above and below."""
        return max(self.header_button, 2 * round(self.body_px * 1.5)) + 2 * self.header_pad_v

    @property
    def min_body_px(self) -> int:
        return MIN_BODY_PX_LARGE if self.large else MIN_BODY_PX

    @property
    def min_target_px(self) -> int:
        return MIN_TARGET_PX_LARGE if self.large else MIN_TARGET_PX


NORMAL = Theme(name="normal")

# 长辈版: every text one step up, targets >= 100 px, a little less margin for the text.
# The PIN screen still fits 1080 px: header 104 + margins 96 + dots ~115 + 32 + 5 keys
# of 120 and 4 gaps of 16 = 1011.
_LARGE_SIZES = dict(
    large=True,
    body_px=36, heading_px=60, title_px=80, button_px=40, alert_px=44,
    service_px=52, keypad_px=56, pin_dots_px=60, value_small_px=44,
    button_min_w=320, button_min_h=112, keypad_key=120, service_w=600, service_h=200,
    option_w=760, option_h=168, header_button=100,
    keypad_spacing=16, keypad_width=600,
    margin=48, spacing=32, gap_small=16, gap=24, gap_wide=48, gap_columns=64,
)

# White and yellow on black; every text pair >= 7:1, borders white and thicker.
_HIGH_CONTRAST_COLOURS = dict(
    high_contrast=True,
    background="#000000",
    surface="#000000",
    text="#FFFFFF",
    muted="#FFFF66",       # secondary text in light yellow (19:1)
    primary="#FFFF00",     # buttons: black on yellow (19.6:1)
    on_primary="#000000",
    secondary="#000000",   # neutral buttons: white on black with a white border
    on_secondary="#FFFFFF",
    danger="#FF8A80",      # 9.5:1 on black
    alert_bg="#000000",
    success="#7CFF7C",     # 17:1 on black
    border="#FFFFFF",
    focus="#00FFFF",
    header_bg="#000000",
    on_header="#FFFF00",
    accent="#00FFFF",      # black on cyan (16:1)
    on_accent="#000000",
    border_px=3,
)

LARGE = replace(NORMAL, name="large", **_LARGE_SIZES)
HIGH_CONTRAST = replace(NORMAL, name="high-contrast", **_HIGH_CONTRAST_COLOURS)
LARGE_HIGH_CONTRAST = replace(NORMAL, name="large-high-contrast", **_LARGE_SIZES, **_HIGH_CONTRAST_COLOURS)

THEMES: tuple[Theme, ...] = (NORMAL, LARGE, HIGH_CONTRAST, LARGE_HIGH_CONTRAST)


def theme_for(large: bool, high_contrast: bool) -> Theme:
    """The theme for the citizen's choice of 长辈版 (large) and high contrast."""
    if large:
        return LARGE_HIGH_CONTRAST if high_contrast else LARGE
    return HIGH_CONTRAST if high_contrast else NORMAL


def font_family() -> str:
    """The first installed CJK family of :data:`FONT_FAMILIES` (Qt falls back otherwise)."""
    installed = set(QFontDatabase.families())
    for family in FONT_FAMILIES:
        if family in installed:
            return family
    return FONT_FAMILIES[0]


def stylesheet(t: Theme) -> str:
    """The application style sheet; widgets choose a rule with ``setProperty("role", ...)``."""
    b = t.border_px
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
        background: {t.alert_bg}; border-left: {t.alert_border_px}px solid {t.danger};
        border-radius: 8px; padding: {t.gap_small}px {t.gap}px;
    }}
    QLabel[role="success"] {{ font-size: {t.heading_px}px; color: {t.success}; font-weight: bold; }}
    QLabel[role="error-heading"] {{ font-size: {t.heading_px}px; color: {t.danger}; font-weight: bold; }}
    QLabel[role="field"] {{ font-size: {t.body_px}px; color: {t.muted}; }}
    QLabel[role="value"] {{ font-size: {t.heading_px}px; font-weight: bold; }}
    QLabel[role="value-small"] {{ font-size: {t.value_small_px}px; font-weight: bold; }}
    QLabel[role="stage-current"] {{ font-size: {t.body_px}px; color: {t.primary}; font-weight: bold; }}
    QLabel[role="pin-dots"] {{
        font-size: {t.pin_dots_px}px; letter-spacing: 8px;
        background: {t.surface}; border: {b}px solid {t.border}; border-radius: {t.radius}px;
        padding: 8px {t.gap}px;
    }}
    QWidget[role="header"] {{ background: {t.header_bg}; {_header_rule(t)} }}
    QLabel[role="header-text"] {{ color: {t.on_header}; font-size: {t.body_px}px; font-weight: bold; }}
    QWidget[role="card"] {{
        background: {t.surface}; border: {b}px solid {t.border}; border-radius: {t.radius}px;
    }}
    QPushButton {{
        background: {t.primary}; color: {t.on_primary};
        font-size: {t.button_px}px; font-weight: bold;
        border: {_button_border(t)}; border-radius: {t.radius}px;
        min-width: {t.button_min_w}px; min-height: {t.button_min_h}px;
        padding: 8px 32px;
    }}
    QPushButton[role="secondary"] {{
        background: {t.secondary}; color: {t.on_secondary}; border: {b}px solid {t.border};
    }}
    QPushButton[role="tile"], QPushButton[role="tile-secondary"] {{
        min-width: {t.min_target_px}px; min-height: {t.service_h}px; padding: 0;
    }}
    QPushButton[role="option-tile"], QPushButton[role="option-tile-secondary"] {{
        min-width: {t.min_target_px}px; min-height: {t.button_min_h}px; padding: 0;
    }}
    QPushButton[role="tile-secondary"], QPushButton[role="option-tile-secondary"] {{
        background: {t.secondary}; color: {t.on_secondary}; border: {b}px solid {t.border};
    }}
    /* the labels of a tile (ui/widgets/tile.py) lie on the tile's colour */
    QLabel[role="tile-name"] {{
        color: {t.on_primary}; font-size: {t.service_px}px; font-weight: bold; background: {t.primary};
    }}
    QLabel[role="tile-hint"] {{
        color: {t.on_primary}; font-size: {t.body_px}px; background: {t.primary};
    }}
    QLabel[role="option-tile-name"] {{
        color: {t.on_primary}; font-size: {t.button_px}px; font-weight: bold; background: {t.primary};
    }}
    QLabel[role="option-tile-hint"] {{
        color: {t.on_primary}; font-size: {t.body_px}px; background: {t.primary};
    }}
    QLabel[role="option-tile-name-secondary"] {{
        color: {t.on_secondary}; font-size: {t.button_px}px; font-weight: bold; background: {t.secondary};
    }}
    QLabel[role="option-tile-hint-secondary"] {{
        color: {t.on_secondary}; font-size: {t.body_px}px; background: {t.secondary};
    }}
    /* a button sized to its text (still a full touch target): the tap-to-type fields,
       the 修改 keys of a list of details, the actions beside them */
    QPushButton[role="field-button"] {{
        background: {t.surface}; color: {t.text}; border: {b}px solid {t.border};
        font-size: {t.value_small_px}px;
        min-width: {t.min_target_px}px; min-height: {t.min_target_px}px; padding: 0 {t.gap_small}px;
    }}
    QPushButton[role="compact"], QPushButton[role="compact-secondary"] {{
        min-width: {t.min_target_px}px; min-height: {t.min_target_px}px; padding: 0 {t.gap}px;
    }}
    QPushButton[role="compact-secondary"] {{
        background: {t.secondary}; color: {t.on_secondary}; border: {b}px solid {t.border};
    }}
    QPushButton[role="service"] {{
        font-size: {t.service_px}px;
        min-width: {t.service_w}px; min-height: {t.service_h}px;
    }}
    QPushButton[role="option"] {{
        font-size: {t.button_px}px;
        min-width: {t.option_w}px; min-height: {t.option_h}px;
    }}
    QPushButton[role="header-button"], QPushButton[role="header-staff"] {{
        background: {t.header_bg}; color: {t.on_header}; border: {b}px solid {t.on_header};
        font-size: {t.body_px}px;
        min-width: {t.header_button}px; min-height: {t.header_button}px;
        max-height: {t.header_button}px; padding: 0 {t.gap_small}px;
    }}
    QPushButton[role="header-staff"] {{ background: {t.accent}; color: {t.on_accent}; }}
    QPushButton[role="key"] {{
        background: {t.surface}; color: {t.text}; border: {b}px solid {t.border};
        font-size: {t.keypad_px}px;
        min-width: {t.keypad_key}px; min-height: {t.keypad_key}px;
        max-width: {t.keypad_key * 2}px; padding: 0;
    }}
    QPushButton[role="key"]:pressed {{ background: {t.secondary}; color: {t.on_secondary}; }}
    QPushButton[role="key-action"] {{
        background: {t.secondary}; color: {t.on_secondary}; border: {b}px solid {t.border};
        font-size: {t.button_px}px;
        min-width: {t.keypad_key}px; min-height: {t.keypad_key}px;
        max-width: {t.keypad_key * 2}px; padding: 0;
    }}
    QPushButton[role="key-confirm"] {{
        font-size: {t.button_px}px;
        min-width: {t.keypad_key}px; min-height: {t.keypad_key}px; padding: 0;
    }}
    /* after the roles, so that every button shows it is pressed or disabled */
    QPushButton:pressed {{ background: {t.text}; color: {t.background}; }}
    QPushButton:disabled {{ background: {t.secondary}; color: {t.muted}; }}
    QProgressBar {{
        border: {b}px solid {t.border}; border-radius: {t.radius}px; background: {t.surface};
        min-height: {t.progress_h}px; max-height: {t.progress_h}px; text-align: center;
    }}
    QProgressBar::chunk {{ background: {t.primary}; border-radius: {t.radius - 4}px; }}
    """


def _header_rule(t: Theme) -> str:
    # on black the header is told from the page by a line under it
    return f"border-bottom: {t.border_px}px solid {t.border};" if t.high_contrast else ""


def _button_border(t: Theme) -> str:
    # a yellow button on black keeps a white outline, so its edge is clear when pressed
    return f"{t.border_px}px solid {t.border}" if t.high_contrast else "none"


class ThemeNotifier(QObject):
    """Emits :attr:`changed` after :func:`apply` has set a theme's font and style sheet."""

    # the Theme now in force
    changed = Signal(object)


_notifier: ThemeNotifier | None = None


def notifier() -> ThemeNotifier:
    """The one :class:`ThemeNotifier` of the process (see "Live switching" above)."""
    global _notifier
    if _notifier is None:
        _notifier = ThemeNotifier()
    return _notifier


_current: Theme = NORMAL


def apply(app: QApplication, theme: Theme = NORMAL) -> None:
    """Font and style sheet for the whole application, then ``notifier().changed(theme)``.

    Safe to call while the kiosk runs: this is how the citizen switches to
    长辈版 or high contrast and back.
    """
    global _current
    _current = theme
    font = QFont(font_family())
    font.setPixelSize(theme.body_px)
    font.setStyleStrategy(QFont.StyleStrategy.PreferAntialias)
    app.setFont(font)
    app.setStyleSheet(stylesheet(theme))
    notifier().changed.emit(theme)


def current() -> Theme:
    """The theme the application runs with (set by :func:`apply`)."""
    return _current
