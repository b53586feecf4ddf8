"""The themes keep the elderly-friendly numbers, readable colours, and switch live."""

from __future__ import annotations

import dataclasses
import re

import pytest
from PySide6.QtCore import QObject

from ui import theme

ALL = theme.THEMES


def _luminance(hex_colour: str) -> float:
    rgb = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


# --- a small style-sheet cascade: which text colour lands on which background --------------

_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_SELECTOR = re.compile(r'^(\w+)(?:\[role="([^"]+)"\])?(?::(\w+))?(::\w+)?$')


def _rules(css: str) -> list[tuple[str, str | None, str | None, dict[str, str]]]:
    out = []
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    for selectors, body in _RULE.findall(css):
        props = {}
        for decl in body.split(";"):
            if ":" in decl:
                k, v = decl.split(":", 1)
                props[k.strip()] = v.strip()
        for sel in selectors.split(","):
            m = _SELECTOR.match(sel.strip())
            assert m, f"the test does not understand the selector {sel.strip()!r}"
            if m.group(4):           # a sub-control (the progress chunk): no text on it
                continue
            out.append((m.group(1), m.group(2), m.group(3), props))
    return out


def _effective(rules, cls: str, role: str | None, state: str | None) -> dict[str, str]:
    """The properties a widget of ``cls``/``role`` in ``state`` gets (CSS specificity, then order)."""
    matching = []
    for i, (typ, r_role, r_state, props) in enumerate(rules):
        if typ not in ("QWidget", cls):
            continue
        if r_role is not None and r_role != role:
            continue
        if r_state is not None and r_state != state:
            continue
        matching.append(((r_role is not None) + (r_state is not None), i, props))
    merged: dict[str, str] = {}
    for _, _, props in sorted(matching, key=lambda m: (m[0], m[1])):
        merged.update(props)
    return merged


def _colour(value: str) -> str:
    m = re.search(r"#[0-9A-Fa-f]{6}", value)
    assert m, value
    return m.group(0)


def text_pairs(t: theme.Theme) -> list[tuple[str, str, str]]:
    """Every (text colour, background, where) the theme's style sheet can put on screen."""
    css = theme.stylesheet(t)
    rules = _rules(css)
    header = _effective(rules, "QWidget", "header", None)["background"]
    pairs = []
    label_roles = [None, *sorted(set(re.findall(r'QLabel\[role="([^"]+)"\]', css)))]
    for role in label_roles:
        props = _effective(rules, "QLabel", role, None)
        fg = _colour(props["color"])
        if props["background"] != "transparent":
            backs = [_colour(props["background"])]
        elif role == "header-text":
            backs = [_colour(header)]
        else:                       # on the page, or in a card box
            backs = [t.background, t.surface]
        pairs += [(fg, bg, f"QLabel[role={role}]") for bg in backs]
    button_roles = [None, *sorted(set(re.findall(r'QPushButton\[role="([^"]+)"\]', css)))]
    for role in button_roles:
        for state in (None, "pressed", "disabled"):
            props = _effective(rules, "QPushButton", role, state)
            pairs.append((_colour(props["color"]), _colour(props["background"]),
                          f"QPushButton[role={role}]:{state}"))
    for cls in ("QWidget", "QProgressBar"):
        props = _effective(rules, cls, None, None)
        pairs.append((_colour(props["color"]), _colour(props["background"]), cls))
    return pairs


# --- sizes -------------------------------------------------------------------------------------

def _font_sizes(t: theme.Theme) -> list[int]:
    return [int(px) for px in re.findall(r"font-size:\s*(\d+)px", theme.stylesheet(t))]


@pytest.mark.parametrize("t", ALL, ids=lambda t: t.name)
def test_sizes(t):
    body = 32 if t.large else 24
    target = 100 if t.large else 80
    assert min(_font_sizes(t)) >= body, (t.name, sorted(_font_sizes(t)))
    assert t.body_px >= body and t.alert_px >= body and t.button_px >= body
    assert t.heading_px >= 48 and t.title_px >= 48
    assert min(t.keypad_key, t.button_min_h, t.button_min_w, t.service_h, t.service_w) >= target
    assert t.min_body_px == body and t.min_target_px == target


def test_large_is_larger_than_normal():
    n, lg = theme.NORMAL, theme.LARGE
    for field in ("body_px", "heading_px", "title_px", "button_px", "alert_px", "service_px",
                  "keypad_px", "button_min_h", "button_min_w", "service_h", "service_w"):
        assert getattr(lg, field) > getattr(n, field), field


def test_keypad_fits_its_width_and_the_pin_screen_fits_1080():
    for t in ALL:
        assert 3 * t.keypad_key + 2 * t.keypad_spacing <= t.keypad_width, t.name
        dots = t.pin_dots_px * 1.5 + 16 + 2 * t.border_px
        keys = 5 * t.keypad_key + 4 * t.keypad_spacing
        assert t.header_h + t.margin // 2 + t.margin + dots + t.spacing + keys <= 1080, t.name


# --- colours ------------------------------------------------------------------------------------

@pytest.mark.parametrize("t", ALL, ids=lambda t: t.name)
def test_every_text_colour_in_the_style_sheet_is_at_least_4_5(t):
    pairs = text_pairs(t)
    # every colour the style sheet writes text in is among the checked pairs
    used = {_colour(v) for v in re.findall(r"[^-]color:\s*([^;]+);", theme.stylesheet(t))}
    assert used <= {fg for fg, _, _ in pairs}
    low = [(where, fg, bg, round(contrast(fg, bg), 2)) for fg, bg, where in pairs
           if contrast(fg, bg) < 4.5]
    assert not low


@pytest.mark.parametrize("t", [theme.HIGH_CONTRAST, theme.LARGE_HIGH_CONTRAST], ids=lambda t: t.name)
def test_high_contrast_reaches_7_to_1_and_draws_borders(t):
    low = [(where, fg, bg, round(contrast(fg, bg), 2)) for fg, bg, where in text_pairs(t)
           if contrast(fg, bg) < 7]
    assert not low
    # drawn things on the page (borders, the card graphic) stand out from the black ground
    assert contrast(t.border, t.background) >= 7
    assert t.border_px >= 3


def test_the_cascade_helper_sees_a_bad_pair():
    """The contrast test would fail for a grey-on-grey button."""
    bad = dataclasses.replace(theme.NORMAL, on_secondary="#C8CED6")
    assert any(contrast(fg, bg) < 4.5 for fg, bg, _ in text_pairs(bad))


def test_normal_keeps_the_reference_colours():
    t = theme.NORMAL
    pairs = [
        (t.text, t.background), (t.muted, t.background), (t.text, t.surface),
        (t.on_primary, t.primary), (t.on_secondary, t.secondary), (t.muted, t.secondary),
        (t.danger, t.background), (t.danger, t.alert_bg), (t.success, t.background),
        (t.on_header, t.header_bg),
    ]
    for fg, bg in pairs:
        assert contrast(fg, bg) >= 4.5, (fg, bg, round(contrast(fg, bg), 2))


# --- choosing and switching -----------------------------------------------------------------------

def test_theme_for():
    assert theme.theme_for(False, False) is theme.NORMAL
    assert theme.theme_for(True, False) is theme.LARGE
    assert theme.theme_for(False, True) is theme.HIGH_CONTRAST
    both = theme.theme_for(True, True)
    assert both is theme.LARGE_HIGH_CONTRAST
    assert both.large and both.high_contrast
    assert both.body_px == theme.LARGE.body_px and both.background == theme.HIGH_CONTRAST.background


def test_apply_switches_font_and_style_live_and_notifies(qapp):
    from PySide6.QtGui import QFontInfo
    from PySide6.QtWidgets import QLabel, QWidget

    page = QWidget()
    lab = QLabel("请插入社会保障卡", page)
    lab.setProperty("role", "body")
    seen = []
    seen_conn = theme.notifier().changed.connect(seen.append)
    try:
        theme.apply(qapp, theme.NORMAL)
        page.show()
        qapp.processEvents()
        normal_px = QFontInfo(lab.font()).pixelSize()
        theme.apply(qapp, theme.LARGE_HIGH_CONTRAST)
        qapp.processEvents()
        assert theme.current() is theme.LARGE_HIGH_CONTRAST
        assert seen == [theme.NORMAL, theme.LARGE_HIGH_CONTRAST]
        # the label already on screen follows: bigger text, white on black
        assert normal_px == theme.NORMAL.body_px
        assert QFontInfo(lab.font()).pixelSize() == theme.LARGE.body_px
        assert page.grab().toImage().pixelColor(2, 2).name().upper() == "#000000"
    finally:
        QObject.disconnect(seen_conn)
        theme.apply(qapp, theme.NORMAL)
        page.deleteLater()
    assert theme.current() is theme.NORMAL


def test_cjk_font_is_installed(qapp):
    from PySide6.QtGui import QFontDatabase

    assert theme.font_family() in QFontDatabase.families()


@pytest.mark.parametrize("t", ALL, ids=lambda t: t.name)
def test_header_height_holds_two_lines_of_header_text_and_its_buttons(qapp, t):
    from PySide6.QtGui import QFont, QFontMetrics

    font = QFont(theme.font_family())
    font.setPixelSize(t.body_px)
    font.setBold(True)
    inner = t.header_h - 2 * t.header_pad_v
    assert inner >= 2 * QFontMetrics(font).height()
    assert inner >= t.header_button >= t.min_target_px
