"""kiosk.masking: how card numbers, ID numbers, phones and names are shown."""

from __future__ import annotations

import pytest

from kiosk import masking


@pytest.mark.parametrize("value, shown", [
    ("A12345001", "A1****001"),
    ("B98765432", "B9****432"),
    ("  A12345001 ", "A1****001"),
    ("ABC12", "*****"),
    ("", ""),
    (None, ""),
    ("A1****001", "A1****001"),  # already masked: unchanged
])
def test_card_no(value, shown):
    assert masking.card_no(value) == shown


@pytest.mark.parametrize("value, shown", [
    ("42010119900307123X", "4201**********123X"),
    ("4201**********123X", "4201**********123X"),
    ("1234", "****"),
    (None, ""),
])
def test_ssn(value, shown):
    assert masking.ssn(value) == shown


@pytest.mark.parametrize("value, shown", [
    ("13812341234", "138****1234"),
    ("138-1234-1234", "138****1234"),
    ("+86 13812341234", "138****1234"),
    ("027-87654321", "027****4321"),   # 11 digits too: the same shape
    ("87654321", "****4321"),
    ("123", "***"),
    ("138****1234", "138****1234"),
])
def test_phone(value, shown):
    assert masking.phone(value) == shown


@pytest.mark.parametrize("value, shown", [
    ("张三", "张*"),
    ("张三丰", "张**"),
    ("欧阳娜娜", "欧阳**"),
    ("欧阳锋", "欧阳*"),
    ("欧阳", "欧*"),           # a two-character name is a surname and a given name
    ("诸葛亮", "诸葛*"),
    ("买买提·艾力", "买*****"),
    ("Zhang San", "Z********"),
    ("王", "王"),
    ("", ""),
])
def test_name_keeps_the_surname_only(value, shown):
    assert masking.name(value) == shown


def test_detectors():
    ssn = "42010119900307123X"
    assert masking.find_unmasked(f"a {ssn} b") == ["id_number"]
    assert masking.find_unmasked("call 13812341234") == ["phone"]
    assert masking.find_unmasked("A1****001 4201**********123X 138****1234") == []
    # longer tokens are not ID numbers or phones (UUID hex, millisecond times, hex dumps)
    assert masking.find_unmasked("1712345678901 0f1e2d3c4b5a69788796a5b4c3d2e1f0 "
                                 "F3E8555F4C478312969FD9785699C477") == []
    assert masking.scrub(f"{ssn}/13812341234") == "4201**********123X/138****1234"


@pytest.mark.parametrize("key, is_pin", [
    ("pin", True), ("PIN", True), ("new_pin", True), ("oldPin", True), ("pin_code", True),
    ("pin1", True), ("puk", True), ("password", True), ("new_pin_confirm", True),
    ("用户密码", True),
    ("pin_tries_left", False), ("pin_blocked", False), ("pin_authorization", False),
    ("spin", False), ("pinned", False), ("pinyin", False), ("shipping", False),
])
def test_pin_field_names(key, is_pin):
    assert masking.is_pin_field(key) is is_pin


def test_six_digits_under_a_pin_word_is_a_pin_value():
    assert masking.is_pin_value("pin_verify_input", "802413")
    assert masking.is_pin_value("pin_status", 802413)
    assert not masking.is_pin_value("pin_tries_left", 3)
    assert not masking.is_pin_value("sms_code_length", "123456")
