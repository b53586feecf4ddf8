"""kiosk/validation.py: what the citizen types, checked before anything is sent, with the
same reasons the reference back office gives (so nothing the kiosk lets through is
refused later for a reason the citizen could have been told at once)."""

from __future__ import annotations

import datetime as dt

import pytest

from kiosk import validation as v

TODAY = dt.date(2025, 6, 1)


@pytest.mark.parametrize("value, problem", [
    ("13812345678", None), ("19912345678", None), ("", "missing"), (None, "missing"),
    ("12812345678", "bad_format"), ("1381234567", "bad_format"), ("138123456789", "bad_format"),
    ("+8613812345678", "bad_format"), ("138 1234 5678", "bad_format"),
    ("１３８１２３４５６７８", "bad_format"),            # full-width digits are not \d here
    ("13812345678\n", "bad_format"),                   # `$` would let a trailing newline through
])
def test_mobile(value, problem):
    assert v.mobile_problem(value) == problem


@pytest.mark.parametrize("value, problem", [
    ("420106198503124514", None), ("11010519491231002x", None),
    ("420106198503124515", "check_digit"), ("4201061985031245", "length"),
    ("42010619850312451A", "characters"), ("420106198513124514", "birth_date"),
    ("", "missing"),
])
def test_id_number(value, problem):
    if value == "11010519491231002x":
        assert v.normalize_id_number(value) == "11010519491231002X"
    assert v.id_number_problem(v.normalize_id_number(value) if value else value) == problem


def test_addresses_with_rare_characters_beyond_the_bmp():
    rare = "湖北省武汉市𠮷祥路8号"                          # 𠮷 U+20BB7, CJK Extension B
    assert v.is_beyond_bmp(rare) and v.address_problem(rare) is None
    assert v.address_problem("𠮷" * 200) is None            # 200 characters, not 400 UTF-16 units
    assert v.address_problem("𠮷" * 201) == "too_long"
    assert v.address_problem("\U0002EBF0路") is None         # a newer CJK ideograph (plane 2)
    assert v.address_problem("武汉市\n洪山区") == "control_character"
    assert v.address_problem("武汉\u202e市") == "unsupported_character"    # a bidi override
    assert v.address_problem("武汉\ue000市") == "unsupported_character"    # private use
    assert v.address_problem("   ") == "missing" and v.address_problem(None) == "missing"
    assert v.clean_address("  武汉市  ") == "武汉市"


def test_names():
    assert v.name_problem("王𠮷祥") is None
    assert v.name_problem("阿卜杜热合曼·买买提吐尔逊·艾合买提江") is None
    assert v.name_problem("Zhang San") is None
    assert v.name_problem("张三1") == "unsupported_character"
    assert v.name_problem("") == "missing"
    assert v.name_problem("张" * 51) == "too_long"


def test_days_and_codes():
    assert v.day_problem("2025-02-30") == "bad_date"
    assert v.day_problem("2025/02/03") == "bad_format"
    assert v.id_valid_until_problem("长期", TODAY) is None
    assert v.id_valid_until_problem("2025-06-01", TODAY) is None
    assert v.id_valid_until_problem("2025-05-31", TODAY) == "in_the_past"
    assert v.sms_code_problem("482913") is None
    assert v.sms_code_problem("48a913") == "bad_format"
    assert v.sms_code_problem("") == "missing"


def test_clean_field_raises_with_field_and_reason_never_the_value():
    with pytest.raises(v.InvalidInput) as e:
        v.clean_field("phone", "13812345")
    assert (e.value.field, e.value.reason) == ("phone", "bad_format")
    assert "13812345" not in str(e.value)
    assert v.clean_field("mailing_address", None) is None
    assert v.field_problem("name", "张三") == "unknown_field"


SAMPLES = {
    "phone": ["13812345678", "12345", "1381234567x", ""],
    "address": ["湖北省武汉市𠮷祥路8号", "a\tb", "x\u200by", "𠮷" * 201, "  ", "\ue000"],
    "mailing_address": [None, "海口市龙华区1号", "\u2028"],
    "id_valid_until": ["长期", "2099-01-01", "2000-01-01", "2025-13-01", "tomorrow"],
    "ethnicity": ["01", "56", "57", "97", "1"],
    "nationality": ["CHN", "chn", "CH"],
    "gender": ["1", "2", "9", "3", ""],
}


@pytest.mark.parametrize("field", sorted(SAMPLES))
def test_same_verdict_as_the_back_office(field):
    from backoffice import validation as bo
    from backoffice.errors import ApiError

    check = {"phone": bo.phone, "address": bo.address,
             "mailing_address": lambda x: bo.address(x, "mailing_address", nullable=True),
             "id_valid_until": lambda x: bo.id_valid_until(x, TODAY),
             "ethnicity": bo.ethnicity, "nationality": bo.nationality, "gender": bo.gender}[field]
    for value in SAMPLES[field]:
        try:
            check(value)
            theirs = None
        except ApiError as exc:
            theirs = exc.details.get("reason") or "refused"
        ours = v.field_problem(field, value, TODAY)
        assert (ours is None) == (theirs is None), (field, value, ours, theirs)
