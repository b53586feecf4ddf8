"""The normal theme keeps the elderly-friendly numbers."""

from __future__ import annotations

from ui import theme


def _luminance(hex_colour: str) -> float:
    rgb = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_sizes():
    t = theme.NORMAL
    assert t.body_px >= 24 and t.alert_px >= 24
    assert t.heading_px >= 48 and t.title_px >= 48
    assert t.keypad_key >= 80 and t.button_min_h >= 80 and t.service_h >= 80


def test_text_contrast_at_least_4_5():
    t = theme.NORMAL
    pairs = [
        (t.text, t.background), (t.muted, t.background), (t.text, t.surface),
        (t.on_primary, t.primary), (t.on_secondary, t.secondary), (t.muted, t.secondary),
        (t.danger, t.background), (t.danger, t.alert_bg), (t.success, t.background),
        (t.on_header, t.header_bg),
    ]
    for fg, bg in pairs:
        assert contrast(fg, bg) >= 4.5, (fg, bg, round(contrast(fg, bg), 2))


def test_cjk_font_is_installed(qapp):
    from PySide6.QtGui import QFontDatabase

    assert theme.font_family() in QFontDatabase.families()
