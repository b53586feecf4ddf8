"""The on-screen pinyin keyboard, driven by clicking its real keys."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton

from ui.widgets.pinyin_keyboard import PinyinKeyboard


@pytest.fixture
def keyboard(qtbot):
    from ui import theme
    from ui.app import ensure_application

    theme.apply(ensure_application())
    k = PinyinKeyboard()
    qtbot.addWidget(k)
    k.resize(1792, k.sizeHint().height())
    k.show()
    qtbot.waitExposed(k)
    return k


def press(qtbot, button: QPushButton) -> None:
    assert button.isVisible() and button.isEnabled(), button.objectName()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def type_letters(qtbot, k: PinyinKeyboard, letters: str) -> None:
    for ch in letters:
        press(qtbot, k.letter_button(ch))


def candidate(k: PinyinKeyboard, text: str) -> QPushButton:
    for b in k.candidate_buttons():
        if b.text() == text:
            return b
    raise AssertionError(f"{text} is not on the candidates bar: {[b.text() for b in k.candidate_buttons()]}")


def shown_text(k: PinyinKeyboard) -> str:
    return k.findChild(QLabel, "keyboardText").full_text()


def shown_pending(k: PinyinKeyboard) -> str:
    return k.findChild(QLabel, "keyboardPending").text()


def test_typing_a_word_and_tapping_its_candidate(qtbot, keyboard):
    changes: list[str] = []
    keyboard.textChanged.connect(changes.append)
    type_letters(qtbot, keyboard, "wuhan")
    assert keyboard.pending() == "wuhan" and shown_pending(keyboard) == "wuhan"
    assert keyboard.text() == "" and changes == []
    press(qtbot, candidate(keyboard, "武汉"))
    assert keyboard.text() == "武汉"
    assert shown_text(keyboard) == "武汉"
    assert keyboard.pending() == "" and keyboard.candidate_buttons() == []
    assert changes == ["武汉"]


def test_a_character_leaves_the_rest_of_the_pinyin_pending(qtbot, keyboard):
    type_letters(qtbot, keyboard, "wuhan")
    press(qtbot, candidate(keyboard, "武"))
    assert keyboard.text() == "武" and keyboard.pending() == "han"
    press(qtbot, candidate(keyboard, "汉"))
    assert keyboard.text() == "武汉" and keyboard.pending() == ""


def test_candidates_are_paged(qtbot, keyboard):
    type_letters(qtbot, keyboard, "ji")
    first = [b.text() for b in keyboard.candidate_buttons()]
    assert first and not keyboard.prev_button.isEnabled()
    press(qtbot, keyboard.next_button)
    second = [b.text() for b in keyboard.candidate_buttons()]
    assert second and not set(first) & set(second)
    press(qtbot, keyboard.prev_button)
    assert [b.text() for b in keyboard.candidate_buttons()] == first


def test_backspace_takes_pinyin_first_then_characters(qtbot, keyboard):
    type_letters(qtbot, keyboard, "wuhan")
    press(qtbot, candidate(keyboard, "武汉"))
    type_letters(qtbot, keyboard, "sh")
    press(qtbot, keyboard.backspace_button)
    assert keyboard.pending() == "s" and keyboard.text() == "武汉"
    press(qtbot, keyboard.backspace_button)
    assert keyboard.pending() == "" and keyboard.text() == "武汉"
    press(qtbot, keyboard.backspace_button)
    assert keyboard.text() == "武"
    press(qtbot, keyboard.clear_button)
    assert keyboard.text() == ""


def test_a_rare_character_is_deleted_whole(qtbot, keyboard):
    keyboard.set_text("王𠮷")
    press(qtbot, keyboard.backspace_button)
    assert keyboard.text() == "王"


def test_max_length_is_enforced(qtbot, keyboard):
    keyboard.set_max_length(3)
    type_letters(qtbot, keyboard, "wuhan")
    press(qtbot, candidate(keyboard, "武汉"))
    type_letters(qtbot, keyboard, "wuchang")
    press(qtbot, candidate(keyboard, "武昌"))       # two more would make four: refused
    assert keyboard.text() == "武汉" and keyboard.pending() == "wuchang"
    press(qtbot, keyboard.clear_button)
    keyboard.set_text("武汉市")
    press(qtbot, keyboard.letter_button("a"))         # full: a letter does nothing
    assert keyboard.text() == "武汉市" and keyboard.pending() == ""
    keyboard.set_max_length(2)
    assert keyboard.text() == "武汉"
    keyboard.set_text("湖北省武汉市")
    assert keyboard.text() == "湖北"


def test_digits_and_punctuation_page(qtbot, keyboard):
    press(qtbot, keyboard.page_button)
    assert not keyboard.letter_button("q").isVisible()
    for ch in "12":
        press(qtbot, keyboard.symbol_button(ch))
    press(qtbot, keyboard.symbol_button("-"))
    press(qtbot, keyboard.symbol_button("3"))
    press(qtbot, keyboard.symbol_button("#"))
    assert keyboard.text() == "12-3#"
    press(qtbot, keyboard.page_button)
    assert keyboard.letter_button("q").isVisible() and not keyboard.symbol_button("1").isVisible()


def test_a_digit_after_pinyin_takes_the_first_candidate(qtbot, keyboard):
    type_letters(qtbot, keyboard, "jianshelu")
    press(qtbot, keyboard.page_button)
    press(qtbot, keyboard.symbol_button("9"))
    assert keyboard.text() == "建设路9"


def test_space_takes_the_first_candidate_or_types_a_space(qtbot, keyboard):
    type_letters(qtbot, keyboard, "zhongguo")
    press(qtbot, keyboard.space_button)
    assert keyboard.text() == "中国"
    press(qtbot, keyboard.space_button)
    assert keyboard.text() == "中国 "


def test_english_letters_are_typed_directly(qtbot, keyboard):
    type_letters(qtbot, keyboard, "li")
    press(qtbot, keyboard.mode_button)                 # pending pinyin is kept as letters
    assert not keyboard.is_chinese()
    type_letters(qtbot, keyboard, "x")
    assert keyboard.text() == "LIX" and keyboard.pending() == ""
    assert keyboard.candidate_buttons() == []
    press(qtbot, keyboard.mode_button)
    type_letters(qtbot, keyboard, "wang")
    assert keyboard.pending() == "wang"


def test_letters_no_character_stands_for_are_offered_as_they_are(qtbot, keyboard):
    type_letters(qtbot, keyboard, "v")
    assert [b.text() for b in keyboard.candidate_buttons()] == ["v"]


def test_confirm_submits_and_waits_for_pending_pinyin(qtbot, keyboard):
    got: list[str] = []
    keyboard.submitted.connect(got.append)
    type_letters(qtbot, keyboard, "zhang")
    assert not keyboard.confirm_button.isEnabled()
    press(qtbot, candidate(keyboard, "张"))
    type_letters(qtbot, keyboard, "san")
    press(qtbot, candidate(keyboard, "三"))
    press(qtbot, keyboard.confirm_button)
    assert got == ["张三"]


def test_long_text_shows_its_end(qtbot, keyboard):
    address = "新疆维吾尔自治区乌鲁木齐市天山区解放南路9号" * 3
    keyboard.set_text(address)
    qtbot.wait(10)
    label = keyboard.findChild(QLabel, "keyboardText")
    assert keyboard.text() == address
    assert label.text().startswith("…") and label.text().endswith("解放南路9号")


def test_every_key_is_named_big_and_takes_no_focus(qtbot, keyboard):
    from ui import theme

    size = theme.current().keypad_key
    type_letters(qtbot, keyboard, "wuhan")            # candidates shown, named too
    qtbot.wait(10)
    buttons = keyboard.findChildren(QPushButton)
    assert len(buttons) > 40
    for b in buttons:
        assert b.accessibleName(), b.objectName()
        assert b.focusPolicy() == Qt.FocusPolicy.NoFocus
        if b.isVisible():
            assert b.width() >= size and b.height() >= size, b.objectName()
    assert keyboard.letter_button("a").accessibleName() == "字母 A"
    assert candidate(keyboard, "武汉").accessibleName() == "武汉"
    assert keyboard.symbol_button("1").accessibleName() == "数字 1"
    assert keyboard.findChildren(QLineEdit) == []      # no system input method can attach


def test_fits_the_screen_width(keyboard):
    assert keyboard.minimumSizeHint().width() <= 1920 - 2 * 64


@pytest.mark.parametrize("theme_name", ["normal", "large", "high-contrast", "large-high-contrast"])
def test_passes_the_kiosk_checks_in_every_theme(qtbot, theme_name):
    """Touch targets, names, text that fits, nothing cut off or overlapping, in 1920 px with margins."""
    from PySide6.QtWidgets import QVBoxLayout, QWidget

    from ui import inventory, theme
    from ui.app import ensure_application

    t = next(x for x in theme.THEMES if x.name == theme_name)
    app = ensure_application()
    theme.apply(app, t)
    try:
        host = QWidget()
        qtbot.addWidget(host)
        box = QVBoxLayout(host)
        box.setContentsMargins(t.margin, 0, t.margin, 0)
        k = PinyinKeyboard()
        box.addWidget(k)
        host.resize(1920, host.sizeHint().height())
        host.show()
        qtbot.waitExposed(host)
        k.set_text("湖北省武汉市武昌区中山路")
        type_letters(qtbot, k, "jianshelu")
        assert inventory.check(inventory.inventory(host, "keyboard"), large=t.large) == []
        assert host.sizeHint().width() <= 1920
        assert all(len(b.text()) * t.keypad_px <= b.width() for b in k.candidate_buttons())
    finally:
        theme.apply(app, theme.NORMAL)
