"""The demo panel over the kiosk: folded in the header's free space, it covers no control.

In every text size, contrast and language, on the attract screen and on the screen
where the citizen types the SMS code (whose code the folded toggle shows), the
panel's window does not meet any button of the kiosk (the keypad, the language
button), and it never opens by itself.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QAbstractButton

from devices.card.emulator.profile import demo_profiles

from .kiosk_driver import WAIT_MS, KioskDriver, make_readers

MODES = [("zh_CN", False, False), ("zh_CN", True, False), ("en", False, False), ("en", True, False),
         ("zh_CN", True, True), ("en", True, True)]


@pytest.fixture(params=MODES, ids=["-".join(("large" if l else "normal", "hc" if h else "", loc))
                                   for loc, l, h in MODES])
def shown(request, qtbot, demo, settings):
    from ui import theme as themes
    from ui.app import restore_defaults
    from ui.widgets.demo_panel import DemoPanel

    locale, large, high_contrast = request.param
    k = KioskDriver(qtbot, make_readers(), demo.hsm, settings, services=demo.services, demo=demo,
                    theme=themes.theme_for(large, high_contrast), language=locale)
    panel = DemoPanel(k.readers, demo_profiles(), demo, kiosk=k.window)
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    yield k, panel
    panel.close()
    restore_defaults(k.window)
    k.close()


def controls_under(k: KioskDriver, panel) -> list[str]:
    """The kiosk's visible buttons that the panel's window meets, in global coordinates."""
    box = QRect(panel.pos(), panel.size())
    hit = []
    for b in k.screen.findChildren(QAbstractButton):
        if not b.isVisibleTo(k.window):
            continue
        r = QRect(b.mapToGlobal(b.rect().topLeft()), b.size())
        if r.intersects(box):
            hit.append(b.objectName() or b.text())
    return hit


def settled(k: KioskDriver, panel) -> None:
    """The panel has found its place on the current screen (it follows the kiosk's header
    by itself, every 250 ms)."""
    k.qtbot.waitUntil(lambda: not controls_under(k, panel), timeout=WAIT_MS)


def test_folded_at_start_in_the_header_covering_no_control(shown):
    k, panel = shown
    assert not panel.expanded and not panel.controls.isVisible()
    header = k.screen.header
    top = header.mapToGlobal(header.rect().topLeft()).y()
    k.qtbot.wait(50)
    assert controls_under(k, panel) == []
    assert top <= panel.y() and panel.y() + panel.height() <= top + header.height()
    assert panel.toggle_button.height() >= 80          # still a touch target


def test_the_sms_code_shows_on_the_folded_toggle_not_over_the_keypad(shown):
    k, panel = shown
    k.insert("ordinary")
    k.start("pin_reset")
    k.wait_screen("choice")
    k.choose("sms")
    code_screen = k.wait_screen("code")
    k.qtbot.waitUntil(lambda: k.demo.last_sms_code() is not None, timeout=WAIT_MS)
    code = k.demo.last_sms_code()
    k.qtbot.waitUntil(lambda: code in panel.toggle_button.text(), timeout=WAIT_MS)
    assert not panel.expanded                               # it did not open over the screen
    settled(k, panel)
    assert controls_under(k, panel) == []
    keypad = QRect(code_screen.pad.mapToGlobal(code_screen.pad.rect().topLeft()), code_screen.pad.size())
    assert not keypad.intersects(QRect(panel.pos(), panel.size()))
    language = k.screen.header.language_button
    assert not QRect(language.mapToGlobal(language.rect().topLeft()), language.size()).intersects(
        QRect(panel.pos(), panel.size()))


def test_open_panel_fits_the_screen_and_folds_after_a_card(qtbot, demo, kiosk):
    from ui.widgets.demo_panel import DemoPanel

    panel = DemoPanel(kiosk.readers, demo_profiles(), demo, kiosk=kiosk.window)
    qtbot.addWidget(panel)
    panel.show()
    kiosk.click(panel.toggle_button)
    assert panel.expanded and panel.quit_button.isVisible()
    assert panel.quit_button.text() == "退出演示"
    assert kiosk.window.geometry().contains(panel.geometry())   # the whole panel is on the screen
    kiosk.click(panel.card_buttons["ordinary"])
    kiosk.wait_for(kiosk.window.home)
    assert not panel.expanded
    assert controls_under(kiosk, panel) == []
