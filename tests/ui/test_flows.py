"""The kiosk driven like a citizen would, on emulated cards and the reference back office."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from devices.card.trace import TRACE

from .kiosk_driver import WAIT_MS, trace_commands

# PINs of tests/support/pin_leaks.TEST_PINS (the session guard looks for them in every log)
ORDINARY_PIN = "802413"      # the ordinary demo card's PIN
NEW_PIN = "135790"
WRONG_PINS = ["975310", "246810", "864209", "111222", "000111", "975310"]


def _assert_wiped(pins) -> None:
    assert pins, "the keypad handed over no PIN"
    assert all(len(p) == 0 for p in pins), "a PIN was not wiped"


# --- reading ----------------------------------------------------------------------

def test_attract_screen_asks_for_the_card(kiosk):
    assert kiosk.screen is kiosk.window.attract
    assert kiosk.window.attract.title.text() == "请插入社会保障卡"


def test_ordinary_card_home_shows_masked_name_and_ssn(kiosk):
    kiosk.insert("ordinary")
    home = kiosk.window.home
    assert home.name_value.text() == "陈**"          # a bystander learns nothing
    assert "陈思远" not in kiosk.all_texts()
    assert home.ssn_value.text() == "4201**********4514"
    assert "420106198503124514" not in kiosk.all_texts()
    assert home.change_pin_button.text() == "修改密码"


def test_long_name_is_masked_after_its_first_character(kiosk):
    kiosk.insert("long_name")
    shown = kiosk.window.home.name_value.text()
    assert shown.startswith("阿") and "买买提" not in shown


@pytest.mark.parametrize("profile", ["des_card", "foreign_card"])
def test_card_not_served_here(kiosk, profile):
    kiosk.insert(profile, wait_home=False)
    kiosk.wait_for(kiosk.window.result)
    r = kiosk.window.result
    assert r.heading.text() == "此卡无法在本机办理"
    assert "柜台" in r.advice.text()
    assert r.code == "CARD_NOT_SERVED"
    kiosk.remove()
    kiosk.wait_for(kiosk.window.attract)


def test_back_office_down_is_a_sentence(kiosk_bo_down):
    k = kiosk_bo_down
    k.insert("ordinary", wait_home=False)
    k.wait_for(k.window.result, timeout=10000)
    r = k.window.result
    assert r.heading.text() == "暂时无法连接社保系统"
    assert "稍后再试" in r.advice.text()
    assert "Traceback" not in k.all_texts() and "Error" not in k.all_texts()


def test_card_pulled_during_reading(kiosk):
    from .kiosk_driver import soft_card

    card = soft_card("ordinary")
    card.faults.delay_s = 0.3             # every answer comes late: the read takes seconds
    kiosk.insert(card, wait_home=False)
    kiosk.wait_for(kiosk.window.busy)
    assert kiosk.window.busy.heading.text() == "正在读卡，请勿拔卡"
    kiosk.remove()
    kiosk.wait_for(kiosk.window.attract)
    card.faults.delay_s = 0
    kiosk.qtbot.wait(400)                 # a late answer of the dropped read changes nothing
    assert kiosk.screen is kiosk.window.attract
    assert kiosk.controller.session is None


# --- PIN change --------------------------------------------------------------------

def test_pin_change_happy_path(kiosk):
    card = kiosk.insert("ordinary")
    kiosk.start_pin_change()
    pin = kiosk.window.pin
    assert pin.prompt.text() == "请输入当前密码"
    kiosk.enter_pin(ORDINARY_PIN)
    kiosk.wait_pin_step("new")
    assert pin.prompt.text().startswith("请输入新密码")
    assert "不能是 123456" in pin.rule.text()
    kiosk.enter_pin(NEW_PIN)
    kiosk.wait_pin_step("confirm")
    assert pin.prompt.text() == "请再次输入新密码"
    kiosk.enter_pin(NEW_PIN)
    kiosk.wait_for(kiosk.window.result)
    r = kiosk.window.result
    assert r.heading.text() == "密码修改成功"
    assert r.advice.text() == "请取回您的社会保障卡。"
    assert r.kind == "success"
    _assert_wiped(kiosk.submitted)
    assert card.tries_left == 6
    assert any(c.startswith("805E0100") for c in trace_commands())   # one CHANGE, redacted
    kiosk.remove()
    kiosk.wait_for(kiosk.window.attract)

    # the new PIN is the card's PIN now: a second session verifies it
    kiosk.insert(card)
    kiosk.start_pin_change()
    kiosk.enter_pin(NEW_PIN)
    kiosk.wait_pin_step("new")


def test_wrong_pins_count_down_then_blocked(kiosk):
    card = kiosk.insert("ordinary")
    kiosk.start_pin_change()
    seen = []
    for n, wrong in zip(range(5, 0, -1), WRONG_PINS):
        kiosk.enter_pin(wrong)
        kiosk.qtbot.waitUntil(lambda n=n: f"还可尝试 {n} 次" in kiosk.pin_message(), timeout=WAIT_MS)
        seen.append(kiosk.pin_message())
        assert kiosk.window.pin.step == "current"
    assert seen == [f"密码错误，还可尝试 {n} 次" for n in range(5, 0, -1)]
    kiosk.enter_pin(WRONG_PINS[5])
    kiosk.wait_for(kiosk.window.result)
    assert kiosk.window.result.heading.text() == "密码已锁定"
    assert "柜台" in kiosk.window.result.advice.text()
    assert card.pin_blocked
    _assert_wiped(kiosk.submitted)


def test_blocked_card_says_so(kiosk):
    kiosk.insert("blocked")
    kiosk.start_pin_change()
    kiosk.enter_pin(WRONG_PINS[0])
    kiosk.wait_for(kiosk.window.result)
    assert kiosk.window.result.heading.text() == "密码已锁定"


@pytest.mark.parametrize("weak,expected", [
    ("123456", "初始密码"),
    ("111111", "全部相同"),
    ("654321", "连续数字"),
    ("234567", "连续数字"),
])
def test_weak_new_pin_refused_without_any_apdu(kiosk, weak, expected):
    kiosk.insert("ordinary")
    kiosk.start_pin_change()
    kiosk.enter_pin(ORDINARY_PIN)
    kiosk.wait_pin_step("new")
    TRACE.clear()
    kiosk.enter_pin(weak)
    kiosk.qtbot.waitUntil(lambda: expected in kiosk.pin_message(), timeout=WAIT_MS)
    assert kiosk.window.pin.step == "new"
    assert "不能是 123456" in kiosk.window.pin.rule.text()      # the rule is explained
    QApplication.processEvents()
    assert trace_commands() == [], "a weak PIN must not reach the card"


def test_mismatched_confirmation_starts_the_new_pin_again(kiosk):
    kiosk.insert("ordinary")
    kiosk.start_pin_change()
    kiosk.enter_pin(ORDINARY_PIN)
    kiosk.wait_pin_step("new")
    kiosk.enter_pin(NEW_PIN)
    kiosk.wait_pin_step("confirm")
    TRACE.clear()
    kiosk.enter_pin("246810")
    kiosk.qtbot.waitUntil(lambda: "不一致" in kiosk.pin_message(), timeout=WAIT_MS)
    assert kiosk.window.pin.step == "new"
    assert not any(c.startswith("805E") for c in trace_commands())


def test_cancel_goes_back_to_the_services_and_wipes(kiosk):
    kiosk.insert("ordinary")
    kiosk.start_pin_change()
    kiosk.enter_pin(ORDINARY_PIN)
    kiosk.wait_pin_step("new")
    kiosk.type_digits("135")
    kiosk.click(kiosk.window.pin.cancel_button)
    kiosk.wait_for(kiosk.window.home)
    assert len(kiosk.window.pin.keypad) == 0
    _assert_wiped(kiosk.submitted)


def test_finish_asks_to_take_the_card(kiosk):
    kiosk.insert("ordinary")
    kiosk.click(kiosk.window.home.finish_button)
    kiosk.wait_for(kiosk.window.result)
    assert kiosk.window.result.advice.text() == "请取回您的社会保障卡。"
    kiosk.remove()
    kiosk.wait_for(kiosk.window.attract)


# --- the card pulled at any moment -------------------------------------------------------

@pytest.mark.parametrize("step", ["current", "new", "confirm"])
def test_card_pulled_during_pin_entry(kiosk, step):
    kiosk.insert("ordinary")
    kiosk.start_pin_change()
    if step != "current":
        kiosk.enter_pin(ORDINARY_PIN)
        kiosk.wait_pin_step("new")
    if step == "confirm":
        kiosk.enter_pin(NEW_PIN)
        kiosk.wait_pin_step("confirm")
    kiosk.type_digits("975")
    assert len(kiosk.window.pin.keypad) == 3
    kiosk.remove()
    kiosk.wait_for(kiosk.window.attract)
    assert len(kiosk.window.pin.keypad) == 0
    if step != "current":
        _assert_wiped(kiosk.submitted)
    assert kiosk.controller.session is None
    assert kiosk.window.home.name_value.text() == ""      # nothing of the holder stays on screen


def test_card_pulled_while_the_pin_is_checked(kiosk):
    card = kiosk.insert("ordinary")
    kiosk.start_pin_change()
    card.faults.delay_s = 0.5
    kiosk.enter_pin(ORDINARY_PIN)
    kiosk.wait_for(kiosk.window.busy)
    assert kiosk.window.busy.heading.text() == "正在处理，请勿拔卡"
    kiosk.remove()
    kiosk.wait_for(kiosk.window.attract)
    _assert_wiped(kiosk.submitted)
    card.faults.delay_s = 0
    kiosk.qtbot.wait(700)
    assert kiosk.screen is kiosk.window.attract


def test_card_pulled_on_the_result_screen(kiosk):
    kiosk.insert("des_card", wait_home=False)
    kiosk.wait_for(kiosk.window.result)
    kiosk.remove()
    kiosk.wait_for(kiosk.window.attract)
    assert kiosk.window.attract.status.text() == ""


def test_card_pulled_on_the_home_screen(kiosk):
    kiosk.insert("ordinary")
    kiosk.remove()
    kiosk.wait_for(kiosk.window.attract)
    assert kiosk.window.home.ssn_value.text() == ""


# --- bounded waits -----------------------------------------------------------------------

def test_result_screen_returns_to_attract_after_its_countdown(qtbot, hsm, settings):
    from .kiosk_driver import KioskDriver, make_readers

    settings.result_seconds = 1
    k = KioskDriver(qtbot, make_readers(), hsm, settings)
    try:
        k.insert("des_card", wait_home=False)
        k.wait_for(k.window.result)
        k.wait_for(k.window.attract, timeout=3000)
        # the card is still in the reader: the attract screen says so
        assert "仍有卡片" in k.window.attract.status.text()
    finally:
        k.close()


def test_idle_citizen_is_timed_out(qtbot, hsm, settings):
    from .kiosk_driver import KioskDriver, make_readers

    settings.idle_seconds = 1
    settings.idle_warning_seconds = 1
    k = KioskDriver(qtbot, make_readers(), hsm, settings)
    try:
        k.insert("ordinary")
        k.start_pin_change()
        k.type_digits("80")
        # first the warning, with "I need more time"; no answer: the session ends
        k.qtbot.waitUntil(lambda: k.window.idle_warning.isVisible(), timeout=3000)
        assert k.window.idle_warning.more_button.isVisible()
        k.wait_for(k.window.result, timeout=4000)
        assert k.window.result.heading.text() == "操作超时"
        assert len(k.window.pin.keypad) == 0
        assert not k.window.idle_warning.isVisible()
    finally:
        k.close()


def test_no_pin_digits_on_screen_while_typing(kiosk):
    kiosk.insert("ordinary")
    kiosk.start_pin_change()
    kiosk.window.pin.keypad.auto_submit = False     # hold the six digits on screen
    kiosk.type_digits(ORDINARY_PIN)
    keypad = kiosk.window.pin.keypad
    texts = [kiosk.window.pin.keypad._dots.text(), kiosk.window.pin.keypad._dots.accessibleName()]
    assert texts[0] == "●●●●●●"
    assert not any(ORDINARY_PIN in t for t in kiosk.visible_texts())
    assert not any(ch.isdigit() for ch in texts[0])
    assert len(keypad) == 6
