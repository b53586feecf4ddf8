"""The on-screen PIN keypad: ● per digit, a Pin never a str, wiped on hide, shuffled on demand."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton

from kiosk.pin import Pin
from ui.widgets.keypad import DIGITS, PinKeypad


@pytest.fixture
def keypad(qtbot):
    from ui import theme
    from ui.app import ensure_application

    theme.apply(ensure_application())
    k = PinKeypad()
    qtbot.addWidget(k)
    k.show()
    qtbot.waitExposed(k)
    return k


def press(qtbot, button: QAbstractButton) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def type_digits(qtbot, keypad: PinKeypad, digits: str) -> None:
    for d in digits:
        press(qtbot, keypad.digit_button(d))


def test_shows_a_dot_per_digit_and_never_a_digit(qtbot, keypad):
    type_digits(qtbot, keypad, "8024")
    assert keypad._dots.text() == "●●●●○○"
    assert keypad._dots.accessibleName() == "已输入 4 位，共 6 位"
    for w in [keypad, keypad._dots, *keypad.findChildren(QAbstractButton)]:
        assert "8024" not in w.accessibleName() + w.accessibleDescription() + w.toolTip()


def test_confirm_hands_over_a_pin_object_and_starts_afresh(qtbot, keypad):
    got: list[Pin] = []
    keypad.submitted.connect(got.append)
    assert not keypad.confirm_button.isEnabled()
    type_digits(qtbot, keypad, "802413")
    type_digits(qtbot, keypad, "9")                 # a seventh digit is ignored
    assert keypad.confirm_button.isEnabled()
    press(qtbot, keypad.confirm_button)
    assert len(got) == 1 and isinstance(got[0], Pin)
    assert got[0].same_as(Pin("802413"))
    assert repr(got[0]) == "Pin(******)"
    assert len(keypad) == 0
    got[0].wipe()


def test_backspace_and_clear(qtbot, keypad):
    type_digits(qtbot, keypad, "975")
    press(qtbot, keypad.backspace_button)
    assert len(keypad) == 2
    press(qtbot, keypad.clear_button)
    assert len(keypad) == 0
    assert keypad._dots.text() == "○○○○○○"


def test_wipes_when_hidden(qtbot, keypad):
    type_digits(qtbot, keypad, "975")
    pin = keypad._pin
    keypad.hide()
    assert len(keypad) == 0 and len(pin) == 0


def test_keys_are_big_and_named(qtbot, keypad):
    keypad.resize(560, 760)
    qtbot.wait(10)
    for b in keypad.findChildren(QAbstractButton):
        assert b.width() >= 80 and b.height() >= 80, b.text()
        assert b.accessibleName()
    assert keypad.backspace_button.text() == "删除"
    assert keypad.clear_button.text() == "清空"
    assert keypad.confirm_button.text() == "确认"


def test_plain_order_without_shuffle(keypad):
    keypad.start_entry()
    assert keypad.digit_order() == DIGITS


def test_shuffle_moves_the_digits_on_every_entry(qtbot, keypad):
    keypad.set_shuffle(True)
    orders = set()
    for _ in range(8):
        keypad.start_entry()
        order = keypad.digit_order()
        assert sorted(order) == sorted(DIGITS)
        orders.add(order)
    assert len(orders) > 1
    # the keys still type what they show
    got: list[Pin] = []
    keypad.submitted.connect(got.append)
    type_digits(qtbot, keypad, "135790")
    before = keypad.digit_order()
    press(qtbot, keypad.confirm_button)
    assert got[0].same_as(Pin("135790"))
    got[0].wipe()
    assert keypad.digit_button("5").text() == "5"
    assert sorted(keypad.digit_order()) == sorted(before)
