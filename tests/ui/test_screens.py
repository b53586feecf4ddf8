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


def test_demo_panel_renders(qtbot, shots):
    from devices.card.emulator.inprocess import EmulatedReaders
    from devices.card.emulator.profile import demo_profiles
    from ui.widgets.demo_panel import DemoPanel

    readers = EmulatedReaders()
    panel = DemoPanel(readers, demo_profiles())
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    assert not panel.expanded                 # it starts folded over the kiosk
    panel.set_expanded(True)
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
