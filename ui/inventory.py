"""What is on a screen, widget by widget, and what is wrong with it for an elderly citizen.

:func:`inventory` walks the widgets of the kiosk window that are visible now
(the current screen, the header included) and records, for each, its class,
object name, text, accessible name and role, the font size it is actually
drawn with, where it is in the window, whether it takes input, and whether its
text is cut off. :func:`check` turns an inventory into human-readable
violations of the kiosk's rules (``ui/theme.py``): text smaller than the body
minimum (24 px, 32 px in 长辈版), touch targets smaller than 80 × 80 px
(100 × 100 px), touch targets without an accessible name, text that does not
fit its widget, widgets cut off by their container, touch targets overlapping
each other, widgets outside the window, a window grown beyond the screen. :func:`write_png` saves what the window shows. :func:`survey` does
all three for every screen of the window.

Works offscreen (``QT_QPA_PLATFORM=offscreen``); the window must have been
shown (so that layouts and style sheets have run).
"""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QPoint, QRect, Qt, QTextBoundaryFinder
from PySide6.QtGui import QAccessible, QFontInfo, QTextDocument
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import (QAbstractButton, QAbstractSlider, QAbstractSpinBox, QApplication,
                               QComboBox, QLabel, QLineEdit, QPlainTextEdit, QPushButton, QStyle,
                               QStyleOptionButton, QTextEdit, QWidget)

from . import theme as themes

# widgets a citizen types into or drags (buttons are counted separately)
_INPUTS = (QLineEdit, QTextEdit, QPlainTextEdit, QAbstractSpinBox, QComboBox, QAbstractSlider)

# QAccessible role names in the words of the report
_ROLE_NAMES = {
    "Button": "button", "PushButton": "button", "CheckBox": "checkbox", "RadioButton": "radio",
    "StaticText": "label", "EditableText": "input", "ProgressBar": "progressbar",
    "ComboBox": "combobox", "Slider": "slider", "SpinBox": "spinbox", "Client": "pane",
    "Pane": "pane", "Grouping": "group", "Graphic": "graphic", "Window": "window",
    "LayeredPane": "pane", "ScrollBar": "scrollbar", "List": "list", "Table": "table",
}

_TOLERANCE_PX = 1        # rounding in Qt's size hints


def _role(w: QWidget) -> str:
    iface = QAccessible.queryAccessibleInterface(w)
    if iface is not None and iface.isValid():
        name = iface.role().name
        return _ROLE_NAMES.get(name, name.lower())
    if isinstance(w, QAbstractButton):
        return "button"
    if isinstance(w, QLabel):
        return "label"
    if isinstance(w, _INPUTS):
        return "input"
    return "pane"


def _text(w: QWidget) -> str | None:
    if isinstance(w, QLabel):
        text = w.text()
        fmt = w.textFormat()
        if fmt == Qt.TextFormat.RichText or (fmt == Qt.TextFormat.AutoText and _might_be_rich(text)):
            doc = QTextDocument()
            doc.setHtml(text)
            return doc.toPlainText()
        return text
    if isinstance(w, QAbstractButton):
        return w.text()
    if isinstance(w, QLineEdit):
        return w.text() if w.echoMode() == QLineEdit.EchoMode.Normal else ""   # never a PIN
    return None


def _might_be_rich(text: str) -> bool:
    return bool(GuiQt.mightBeRichText(text))     # Qt::mightBeRichText lives in QtGui


def _interactive(w: QWidget) -> bool:
    return w.isEnabled() and isinstance(w, (QAbstractButton, *_INPUTS))


def _unbreakable(text: str) -> list[str]:
    """The pieces of ``text`` a word-wrapping label cannot break, by Qt's own line-breaking
    rules (Unicode UAX #14): words of Latin text and numbers, but single characters of
    Chinese text (which wraps between any two characters)."""
    finder = QTextBoundaryFinder(QTextBoundaryFinder.BoundaryType.Line, text)
    pieces, start = [], 0
    pos = finder.toNextBoundary()
    while pos != -1:
        if pos > start:
            pieces.append(text[start:pos].rstrip())
        start = pos
        pos = finder.toNextBoundary()
    if start < len(text):
        pieces.append(text[start:].rstrip())
    return [p for p in pieces if p]


def _clipped(w: QWidget, text: str | None) -> bool:
    """Whether ``w`` is too small for its text (the text would be cut off or overflow)."""
    if not text:
        return False
    if isinstance(w, QLabel):
        if w.wordWrap():
            need_h = w.heightForWidth(w.width())
            if need_h > w.height() + _TOLERANCE_PX:
                return True
            # a word too long to wrap (Latin text, numbers) still overflows sideways
            fm = w.fontMetrics()
            longest = max((fm.horizontalAdvance(word) for word in _unbreakable(text)), default=0)
            return longest > w.contentsRect().width() - 2 * max(w.margin(), 0) + _TOLERANCE_PX
        hint = w.sizeHint()
        return (hint.width() > w.width() + _TOLERANCE_PX or
                hint.height() > w.height() + _TOLERANCE_PX)
    if isinstance(w, QPushButton):
        # the text the button paints itself: a tile (ui/widgets/tile.py) paints none, its
        # text() is that of its own labels, which are measured as labels
        text = QAbstractButton.text(w)
        if not text:
            return False
        opt = QStyleOptionButton()
        w.initStyleOption(opt)
        room = w.style().subElementRect(QStyle.SubElement.SE_PushButtonContents, opt, w)
        fm = w.fontMetrics()
        lines = text.split("\n")
        need_w = max(fm.horizontalAdvance(line) for line in lines)
        need_h = fm.height() * len(lines)
        return need_w > room.width() + _TOLERANCE_PX or need_h > room.height() + _TOLERANCE_PX
    if isinstance(w, QAbstractButton):
        hint = w.sizeHint()
        return hint.width() > w.width() + _TOLERANCE_PX or hint.height() > w.height() + _TOLERANCE_PX
    return False


def _in_window(window: QWidget, w: QWidget) -> QRect:
    return QRect(w.mapTo(window, QPoint(0, 0)), w.size())


def _shown_rect(window: QWidget, w: QWidget) -> QRect:
    """The part of ``w`` its containers let through (a child is cut at its parent's edges)."""
    r = _in_window(window, w)
    p = w.parentWidget()
    while p is not None and p is not window:
        r = r.intersected(_in_window(window, p))
        p = p.parentWidget()
    return r.intersected(QRect(QPoint(0, 0), window.size())) if r.isValid() else QRect()


def _entry(window: QWidget, w: QWidget) -> dict:
    w.ensurePolished()
    text = _text(w)
    top_left = w.mapTo(window, QPoint(0, 0))
    shown = _shown_rect(window, w)
    return {
        "class": type(w).__name__,
        "object_name": w.objectName(),
        "text": text,
        "accessible_name": w.accessibleName(),
        "role": _role(w),
        "style_role": w.property("role") or "",
        "font_px": QFontInfo(w.font()).pixelSize(),
        "geometry": [top_left.x(), top_left.y(), w.width(), w.height()],
        "shown": [shown.x(), shown.y(), shown.width(), shown.height()],
        "interactive": _interactive(w),
        "clipped": _clipped(w, text),
    }


# the kiosk's screen (ui/main_window.py's DESIGN_SIZE)
DESIGN_SIZE = (1920, 1080)


def inventory(window: QWidget, screen_id: str) -> dict:
    """Every widget of ``window`` visible now, in paint order (parents before children).

    ``screen_id`` names the screen in the report. Geometry is ``[x, y, w, h]``
    in window coordinates; ``shown`` is the part of it that its containers
    do not cut off (the same as ``geometry`` when nothing is cut).
    """
    QApplication.processEvents()       # pending layout requests and style polish
    widgets = []

    def walk(parent: QWidget) -> None:
        for child in parent.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
            if child.isWindow() or not child.isVisibleTo(window):
                continue
            widgets.append(_entry(window, child))
            walk(child)

    # an overlay (the idle warning, a notice) covers the screen: only it can be touched
    overlays = [c for c in window.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly)
                if c.property("role") == "overlay" and c.isVisibleTo(window)]
    if overlays:
        for overlay in overlays:
            widgets.append(_entry(window, overlay))
            walk(overlay)
    else:
        walk(window)
    t = themes.current()
    return {"screen": screen_id, "theme": t.name, "large": t.large,
            "window": {"w": window.width(), "h": window.height()},
            "design": list(DESIGN_SIZE), "widgets": widgets}


def _rect(entry: dict) -> QRect:
    return QRect(*entry["geometry"])


def _who(entry: dict) -> str:
    label = entry["object_name"] or entry["class"]
    text = entry["text"] or entry["accessible_name"]
    if text:
        text = text if len(text) <= 24 else text[:23] + "…"
        return f"{label} «{text}»"
    return label


def check(inv: dict, *, large: bool) -> list[str]:
    """Human-readable violations of the kiosk's size and accessibility rules; empty when all is well."""
    min_px = themes.MIN_BODY_PX_LARGE if large else themes.MIN_BODY_PX
    target = themes.MIN_TARGET_PX_LARGE if large else themes.MIN_TARGET_PX
    screen = inv["screen"]
    window = QRect(0, 0, inv["window"]["w"], inv["window"]["h"])
    out: list[str] = []
    dw, dh = inv.get("design", (window.width(), window.height()))
    if window.width() > dw or window.height() > dh:
        out.append(f"{screen}: the window grew to {window.width()} × {window.height()} px, "
                   f"beyond the {dw} × {dh} px screen (something refuses to shrink)")
    interactive = []
    for e in inv["widgets"]:
        who = _who(e)
        x, y, w, h = e["geometry"]
        if e["text"] and e["font_px"] < min_px:
            out.append(f"{screen}: {who}: text {e['font_px']} px, below the minimum of {min_px} px")
        if e["clipped"]:
            out.append(f"{screen}: {who}: text does not fit its {w} × {h} px")
        if w > 0 and h > 0 and not window.contains(_rect(e)):
            out.append(f"{screen}: {who}: at {x},{y} {w} × {h} px, outside the "
                       f"{window.width()} × {window.height()} px window")
        sx, sy, sw, sh = e.get("shown", e["geometry"])
        if w > 0 and h > 0 and window.contains(_rect(e)) and (sw, sh) != (w, h):
            out.append(f"{screen}: {who}: its container cuts it to {sw} × {sh} of its {w} × {h} px")
        if e["interactive"]:
            interactive.append(e)
            if min(w, sw) < target or min(h, sh) < target:
                out.append(f"{screen}: {who}: touch target {min(w, sw)} × {min(h, sh)} px, "
                           f"below {target} × {target} px")
            if not e["accessible_name"]:
                out.append(f"{screen}: {who}: touch target without an accessible name")
    for i, a in enumerate(interactive):
        for b in interactive[i + 1:]:
            overlap = QRect(*a.get("shown", a["geometry"])).intersected(QRect(*b.get("shown", b["geometry"])))
            if overlap.width() > 0 and overlap.height() > 0:
                out.append(f"{screen}: {_who(a)} and {_who(b)} overlap "
                           f"({overlap.width()} × {overlap.height()} px)")
    return out


def write_png(window: QWidget, path: str | Path) -> Path:
    """Save what ``window`` shows now as a PNG."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not window.grab().save(str(path), "PNG"):
        raise OSError(f"could not write {path}")
    return path


def survey(window, out_dir: str | Path | None = None, *, large: bool | None = None) -> dict[str, list[str]]:
    """Show each of ``window.screens()`` in turn, check it, and (with ``out_dir``) save
    ``<screen>.png`` and ``<screen>.json``; returns the violations per screen.

    The window's screen is put back as it was. ``large`` defaults to the current theme's.
    """
    large = themes.current().large if large is None else large
    before = window.current_screen()
    found: dict[str, list[str]] = {}
    try:
        for screen in window.screens():
            name = screen.objectName() or type(screen).__name__
            window.show_screen(screen)
            QApplication.processEvents()
            inv = inventory(window, name)
            found[name] = check(inv, large=large)
            if out_dir is not None:
                write_png(window, Path(out_dir) / f"{name}.png")
                (Path(out_dir) / f"{name}.json").write_text(
                    json.dumps({**inv, "violations": found[name]}, ensure_ascii=False, indent=1),
                    encoding="utf-8")
    finally:
        window.show_screen(before)
    return found
