"""Reader trouble and reader events on the attract screen."""

from __future__ import annotations

from devices.card.events import CardEvent
from devices.card.emulator.inprocess import DEFAULT_READER


def test_service_down_and_up(kiosk):
    c, w = kiosk.controller, kiosk.window
    c._on_card_event(CardEvent("service_down"))
    assert w.attract.out_of_service
    assert w.attract.title.text() == "读卡器暂时无法使用"
    assert not w.attract.graphic.isVisibleTo(w.attract)
    c._on_card_event(CardEvent("service_up"))
    assert not w.attract.out_of_service
    assert w.attract.title.text() == "请插入社会保障卡"


def test_service_down_during_a_session_ends_it_with_a_sentence(kiosk):
    kiosk.insert("ordinary")
    kiosk.start_pin_change()
    kiosk.type_digits("80")
    kiosk.controller._on_card_event(CardEvent("service_down"))
    kiosk.wait_for(kiosk.window.result)
    assert kiosk.window.result.heading.text() == "读卡器暂时无法使用"
    assert len(kiosk.window.pin.keypad) == 0


def test_reader_unplugged_and_back(kiosk):
    readers, w = kiosk.readers, kiosk.window
    kiosk.insert("ordinary")
    readers.remove_reader(DEFAULT_READER)
    kiosk.qtbot.waitUntil(lambda: kiosk.screen is w.attract and w.attract.out_of_service, timeout=3000)
    assert w.attract.title.text() == "读卡器暂时无法使用"
    readers.add_reader(DEFAULT_READER)
    kiosk.qtbot.waitUntil(lambda: not w.attract.out_of_service, timeout=3000)
    kiosk.insert("ordinary")
    assert w.home.name_value.text() == "陈**"


def test_no_context_menu_and_frameless(kiosk):
    from PySide6.QtCore import QEvent, Qt
    from PySide6.QtWidgets import QApplication

    from ui.main_window import NoContextMenus

    w = kiosk.window
    assert w.windowFlags() & Qt.WindowType.FramelessWindowHint
    filters = [f for f in w.app_filters if isinstance(f, NoContextMenus)]
    assert filters, "the application-wide context-menu filter is installed"
    assert filters[0].eventFilter(w.attract.title, QEvent(QEvent.Type.ContextMenu)) is True
    assert filters[0].eventFilter(w.attract.title, QEvent(QEvent.Type.MouseButtonPress)) is False
    assert QApplication.activePopupWidget() is None


def test_kiosk_window_is_locked_down(kiosk, qapp):
    """Full screen: no cursor, no closing, no keys, no context menu; teardown unlocks."""
    from PySide6.QtCore import QPoint, Qt
    from PySide6.QtGui import QContextMenuEvent
    from PySide6.QtWidgets import QApplication

    from ui.app import show_kiosk

    w = kiosk.window
    show_kiosk(w)
    assert w.locked
    assert QApplication.overrideCursor().shape() == Qt.CursorShape.BlankCursor
    assert w.windowFlags() & Qt.WindowType.FramelessWindowHint
    assert not w.close()                 # Alt+F4 or a compositor's close: refused
    assert w.isVisible()
    # a context menu event never reaches a widget
    event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, QPoint(10, 10), QPoint(10, 10))
    assert any(f.eventFilter(w.attract, event) for f in w.app_filters)
    from ui.app import teardown

    teardown(w)
    assert not w.locked and QApplication.overrideCursor() is None


def test_a_service_refused_at_start_reads_in_both_languages(qtbot, settings):
    """Hainan uses no PIN (第14条): a PIN reset refuses to start; the result names the
    article and follows a language switch."""
    from ui.app import switch_language
    from kiosk_cli.demo_kiosk import DemoKiosk

    from .kiosk_driver import KioskDriver, make_readers

    with DemoKiosk("hainan", connect_timeout=0.5, max_attempts=1) as demo:
        k = KioskDriver(qtbot, make_readers(), demo.hsm, settings, services=demo.services, demo=demo)
        try:
            k.insert("ordinary")
            assert "pin_reset" not in k.window.home.service_buttons     # absent, not greyed out
            k.controller.start_service("pin_reset")
            k.wait_for(k.window.result)
            assert k.window.result.heading.text() == "本机不能办理此业务"
            assert "第14条" in k.window.result.text.text()
            switch_language(k.window, "en")          # the screens rewrite their texts on the event
            qtbot.waitUntil(lambda: k.window.result.heading.text()
                            == "This service is not available at this kiosk", timeout=2000)
            assert "第14条" in k.window.result.text.text()
        finally:
            switch_language(k.window, "zh_CN")
            k.close()
