"""Every screen, rendered to PNG at 1920 × 1080 and checked for the kiosk's design rules.

The tour walks real flows where it can (emulated cards, reference back office)
and sets the rest through the views. For each stop it saves ``<name>.png``
into a temporary directory (``KIOSK_SHOTS=dir`` keeps them) and checks:
touch targets at least 80 × 80 px, text at least 24 px (headings 48 px),
every button named for assistive technology, no label clipped or outside
its screen.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

from kiosk import errors
from ui import messages

from .kiosk_driver import soft_card

MIN_TOUCH = 80
MIN_TEXT_PX = 24
MIN_HEADING_PX = 48


@pytest.fixture
def shots(tmp_path) -> Path:
    keep = os.environ.get("KIOSK_SHOTS")
    out = Path(keep) if keep else tmp_path / "shots"
    out.mkdir(parents=True, exist_ok=True)
    return out


def _visible(screen: QWidget, cls):
    return [w for w in screen.findChildren(cls) if w.isVisibleTo(screen)]


def check_screen(name: str, screen: QWidget) -> list[str]:
    problems = []
    area = screen.rect()
    for b in _visible(screen, QAbstractButton):
        if b.width() < MIN_TOUCH or b.height() < MIN_TOUCH:
            problems.append(f"{name}: button {b.objectName() or b.text()} is {b.width()}x{b.height()}")
        if not b.accessibleName():
            problems.append(f"{name}: button {b.objectName() or b.text()} has no accessible name")
    for lab in _visible(screen, QLabel):
        if not lab.text():
            continue
        px = lab.font().pixelSize()
        least = MIN_HEADING_PX if lab.property("role") in ("title", "heading", "success", "error-heading") else MIN_TEXT_PX
        if px < least:
            problems.append(f"{name}: {lab.text()[:12]!r} is {px} px (< {least})")
        rect = QRect(lab.mapTo(screen, lab.rect().topLeft()), lab.size())
        if not area.contains(rect):
            problems.append(f"{name}: {lab.text()[:12]!r} leaves the screen")
        if lab.wordWrap():
            need_h = lab.heightForWidth(lab.width())
            if need_h > lab.height() + 1:
                problems.append(f"{name}: {lab.text()[:12]!r} is clipped ({need_h} > {lab.height()})")
        elif lab.sizeHint().width() > lab.width() + 1:
            problems.append(f"{name}: {lab.text()[:12]!r} is cut ({lab.sizeHint().width()} > {lab.width()})")
    return problems


def test_tour_of_every_screen(kiosk, shots):
    k = kiosk
    w = k.window
    seen: dict[str, Path] = {}
    problems: list[str] = []

    def stop(name: str) -> None:
        k.qtbot.wait(30)                       # let layouts and the busy bar settle
        path = shots / f"{name}.png"
        assert w.grab().save(str(path))
        seen[name] = path
        problems.extend(check_screen(name, w.current_screen()))

    stop("01_attract")
    slow = soft_card("long_name")
    slow.faults.delay_s = 0.05
    k.insert(slow, wait_home=False)
    k.wait_for(w.busy)
    stop("02_reading")
    k.wait_for(w.home)
    slow.faults.delay_s = 0
    stop("03_home_long_name")
    k.remove()
    k.wait_for(w.attract)

    k.insert("ordinary")
    stop("04_home")
    k.start_pin_change()
    stop("05_pin_current")
    k.type_digits("975")
    stop("06_pin_typing")
    k.type_digits("310")
    k.click(w.pin.keypad.confirm_button)
    k.qtbot.waitUntil(lambda: "还可尝试 5 次" in k.pin_message())
    stop("07_pin_wrong")
    k.enter_pin("802413")
    k.wait_pin_step("new")
    stop("08_pin_new")
    k.enter_pin("111111")
    k.qtbot.waitUntil(lambda: bool(k.pin_message()))
    stop("09_pin_weak")
    k.enter_pin("135790")
    k.wait_pin_step("confirm")
    stop("10_pin_confirm")
    k.enter_pin("246810")
    k.qtbot.waitUntil(lambda: "不一致" in k.pin_message())
    stop("11_pin_mismatch")
    w.busy.show_working()
    w.show_screen(w.busy)
    stop("12_working")
    w.show_screen(w.pin)                       # back to the real flow
    k.enter_pin("135790")
    k.wait_pin_step("confirm")
    k.enter_pin("135790")
    k.wait_for(w.result)
    stop("13_result_pin_changed")
    k.remove()
    k.wait_for(w.attract)

    k.insert("des_card", wait_home=False)
    k.wait_for(w.result)
    stop("14_result_not_served")
    k.remove()
    k.wait_for(w.attract)

    k.insert("blocked")
    k.start_pin_change()
    k.enter_pin("975310")
    k.wait_for(w.result)
    stop("15_result_pin_blocked")
    k.remove()
    k.wait_for(w.attract)

    for name, source in [
        ("16_result_backoffice_down", lambda: messages.describe(errors.BackOfficeUnavailable("down"))),
        ("17_result_timeout", messages.timed_out),
        ("18_result_finished", messages.finished),
        ("19_result_card_error", lambda: messages.describe(errors.CardProtocolError("odd"))),
    ]:
        w.result.show_message(source, 20)
        w.show_screen(w.result)
        stop(name)

    w.attract.show_status(lambda: messages.describe(errors.ReaderServiceDown("down")))
    w.show_screen(w.attract)
    stop("20_attract_reader_down")
    w.attract.show_status(None, card_left_in=True)
    stop("21_attract_card_left_in")

    assert problems == []
    assert len(seen) == 21
    for path in seen.values():
        assert path.stat().st_size > 10_000


def test_demo_panel_renders(qtbot, shots):
    from devices.card.emulator.inprocess import EmulatedReaders
    from devices.card.emulator.profile import demo_profiles
    from ui.widgets.demo_panel import DemoPanel

    readers = EmulatedReaders()
    panel = DemoPanel(readers, demo_profiles())
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    assert panel.grab().save(str(shots / "22_demo_panel.png"))
    for b in panel.findChildren(QAbstractButton):
        assert b.accessibleName()
        assert b.height() >= MIN_TOUCH
    assert panel.card_buttons["ordinary"].text() == "ordinary · 陈思远"
    panel.insert("ordinary")
    assert readers.has_card(readers.readers()[0])
    assert not panel.expanded                 # folded away so the kiosk shows
    assert panel.height() < 2 * MIN_TOUCH
    assert panel.grab().save(str(shots / "23_demo_panel_folded.png"))
    panel.set_expanded(True)
    panel.pull()
    assert not readers.has_card(readers.readers()[0])
