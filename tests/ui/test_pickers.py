"""The list, region and date pickers, driven by clicking their buttons."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QPushButton

from kiosk.validation import ETHNICITY_RE, LONG_TERM
from ui.widgets.date_picker import DatePicker
from ui.widgets.ethnicities import ethnicity_items
from ui.widgets.list_picker import ListPicker
from ui.widgets.region_picker import RegionPicker


@pytest.fixture(autouse=True)
def themed():
    from ui import theme
    from ui.app import ensure_application

    theme.apply(ensure_application())


def show(qtbot, w):
    qtbot.addWidget(w)
    w.resize(1792, 1000)
    w.show()
    qtbot.waitExposed(w)
    return w


def press(qtbot, button: QPushButton | None) -> None:
    assert button is not None and button.isVisible() and button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def labels(picker: ListPicker) -> list[str]:
    return [b.text() for b in picker.findChildren(QPushButton)
            if b.isVisible() and b.property("code") is not None]


def assert_all_named(widget) -> None:
    buttons = widget.findChildren(QPushButton)
    assert buttons
    for b in buttons:
        assert b.accessibleName(), b.objectName()
        assert b.focusPolicy() == Qt.FocusPolicy.NoFocus


# --- ListPicker ------------------------------------------------------------------------------

def test_ethnicities_are_the_gb_t_3304_list():
    items = ethnicity_items()
    assert len(items) == 58
    assert all(ETHNICITY_RE.match(code) for code, _ in items)
    assert dict(items)["05"] == "维吾尔族" and dict(items)["98"] == "外国血统中国籍人士"


def test_filter_by_initial_then_choose(qtbot):
    p = show(qtbot, ListPicker())
    p.set_items(ethnicity_items)
    assert "鄂伦春族" not in labels(p)                  # far down the list
    got: list[str] = []
    p.chosen.connect(got.append)
    press(qtbot, p.filter_button("E"))
    assert set(labels(p)) == {"俄罗斯族", "鄂温克族", "鄂伦春族"}
    press(qtbot, p.item_button("52"))
    press(qtbot, p.filter_button("W"))
    assert set(labels(p)) == {"维吾尔族", "佤族", "乌孜别克族", "外国血统中国籍人士"}
    press(qtbot, p.item_button("05"))
    assert got == ["52", "05"] and p.current() == "05"
    press(qtbot, p.all_button)
    assert "汉族" in labels(p)
    assert "F" not in p.filter_letters() and not p.filter_button("Z").isHidden()


def test_paging(qtbot):
    p = show(qtbot, ListPicker(columns=4, rows=3))
    p.set_items(ethnicity_items())
    assert p.page_count() == 5 and not p.prev_button.isEnabled()
    first = labels(p)
    assert len(first) == 12
    press(qtbot, p.next_button)
    assert p.page() == 1 and not set(first) & set(labels(p))
    got: list[str] = []
    p.chosen.connect(got.append)
    press(qtbot, p.item_button("13"))                  # 瑶族, the first of page 2
    assert got == ["13"]
    for _ in range(4):
        if p.next_button.isEnabled():
            press(qtbot, p.next_button)
    assert p.page() == 4 and labels(p)[-1] == "外国血统中国籍人士"


def test_set_current_shows_its_page_and_marks_it(qtbot):
    p = show(qtbot, ListPicker())
    p.set_items(ethnicity_items())
    p.set_current("56")
    btn = p.item_button("56")
    assert btn is not None and btn.isVisible()
    assert btn.property("role") != "secondary"          # the current one stands out
    assert all(b.property("role") == "secondary" for b in p.findChildren(QPushButton)
               if b.property("code") not in (None, "56"))


def test_list_picker_buttons_are_named(qtbot):
    p = show(qtbot, ListPicker())
    p.set_items(ethnicity_items())
    assert_all_named(p)
    assert p.item_button("01").accessibleName() == "汉族"


# --- RegionPicker --------------------------------------------------------------------------

def test_drill_down_to_a_county(qtbot):
    p = show(qtbot, RegionPicker())
    got: list[tuple[str, str]] = []
    p.chosen.connect(lambda code, name: got.append((code, name)))
    assert not p.up_button.isEnabled()
    press(qtbot, p.list.filter_button("H"))
    press(qtbot, p.list.item_button("420000"))
    assert p.level_code() == "420000" and "湖北省" in p.breadcrumb.text()
    press(qtbot, p.list.item_button("420100"))
    assert p.breadcrumb.text() == "湖北省 › 武汉市"
    press(qtbot, p.list.filter_button("W"))
    press(qtbot, p.list.item_button("420106"))
    assert got == [("420106", "湖北省武汉市武昌区")]


def test_up_one_level(qtbot):
    p = show(qtbot, RegionPicker())
    p.open("420100")
    press(qtbot, p.up_button)
    assert p.level_code() == "420000"
    assert p.list.item_button("420100") is not None    # the city we came from is on the page
    press(qtbot, p.up_button)
    assert p.level_code() == "" and not p.up_button.isEnabled()


def test_a_division_without_subdivisions_is_chosen_at_once(qtbot):
    p = show(qtbot, RegionPicker())
    got: list[tuple[str, str]] = []
    p.chosen.connect(lambda code, name: got.append((code, name)))
    p.open("440000")
    press(qtbot, p.list.filter_button("D"))
    press(qtbot, p.list.item_button("441900"))
    assert got == [("441900", "广东省东莞市")]


def test_a_municipality_goes_straight_to_its_districts(qtbot):
    p = show(qtbot, RegionPicker())
    press(qtbot, p.list.filter_button("B"))
    press(qtbot, p.list.item_button("110000"))
    assert "东城区" in labels(p.list)


def test_region_picker_buttons_are_named(qtbot):
    p = show(qtbot, RegionPicker())
    assert_all_named(p)
    p.set_current("420106")
    assert p.level_code() == "420100" and p.list.current() == "420106"
    assert_all_named(p)


# --- DatePicker ----------------------------------------------------------------------------

def test_steps_stop_at_the_bounds(qtbot):
    p = show(qtbot, DatePicker(minimum=dt.date(2020, 1, 1), maximum=dt.date(2030, 6, 30)))
    p.set_date(dt.date(2029, 12, 31))
    press(qtbot, p.year_plus10)                        # clamps to the maximum
    assert p.date() == dt.date(2030, 6, 30)
    assert not p.year_plus.isEnabled() and not p.day_plus.isEnabled()
    assert not p.month_plus.isEnabled() and not p.year_plus10.isEnabled()
    press(qtbot, p.day_minus)
    assert p.date() == dt.date(2030, 6, 29)
    p.set_date(dt.date(1990, 5, 5))                    # before the minimum
    assert p.date() == dt.date(2020, 1, 1)
    assert not p.day_minus.isEnabled() and not p.year_minus.isEnabled()


def test_month_and_year_steps_keep_a_real_day(qtbot):
    p = show(qtbot, DatePicker())
    p.set_date(dt.date(2024, 1, 31))
    press(qtbot, p.month_plus)
    assert p.date() == dt.date(2024, 2, 29)
    press(qtbot, p.year_plus)
    assert p.date() == dt.date(2025, 2, 28)
    press(qtbot, p.year_minus10)
    assert p.date() == dt.date(2015, 2, 28)


def test_confirm_gives_the_date(qtbot):
    p = show(qtbot, DatePicker(minimum=dt.date(1950, 1, 1), maximum=dt.date(2010, 12, 31)))
    p.set_date(dt.date(1985, 3, 9))
    got: list[object] = []
    p.chosen.connect(got.append)
    press(qtbot, p.day_plus)
    press(qtbot, p.confirm_button)
    assert got == [dt.date(1985, 3, 10)]
    assert "1985" in p.summary.text() and p.year_value.text() == "1985"


def test_long_term_only_when_allowed(qtbot):
    p = show(qtbot, DatePicker())
    assert not p.long_term_button.isVisible()
    p.set_long_term_allowed(True)
    got: list[object] = []
    p.chosen.connect(got.append)
    press(qtbot, p.long_term_button)
    assert got == [LONG_TERM] and LONG_TERM == "长期"


def test_date_picker_buttons_are_named(qtbot):
    p = show(qtbot, DatePicker(long_term=True))
    assert_all_named(p)
    assert p.year_plus.accessibleName() == "加 1 年"


@pytest.mark.parametrize("theme_name", ["normal", "large", "high-contrast", "large-high-contrast"])
def test_pickers_pass_the_kiosk_checks_in_every_theme(qtbot, theme_name):
    """Touch targets, names, text that fits, nothing cut off or overlapping, in 1920 px with margins."""
    from PySide6.QtWidgets import QVBoxLayout, QWidget

    from ui import inventory, theme
    from ui.app import ensure_application

    t = next(x for x in theme.THEMES if x.name == theme_name)
    app = ensure_application()
    # the windows of the earlier tests, closed, are deleted now: the offscreen platform's
    # activation of the new windows must not reach one of them (a crash in Qt's
    # QApplicationPrivate::setActiveWindow, depending on the order of the tests)
    app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    theme.apply(app, t)
    try:
        ethnicities = ListPicker()
        ethnicities.set_items(ethnicity_items)
        region = RegionPicker()
        region.open("620000")              # 甘肃: 临夏回族自治州 and long county names
        region.open("622900")
        for name, w in (("list", ethnicities), ("region", region), ("date", DatePicker(long_term=True))):
            host = QWidget()
            qtbot.addWidget(host)
            box = QVBoxLayout(host)
            box.setContentsMargins(t.margin, 0, t.margin, 0)
            box.addWidget(w)
            host.resize(1920, host.sizeHint().height())
            host.show()
            qtbot.waitExposed(host)
            assert inventory.check(inventory.inventory(host, name), large=t.large) == []
    finally:
        theme.apply(app, theme.NORMAL)
