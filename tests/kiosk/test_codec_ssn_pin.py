import datetime as dt

import pytest

from kiosk import codec, ssn
from kiosk.errors import WeakPin
from kiosk.pin import Pin, check_new_pin


def test_bcd_dates_and_regions():
    assert codec.bcd_date_decode(bytes.fromhex("20240131")) == dt.date(2024, 1, 31)
    assert codec.bcd_date_encode(dt.date(1999, 12, 1)) == bytes.fromhex("19991201")
    assert codec.bcd_decode(bytes.fromhex("4201FF"), pad=0xFF) == "4201"
    with pytest.raises(codec.DecodeError):
        codec.bcd_date_decode(bytes.fromhex("20241301"))
    with pytest.raises(codec.DecodeError):
        codec.bcd_decode(bytes.fromhex("4A"))


def test_gbk_name_over_two_fields():
    name = "买买提·艾力·阿不都热合曼·库尔班江"  # 18 characters, more than 30 GBK bytes
    head, ext = codec.split_name(name)
    assert len(head) == 30 and len(ext) == 20
    assert codec.gbk_decode(head) + codec.gbk_decode(ext) == name
    assert codec.gbk_decode("张三".encode("gbk") + b"\x00" * 26) == "张三"


def test_ssn_check_digit_known_numbers():
    # GB 11643-1999's own example
    assert ssn.check_digit("11010519491231002") == "X"
    assert ssn.is_valid("11010519491231002X")
    assert ssn.problem("110105194912310021") == "check_digit"
    assert ssn.problem("11010519491331002X") == "birth_date"
    assert ssn.problem("1101051949") == "length"
    assert ssn.problem("11010519491231002Y") == "characters"
    assert ssn.mask("11010519491231002X") == "1101**********002X"


def test_pin_never_shows_its_digits():
    p = Pin("802413")
    assert "802413" not in repr(p) and "802413" not in str(p) and "802413" not in f"{p!r} {p}"
    assert bytes(p.to_bcd()) == bytes.fromhex("802413")
    p.wipe()
    assert len(p) == 0


def test_keypad_entry_is_bounded_to_six_digits():
    p = Pin()
    for d in "12345678x":
        p.add_digit(d)
    assert len(p) == 6 and p.complete
    p.backspace()
    assert len(p) == 5


@pytest.mark.parametrize("weak,reason", [
    ("123456", "initial_pin"), ("000000", "all_same"), ("999999", "all_same"),
    ("234567", "sequence"), ("654321", "sequence"), ("12345", "not_six_digits"),
])
def test_weak_new_pins_are_refused(weak, reason):
    with pytest.raises(WeakPin) as e:
        check_new_pin(Pin(weak))
    assert e.value.reason == reason
    assert weak not in str(e.value)


def test_mismatch_and_good_pin():
    check_new_pin(Pin("802413"), Pin("802413"))
    with pytest.raises(WeakPin) as e:
        check_new_pin(Pin("802413"), Pin("802414"))
    assert e.value.reason == "mismatch"
