"""The widget inventory sees what a citizen sees, and check() catches what would hurt them."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget

from ui import inventory as inv_mod
from ui import theme
from ui.inventory import check, inventory, survey, write_png

from .kiosk_driver import KioskDriver, make_readers


@pytest.fixture
def window(qtbot, settings):
    d = KioskDriver(qtbot, make_readers(), None, settings)   # no back office needed on screen
    yield d.window
    d.close()
    theme.apply(QApplication.instance(), theme.NORMAL)


def _entry(inv: dict, widget: QWidget, window: QWidget) -> dict:
    p = widget.mapTo(window, widget.rect().topLeft())
    found = [e for e in inv["widgets"] if e["class"] == type(widget).__name__
             and e["geometry"][:2] == [p.x(), p.y()] and e["text"] == widget.text()]
    assert len(found) == 1, (widget.objectName(), widget.text())
    return found[0]


# --- inventory on the real kiosk -------------------------------------------------------------

def test_inventory_lists_the_attract_screens_widgets(window):
    assert window.current_screen() is window.attract
    inv = inventory(window, "attract")
    assert inv["screen"] == "attract" and inv["window"] == {"w": 1920, "h": 1080}
    title = _entry(inv, window.attract.title, window)
    assert title["text"] == "请插入社会保障卡"
    assert title["role"] == "label" and title["style_role"] == "title"
    assert title["font_px"] == theme.NORMAL.title_px
    x, y, w, h = title["geometry"]
    assert w > 0 and h > 0 and x >= 0 and y + h <= 1080
    # every button the citizen can see is there, with its place, size, font and name
    buttons = [b for b in window.findChildren(QAbstractButton) if b.isVisibleTo(window)]
    listed = [e for e in inv["widgets"] if e["role"] == "button"]
    assert len(listed) == len(buttons)
    for b in buttons:
        e = _entry(inv, b, window)
        assert e["geometry"][2:] == [b.width(), b.height()]
        assert e["font_px"] >= theme.NORMAL.body_px
        assert e["interactive"] is b.isEnabled()
        assert e["accessible_name"] == b.accessibleName()
    # nothing of the hidden screens
    hidden = window.pin.keypad.digit_button("5")
    assert not any(e["text"] == "5" for e in inv["widgets"]) and not hidden.isVisibleTo(window)


def test_check_passes_on_the_attract_screen_in_the_normal_theme(window):
    inv = inventory(window, "attract")
    assert check(inv, large=False) == []


def test_inventory_of_the_pin_screen_has_keys_of_touch_size(window):
    window.show_screen(window.pin)
    inv = inventory(window, "pin")
    keys = [e for e in inv["widgets"] if e["style_role"] == "key"]
    assert sorted(e["text"] for e in keys) == sorted("0123456789")
    for e in keys:
        assert e["interactive"] and e["geometry"][2] >= 80 and e["geometry"][3] >= 80
        assert e["font_px"] == theme.NORMAL.keypad_px
    assert check(inv, large=False) == []


def test_check_reports_a_shrunk_button(window):
    window.show_screen(window.pin)
    key = window.pin.keypad.digit_button("5")
    key.setFixedSize(40, 40)
    problems = check(inventory(window, "pin"), large=False)
    assert any("40 × 40" in p and "touch target" in p for p in problems), problems


def test_check_reports_a_button_without_accessible_name(window):
    window.show_screen(window.pin)
    window.pin.keypad.digit_button("7").setAccessibleName("")
    problems = check(inventory(window, "pin"), large=False)
    assert any("«7»" in p and "accessible name" in p for p in problems), problems


def test_check_reports_text_that_does_not_fit(window):
    hint = window.attract.hint
    hint.setFixedWidth(400)
    hint.setText("芯片朝上，插入屏幕下方的读卡口。" * 40)     # far more lines than the screen has
    QApplication.processEvents()
    entry = _entry(inventory(window, "attract"), hint, window)
    assert entry["clipped"]
    problems = check(inventory(window, "attract"), large=False)
    assert any("does not fit" in p for p in problems), problems


def test_check_reports_a_label_cut_off_without_wrapping(window):
    title = window.attract.title
    title.setWordWrap(False)
    title.setFixedWidth(300)
    QApplication.processEvents()
    assert _entry(inventory(window, "attract"), title, window)["clipped"]


def test_the_large_theme_is_measured_and_checked_against_its_own_minimums(qtbot, settings):
    from ui.app import build_app

    readers = make_readers()
    w = build_app(readers, readers, None, settings=settings, theme=theme.LARGE)
    try:
        w.resize(1920, 1080)
        w.show()
        qtbot.waitExposed(w)
        inv = inventory(w, "attract")
        assert inv["large"] is True
        assert _entry(inv, w.attract.title, w)["font_px"] == theme.LARGE.title_px
        assert _entry(inv, w.attract.hint, w)["font_px"] == theme.LARGE.body_px >= 32
        # the normal theme's 28 px body text would be too small in 长辈版
        normal_like = {**inv, "widgets": [{**e, "font_px": 28} for e in inv["widgets"]]}
        assert any("below the minimum of 32 px" in p for p in check(normal_like, large=True))
    finally:
        from ui.app import teardown

        teardown(w)
        w.close()
        w.deleteLater()
        theme.apply(QApplication.instance(), theme.NORMAL)


def test_write_png_and_survey(window, tmp_path):
    from PySide6.QtGui import QImage

    path = write_png(window, tmp_path / "attract.png")
    img = QImage(str(path))
    assert (img.width(), img.height()) == (1920, 1080)
    assert img.pixelColor(10, 1070).name().upper() == theme.NORMAL.background.upper()   # the page
    assert img.pixelColor(10, 10).name().upper() == theme.NORMAL.header_bg.upper()      # the header
    found = survey(window, tmp_path / "survey")
    names = {s.objectName() or type(s).__name__ for s in window.screens()}
    assert set(found) == names
    for name in names:
        assert (tmp_path / "survey" / f"{name}.png").stat().st_size > 1000
        assert (tmp_path / "survey" / f"{name}.json").exists()
    assert window.current_screen() is window.attract      # put back


# --- check() on its own ------------------------------------------------------------------------

def _w(**kw) -> dict:
    e = {"class": "QPushButton", "object_name": "b", "text": "确认", "accessible_name": "确认",
         "role": "button", "style_role": "", "font_px": 32, "geometry": [100, 100, 200, 100],
         "interactive": True, "clipped": False}
    e.update(kw)
    e.setdefault("shown", e["geometry"])
    return e


def _inv(*widgets) -> dict:
    return {"screen": "s", "window": {"w": 1920, "h": 1080}, "design": [1920, 1080],
            "widgets": list(widgets)}


def test_check_rules():
    assert check(_inv(_w()), large=False) == []
    assert any("24 px" in p for p in check(_inv(_w(font_px=20)), large=False))
    assert any("32 px" in p for p in check(_inv(_w(font_px=28)), large=True))
    assert check(_inv(_w(font_px=28)), large=False) == []
    assert any("below 100 × 100" in p for p in check(_inv(_w(geometry=[0, 0, 200, 90])), large=True))
    assert check(_inv(_w(geometry=[0, 0, 200, 90])), large=False) == []
    assert any("overlap" in p for p in check(_inv(_w(object_name="a"), _w(geometry=[250, 150, 200, 100])),
                                              large=False))
    assert any("outside" in p for p in check(_inv(_w(geometry=[1800, 100, 200, 100])), large=False))
    assert any("cuts it" in p for p in check(_inv(_w(shown=[100, 100, 200, 60])), large=False))
    # a disabled button is not a touch target; a label needs no accessible name
    assert check(_inv(_w(interactive=False, accessible_name="", geometry=[0, 0, 10, 10])),
                 large=False) == []
    assert any("grew" in p for p in check({**_inv(_w()), "window": {"w": 2400, "h": 1080}}, large=False))
    assert inv_mod.DESIGN_SIZE == (1920, 1080)
