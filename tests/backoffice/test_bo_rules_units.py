"""Unit checks of the pieces behind the routes: photo rules, values, days, the pack adapter."""

import datetime as dt

import pytest

from backoffice import validation
from backoffice.cards import add_working_days, age_on
from backoffice.errors import ApiError
from backoffice.identity import mask_phone
from backoffice.photo_check import check_photo
from backoffice.rules import load_rules
from backoffice.config import ConfigError
from backoffice.testing import encode_jpeg, portrait_image, portrait_jpeg

# --- the photo ------------------------------------------------------------------------------


def test_a_good_portrait_passes():
    data = portrait_jpeg()
    assert 14 * 1024 <= len(data) <= 40 * 1024
    assert check_photo(data) is None


@pytest.mark.parametrize("data,rule", [
    (b"\x89PNG\r\n\x1a\n" + b"0" * 20000, "format"),
    (b"\xff\xd8\xff" + b"garbage" * 3000, "format"),
    (encode_jpeg(portrait_image(), min_kb=1, max_kb=10), "size"),
    (encode_jpeg(portrait_image(), min_kb=45, max_kb=60), "size"),
    (portrait_jpeg(width=441, height=358), "dimensions"),
    (portrait_jpeg(border=3), "border"),
    (portrait_jpeg(background=(120, 120, 120)), "background"),
    (portrait_jpeg(faces=0), "face"),
    (portrait_jpeg(faces=3), "face"),
])
def test_each_photo_rule(data, rule):
    problem = check_photo(data)
    assert problem is not None and problem.rule == rule, problem


def test_photo_rules_come_from_the_pack():
    rules = {"width": 300, "height": 400, "min_kb": 5, "max_kb": 60}
    data = portrait_jpeg(width=300, height=400, min_kb=5, max_kb=60)
    assert check_photo(data, rules) is None
    assert check_photo(data).rule == "dimensions"


# --- values ------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["13812345678", "19912345678", "16600000000"])
def test_good_phones(value):
    assert validation.phone(value) == value


@pytest.mark.parametrize("value", ["1381234567", "138123456789", "12812345678", "138 1234 5678",
                                   "２３８１２３４５６７８"])
def test_bad_phones(value):
    with pytest.raises(ApiError) as e:
        validation.phone(value)
    assert e.value.details["field"] == "phone"


@pytest.mark.parametrize("value", ["北京市朝阳区建国路1号", "𠮷野家 1-2-3", "乌鲁木齐市·天山区",
                                   "Flat 3, 12 Nathan Road", "\U00031350路"])  # Ext H (Unicode 15)
def test_addresses_in_any_script(value):
    assert validation.address(value) == value


@pytest.mark.parametrize("value,reason", [
    ("a\tb", "control_character"), ("a\u2028b", "control_character"),
    ("a\u200bb", "unsupported_character"), ("a\ufeffb", "unsupported_character"),
    ("a\U000f0000b", "unsupported_character"), ("a\U000e0001b", "unsupported_character"),
    ("a\u0378b", "unsupported_character"),  # unassigned, not a CJK plane
    ("x" * 201, "too_long"),
])
def test_refused_addresses(value, reason):
    with pytest.raises(ApiError) as e:
        validation.address(value)
    assert e.value.details == {"field": "address", "reason": reason}


def test_id_validity():
    today = dt.date(2025, 6, 1)
    assert validation.id_valid_until("长期", today) == "长期"
    assert validation.id_valid_until("2025-06-01", today) == "2025-06-01"
    for value in ("2025-05-31", "2025-13-01", "2025/06/01", "long"):
        with pytest.raises(ApiError):
            validation.id_valid_until(value, today)


# --- days -------------------------------------------------------------------------------------

def test_working_days_skip_weekends():
    friday = dt.date(2025, 6, 6)
    assert add_working_days(friday, 1) == dt.date(2025, 6, 9)     # Monday
    assert add_working_days(friday, 5) == dt.date(2025, 6, 13)    # Friday
    assert add_working_days(dt.date(2025, 6, 7), 1) == dt.date(2025, 6, 9)  # from a Saturday
    assert add_working_days(friday, 30) == dt.date(2025, 7, 18)
    assert add_working_days(friday, 0) == friday


def test_age():
    assert age_on(dt.date(2018, 6, 2), dt.date(2025, 6, 1)) == 6
    assert age_on(dt.date(2018, 6, 1), dt.date(2025, 6, 1)) == 7


def test_mask_phone():
    assert mask_phone("13812345678") == "138****5678"


# --- the pack adapter -----------------------------------------------------------------------------

def test_an_unknown_jurisdiction_refuses_to_start():
    with pytest.raises(ConfigError):
        load_rules("atlantis")


@pytest.mark.parametrize("name,duration,recorded", [
    ("hubei", None, None), ("sichuan", None, "7d"), ("sichuan", "7d", "7d"),
    ("hainan", "15d", "15d"), ("hainan", "long", "long"),
])
def test_loss_durations(name, duration, recorded):
    assert load_rules(name).check_loss_request("temporary", duration) == recorded


@pytest.mark.parametrize("name,duration,reason", [
    ("hainan", None, "choose_one"), ("hubei", "7d", "not_allowed"), ("sichuan", "long",
                                                                     "not_allowed"),
])
def test_loss_durations_refused(name, duration, reason):
    with pytest.raises(ApiError) as e:
        load_rules(name).check_loss_request("temporary", duration)
    assert e.value.code == "VALIDATION_FAILED" and e.value.details["reason"] == reason
    assert e.value.details["field"] == "duration"
    # the article, or (a regulation silent on it) the default column of policies.md
    assert e.value.details.get("article") or e.value.details["source"] == "default"


def test_auto_lift_times():
    since = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)
    assert load_rules("sichuan").auto_lift_at("7d", since) == since + dt.timedelta(days=7)
    assert load_rules("hainan").auto_lift_at("15d", since) == since + dt.timedelta(days=15)
    assert load_rules("hainan").auto_lift_at("long", since) is None
    assert load_rules("hubei").auto_lift_at(None, since) is None
