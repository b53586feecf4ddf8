"""The software card against shared/spec/ssc-card.md, through raw APDUs.

The known-answer vectors of the spec are checked end to end: if these pass,
a kiosk that follows the spec talks to this card, and this card is a fair
stand-in for other teams' cards.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import threading
import time

import pytest

from devices.card.emulator import (SSC_AID, CardVanished, CommandAborted, ProfileError, SoftCard,
                                   default_state_path, demo_profiles, load_profile)
from devices.card.emulator.profile import atr_problem
from kiosk import codec, sm4, ssn

pytestmark = pytest.mark.timeout(30)

H = bytes.fromhex
SELECT_SSC = H("00A404000F") + SSC_AID
R1 = H("000102030405060708090A0B0C0D0E0F")
R1_ANSWER = H("F3E8555F4C478312969FD9785699C477")
R2 = H("0F0E0D0C0B0A09080706050403020100")
R2_ANSWER = H("A24860DBE49DC1D87156050DE289DC48")
R3 = H("11") * 16
RESET_CMD = H("805E000007123456")
RESET_MAC = H("67B62E21")
UNBLOCK_CMD = H("8424000004")
UNBLOCK_MAC = H("87791AC3")
ORDINARY_PIN = "802413"


def bcd_pin(digits: str) -> bytes:
    return bytes.fromhex(digits)


def send(card: SoftCard, apdu: bytes | str) -> tuple[bytes, int]:
    raw = card.transmit(H(apdu) if isinstance(apdu, str) else apdu)
    return raw[:-2], int.from_bytes(raw[-2:], "big")


def profile(name: str):
    return load_profile(demo_profiles()[name])


def make_card(name: str = "ordinary", **kwargs) -> SoftCard:
    kwargs.setdefault("state_path", None)
    return SoftCard(profile(name), **kwargs)


def select_app_and(card: SoftCard, ef: str) -> None:
    assert send(card, SELECT_SSC)[1] >> 8 in (0x61, 0x90)
    card._pending = None  # noqa: SLF001 - the FCI is not what these tests are about
    assert send(card, "00A4020002" + ef)[1] == 0x9000


def authenticate(card: SoftCard) -> None:
    card.next_challenges.append(R2)
    assert send(card, H("0088000010") + R1 + b"\x10") == (R1_ANSWER, 0x9000)
    assert send(card, "0084000010") == (R2, 0x9000)
    assert send(card, H("0082000A10") + R2_ANSWER)[1] == 0x9000


def verify(card: SoftCard, digits: str) -> int:
    return send(card, H("0020000003") + bcd_pin(digits))[1]


# --- profiles -------------------------------------------------------------------

def test_the_demo_set_is_complete_and_each_card_is_distinct():
    names = set(demo_profiles())
    assert {"ordinary", "initial_pin", "blocked", "expiring_soon", "expired", "long_name",
            "des_card", "foreign_card"} <= names
    loaded = [load_profile(p) for p in demo_profiles().values()]
    assert len({p.card_no for p in loaded}) == len(loaded)
    assert len({p.card_id_code for p in loaded}) == len(loaded)


@pytest.mark.parametrize("name", sorted(set(demo_profiles()) - {"foreign_card"}))
def test_every_demo_holder_has_a_valid_consistent_ssn(name):
    p = profile(name)
    assert ssn.problem(p.ssn) is None
    assert p.ssn[6:14] == p.birth_date.strftime("%Y%m%d")
    assert (int(p.ssn[16]) % 2 == 1) == (p.gender == "1")
    assert p.card_id_code[3:8] == H("D156000005")


def test_demo_profiles_say_what_they_claim():
    today = dt.date.today()
    assert profile("ordinary").card_id_code == H("420100D156000005A1B2C3D4E5F60718")
    assert profile("ordinary").expires_on > today + dt.timedelta(days=365)
    assert profile("initial_pin").pin == "123456"
    assert profile("ordinary").pin != "123456"
    assert profile("blocked").pin_tries_left == 0
    assert today < profile("expiring_soon").expires_on <= today + dt.timedelta(days=90)
    assert profile("expired").expires_on < today
    long = profile("long_name")
    assert len(long.name) > 15 and "·" in long.name
    assert profile("des_card").algorithm == 1
    assert not profile("foreign_card").has_ssc_application


def test_relative_dates_follow_the_day_the_profile_is_loaded():
    path = demo_profiles()["expired"]
    early = load_profile(path, today=dt.date(2030, 1, 1))
    late = load_profile(path, today=dt.date(2031, 1, 1))
    assert early.expires_on == dt.date(2030, 1, 1) - dt.timedelta(days=45)
    assert late.expires_on - early.expires_on == dt.timedelta(days=365)


@pytest.mark.parametrize("edit, complaint", [
    (lambda s: s + '\ncolour = "blue"\n', "unknown key 'colour'"),
    (lambda s: s.replace('card_type = "3"\n', ""), "missing key 'card_type'"),
    (lambda s: s + "\nexpires_on = 2030-01-01\n", "exactly one of 'expires_on'"),
    (lambda s: s.replace('card_id_code = "420100D156000005A1B2C3D4E5F60718"',
                         'card_id_code = "4201"'), "'card_id_code'"),
    (lambda s: s.replace('pin = "802413"', 'pin = "80241"'), "'pin'"),
    (lambda s: s.replace('atr = "3B6D00000081544C9786843202AD932A48"',
                         'atr = "3B6D000000"'), "'atr'"),
    (lambda s: s.replace("pin_tries_left = 6", "pin_tries_left = 7"), "'pin_tries_left'"),
    (lambda s: s.replace('name = "陈思远"', 'name = "' + "张" * 26 + '"'), "'name'"),
    (lambda s: s + '\n[master_keys]\ninternal = "00"\n', "unknown key 'internal'"),
])
def test_a_bad_profile_is_refused_with_the_key_named(tmp_path, edit, complaint):
    base = demo_profiles()["ordinary"].read_text(encoding="utf-8")
    path = tmp_path / "bad.toml"
    path.write_text(edit(base), encoding="utf-8")
    with pytest.raises(ProfileError) as err:
        load_profile(path)
    assert complaint in str(err.value)
    assert str(path) in str(err.value)


def test_a_bad_pin_is_refused_without_repeating_it(tmp_path):
    base = demo_profiles()["ordinary"].read_text(encoding="utf-8")
    path = tmp_path / "bad.toml"
    path.write_text(base.replace('pin = "802413"', 'pin = "8O2413"'), encoding="utf-8")
    with pytest.raises(ProfileError) as err:
        load_profile(path)
    assert "8O2413" not in str(err.value)


def test_a_foreign_card_profile_may_not_carry_ssc_fields(tmp_path):
    path = tmp_path / "f.toml"
    path.write_text('atr = "3B6800000073C84012009000"\nhas_ssc_application = false\n'
                    'card_no = "Z00000001"\npin = "123456"\n', encoding="utf-8")
    with pytest.raises(ProfileError, match="only for a card with the SSC application"):
        load_profile(path)


def test_master_keys_can_be_replaced(tmp_path):
    base = demo_profiles()["ordinary"].read_text(encoding="utf-8")
    path = tmp_path / "k.toml"
    path.write_text(base + '\n[master_keys]\ninternal_auth = "' + "00" * 16 + '"\n',
                    encoding="utf-8")
    card = SoftCard(load_profile(path), state_path=None, t0=False)
    assert send(card, H("0088000010") + R1)[0] != R1_ANSWER


def test_atr_checker_accepts_iso_atrs_and_refuses_broken_ones():
    assert atr_problem(H("3B6D00000081544C9786843202AD932A48")) is None
    assert atr_problem(H("3B8F8001804F0CA000000306030001000000006A")) is None  # T=1 with TCK
    assert atr_problem(H("3B8F8001804F0CA000000306030001000000006B"))  # wrong TCK
    assert atr_problem(H("3B6D0000008154"))                             # too short


def test_no_pin_in_any_repr():
    card = make_card()
    for text in (repr(card), str(card), repr(card.profile)):
        assert ORDINARY_PIN not in text
        assert card.profile.ssn not in text


# --- answer to reset, SELECT, T=0 ----------------------------------------------------

def test_atr_of_an_ssc_card_matches_the_spec():
    atr = make_card().atr
    assert atr[:4] == H("3B6D0000") and len(atr) == 4 + 13
    assert atr[4] == 0x00 and atr[5] & 0xF0 == 0x80 and atr[6:8] == b"TL"


def _fci_algorithm(fci: bytes) -> int:
    """Walk 6F → A5 → 9F0C → 86 as a host would."""
    assert fci[0] == 0x6F and fci[1] == len(fci) - 2
    body, items = fci[2:], {}
    while body:
        tag_len = 2 if body[0] & 0x1F == 0x1F else 1
        tag, length = body[:tag_len], body[tag_len]
        items[tag] = body[tag_len + 1:tag_len + 1 + length]
        body = body[tag_len + 1 + length:]
    assert items[b"\x84"] == SSC_AID
    a5 = items[b"\xA5"]
    assert a5[:2] == b"\x9F\x0C"
    proprietary = a5[3:3 + a5[2]]
    at = proprietary.index(b"\x86\x01")
    return proprietary[at + 2]


def test_select_on_t0_announces_the_fci_and_get_response_delivers_it():
    card = make_card()
    data, sw = send(card, SELECT_SSC)
    assert data == b"" and sw >> 8 == 0x61
    fci, sw2 = send(card, bytes([0x00, 0xC0, 0x00, 0x00, sw & 0xFF]))
    assert sw2 == 0x9000 and len(fci) == sw & 0xFF
    assert _fci_algorithm(fci) == 3


def test_get_response_in_pieces_and_with_a_wrong_le():
    card = make_card()
    total = send(card, SELECT_SSC)[1] & 0xFF
    assert send(card, "00C0000040")[1] == 0x6C00 | total         # too long: asks for the length
    first, sw = send(card, "00C0000010")
    assert len(first) == 16 and sw == 0x6100 | (total - 16)
    rest, sw = send(card, bytes([0, 0xC0, 0, 0, total - 16]))
    assert sw == 0x9000
    assert _fci_algorithm(first + rest) == 3
    assert send(card, "00C0000000")[1] == 0x6985                   # nothing pending any more


def test_without_t0_everything_answers_directly():
    card = make_card(t0=False)
    fci, sw = send(card, SELECT_SSC)
    assert sw == 0x9000 and _fci_algorithm(fci) == 3
    send(card, "00A4020002EF05")
    assert send(card, "00B2070005") == (b"\x07\x09A10000001", 0x9000)  # Le wrong: still direct
    assert send(card, "00B20700") == (b"\x07\x09A10000001", 0x9000)    # no Le at all


def test_t0_read_record_with_a_wrong_le_answers_6cxx_and_le_00_counts_as_exact():
    card = make_card()
    select_app_and(card, "EF05")
    assert send(card, "00B2070005") == (b"", 0x6C0B)
    assert send(card, "00B207000B") == (b"\x07\x09A10000001", 0x9000)
    assert send(card, "00B2070000") == (b"\x07\x09A10000001", 0x9000)
    assert send(card, "0084000008") == (b"", 0x6C10)
    assert send(card, H("0088000010") + R1 + b"\x08") == (b"", 0x6C10)


def test_t0_internal_authenticate_without_le_is_fetched_with_get_response():
    card = make_card()
    assert send(card, H("0088000010") + R1) == (b"", 0x6110)
    assert send(card, "00C0000010") == (R1_ANSWER, 0x9000)


def test_foreign_card_has_no_ssc_application():
    card = make_card("foreign_card")
    assert card.atr[:4] != H("3B6D0000")
    assert send(card, SELECT_SSC)[1] == 0x6A82
    assert send(card, "0084000010")[1] == 0x6D00


def test_des_card_announces_algorithm_01():
    card = make_card("des_card", t0=False)
    fci, sw = send(card, SELECT_SSC)
    assert sw == 0x9000 and _fci_algorithm(fci) == 1


# --- records ---------------------------------------------------------------------------

def test_public_records_read_by_tag_and_by_number():
    card = make_card()
    select_app_and(card, "EF05")
    assert send(card, "00B2010012") == (b"\x01\x10" + H("420100D156000005A1B2C3D4E5F60718"),
                                       0x9000)
    assert send(card, "00B2010412")[0] == send(card, "00B2010012")[0]   # record 1 = tag 01
    assert send(card, "00B2030006") == (b"\x03\x043.00", 0x9000)
    issuer, sw = send(card, "00B204000E")
    assert sw == 0x9000 and issuer[:2] == b"\x04\x0C"
    assert codec.bcd_decode(issuer[2:]) == card.profile.issuer


def test_guarded_records_answer_6982_before_authentication_and_open_after():
    card = make_card()
    select_app_and(card, "EF05")
    assert send(card, "00B2050006")[1] == 0x6982
    assert send(card, "00B2060006")[1] == 0x6982
    send(card, "00A4020002EF06")
    for tag in ("08", "09", "4E", "0A", "0B", "0C", "0D"):
        assert send(card, f"00B2{tag}0000")[1] == 0x6982, tag
    authenticate(card)
    ssn_record, sw = send(card, "00B2080014")
    assert sw == 0x9000 and ssn_record[2:].decode() == card.profile.ssn
    send(card, "00A4020002EF05")
    expiry, sw = send(card, "00B2060006")
    assert sw == 0x9000 and codec.bcd_date_decode(expiry[2:]) == card.profile.expires_on


def test_authentication_lasts_until_reset_or_power_off():
    card = make_card()
    select_app_and(card, "EF06")
    authenticate(card)
    send(card, SELECT_SSC)                       # a new SELECT keeps it
    card._pending = None  # noqa: SLF001
    send(card, "00A4020002EF06")
    assert send(card, "00B20D0006")[1] == 0x9000
    card.reset()
    select_app_and(card, "EF06")
    assert send(card, "00B20D0006")[1] == 0x6982


def test_holder_records_decode_to_the_profile():
    card = make_card("initial_pin", t0=False)
    select_app_and(card, "EF06")
    authenticate_any(card)
    rec = {tag: send(card, f"00B2{tag}0000")[0][2:] for tag in ("0A", "0B", "0C", "0D")}
    assert rec["0A"] == b"2"
    assert codec.bcd_decode(rec["0B"]) == "01"
    assert codec.bcd_decode(rec["0C"], pad=0xFF) == "420111"
    assert codec.bcd_date_decode(rec["0D"]) == dt.date(1992, 11, 5)


def authenticate_any(card: SoftCard) -> None:
    """External authentication for any card: compute the answer with the card's own keys."""
    k_ea = sm4.derive_card_key(card.profile.master_keys["external_auth"], card.profile.card_id_code)
    challenge, sw = send(card, "0084000010")
    assert sw == 0x9000
    assert send(card, H("0082000A10") + sm4.sm4_ecb_encrypt(k_ea, challenge))[1] == 0x9000


def test_a_long_name_is_split_over_09_and_4e():
    card = make_card("long_name", t0=False)
    select_app_and(card, "EF06")
    authenticate_any(card)
    head, sw1 = send(card, "00B2090020")
    tail, sw2 = send(card, "00B24E0016")
    assert (sw1, sw2) == (0x9000, 0x9000)
    assert head[:2] == b"\x09\x1E" and tail[:2] == b"\x4E\x14"
    first, rest = codec.gbk_decode(head[2:]), codec.gbk_decode(tail[2:])
    assert rest                                   # the extension is really used
    assert first + rest == card.profile.name
    by_number, _ = send(card, "00B2030400")       # record 3 of EF06 is 4E
    assert by_number == tail


def test_record_and_file_errors():
    card = make_card()
    assert send(card, "00B2070000")[1] == 0x6A82       # no file selected
    assert send(card, "00A4020002EF05")[1] == 0x6A82   # EF before the application
    send(card, SELECT_SSC)
    assert send(card, "00A4020002EF07")[1] == 0x6A82
    send(card, "00A4020002EF05")
    assert send(card, "00B2200000")[1] == 0x6A83       # no such tag
    assert send(card, "00B2080000")[1] == 0x6A83       # tag of the other file
    assert send(card, "00B2080400")[1] == 0x6A83       # record 8 of 7
    assert send(card, "00A404000F" + "00" * 15)[1] == 0x6A82


# --- authentication vectors ----------------------------------------------------------------

def test_internal_authentication_vector():
    card = make_card(t0=False)
    assert send(card, H("0088000010") + R1) == (R1_ANSWER, 0x9000)


def test_external_authentication_vector_and_a_wrong_answer():
    card = make_card()
    card.next_challenges.extend([R2, R2])
    assert send(card, "0084000010") == (R2, 0x9000)
    assert send(card, H("0082000A10") + bytes(16))[1] == 0x6300
    assert not card.authenticated
    assert send(card, "0084000010") == (R2, 0x9000)
    assert send(card, H("0082000A10") + R2_ANSWER)[1] == 0x9000
    assert card.authenticated


def test_a_challenge_opens_one_external_authentication_only():
    card = make_card()
    card.next_challenges.append(R2)
    send(card, "0084000010")
    assert send(card, H("0082000A10") + R2_ANSWER)[1] == 0x9000
    assert send(card, H("0082000A10") + R2_ANSWER)[1] == 0x6300  # replay
    assert not card.authenticated                                  # and the replay closed it


def test_challenges_are_random_without_the_hook():
    card = make_card()
    a, b = send(card, "0084000010")[0], send(card, "0084000010")[0]
    assert len(a) == 16 and a != b


# --- PIN ---------------------------------------------------------------------------------------

def test_pin_counter_blocks_after_six_wrong_and_a_right_pin_resets_it():
    card = make_card()
    assert verify(card, "000000") == 0x63C5
    assert verify(card, "000000") == 0x63C4
    assert verify(card, ORDINARY_PIN) == 0x9000
    assert [verify(card, "000000") for _ in range(6)] == [0x63C5, 0x63C4, 0x63C3, 0x63C2,
                                                           0x63C1, 0x6983]
    assert verify(card, ORDINARY_PIN) == 0x6983          # blocked: even the right PIN
    assert card.pin_blocked


def test_blocked_profile_answers_6983():
    card = make_card("blocked")
    assert verify(card, "590317") == 0x6983
    assert send(card, H("805E010007") + bcd_pin("590317") + b"\xFF" + bcd_pin("246810"))[1] \
        == 0x6983


def test_change_pin():
    card = make_card()
    change = lambda old, new: send(card, H("805E010007") + bcd_pin(old) + b"\xFF" + bcd_pin(new))[1]  # noqa: E731
    assert change("111111", "246810") == 0x63C5
    assert change(ORDINARY_PIN, "246810") == 0x9000
    assert verify(card, ORDINARY_PIN) == 0x63C5
    assert verify(card, "246810") == 0x9000
    assert send(card, H("805E010007") + H("246810") + b"\x00" + H("135790"))[1] == 0x6A80
    assert card.tries_left == 6                             # a malformed CHANGE costs no try


def test_reset_pin_vector():
    card = make_card()
    for _ in range(6):
        verify(card, "000000")
    assert card.pin_blocked
    card.next_challenges.append(R3)
    assert send(card, "0084000010") == (R3, 0x9000)
    assert send(card, RESET_CMD + RESET_MAC)[1] == 0x9000
    assert not card.pin_blocked
    assert verify(card, ORDINARY_PIN) == 0x63C5
    assert verify(card, "123456") == 0x9000


def test_unblock_vector_keeps_the_pin():
    card = make_card()
    for _ in range(6):
        verify(card, "000000")
    card.next_challenges.append(R3)
    send(card, "0084000010")
    assert send(card, UNBLOCK_CMD + UNBLOCK_MAC)[1] == 0x9000
    assert card.tries_left == 6
    assert verify(card, ORDINARY_PIN) == 0x9000


def test_wrong_mac_answers_6988_and_a_challenge_is_good_for_one_command():
    card = make_card()
    card.next_challenges.extend([R3, R3])
    send(card, "0084000010")
    assert send(card, UNBLOCK_CMD + H("00000000"))[1] == 0x6988
    assert send(card, UNBLOCK_CMD + UNBLOCK_MAC)[1] == 0x6988    # the challenge is spent
    send(card, "0084000010")
    assert send(card, RESET_CMD + RESET_MAC)[1] == 0x9000
    assert send(card, RESET_CMD + RESET_MAC)[1] == 0x6988        # no replay
    assert send(card, UNBLOCK_CMD + UNBLOCK_MAC)[1] == 0x6988    # no challenge at all


def test_the_mac_covers_the_header_and_lc_as_sent():
    card = make_card()
    k_pin = sm4.derive_card_key(card.profile.master_keys["pin"], card.profile.card_id_code)
    card.next_challenges.extend([R3, R3])
    send(card, "0084000010")
    data_only = sm4.mac4(k_pin, R3, H("123456"))          # a MAC that forgot the header
    assert send(card, RESET_CMD + data_only)[1] == 0x6988
    send(card, "0084000010")
    assert send(card, RESET_CMD + sm4.mac4(k_pin, R3, RESET_CMD))[1] == 0x9000


# --- other status words ---------------------------------------------------------------------

@pytest.mark.parametrize("apdu, sw", [
    ("0020000002" + "8024", 0x6700),        # VERIFY with 2 bytes
    ("0088000008" + "00" * 8, 0x6700),      # INTERNAL AUTH with 8 bytes
    ("0020000003802413FFFF", 0x6700),       # Lc and length disagree
    ("00CA000000", 0x6D00),                 # GET DATA: not supported
    ("90B2070000", 0x6E00),                 # unknown class
    ("80B2070000", 0x6E00),                 # READ RECORD in a proprietary class
    ("00A4080002EF05", 0x6A86),
    ("00", 0x6700),
])
def test_status_words(apdu, sw):
    assert send(make_card(), apdu)[1] == sw


def test_a_locked_application_answers_9303():
    card = SoftCard(dataclasses.replace(profile("ordinary"), application_locked=True),
                    state_path=None)
    assert send(card, SELECT_SSC)[1] == 0x9303
    assert verify(card, ORDINARY_PIN) == 0x9303
    assert send(card, "0084000010")[1] == 0x9303


# --- persistence ---------------------------------------------------------------------------------

def test_pin_state_survives_a_new_card_object(tmp_path):
    state = tmp_path / "cards" / "A10000001.json"
    card = make_card(state_path=state)
    verify(card, "000000")
    verify(card, "000000")
    again = make_card(state_path=state)
    assert again.tries_left == 4
    assert verify(again, "000000") == 0x63C3
    assert verify(again, ORDINARY_PIN) == 0x9000
    assert send(again, H("805E010007") + bcd_pin(ORDINARY_PIN) + b"\xFF" + bcd_pin("975310"))[1] \
        == 0x9000
    third = make_card(state_path=state)
    assert verify(third, "975310") == 0x9000
    assert verify(third, ORDINARY_PIN) == 0x63C5


def test_state_file_holds_no_pin_digits_and_no_temp_files(tmp_path):
    state = tmp_path / "s.json"
    card = make_card(state_path=state)
    send(card, H("805E010007") + bcd_pin(ORDINARY_PIN) + b"\xFF" + bcd_pin("975310"))
    text = state.read_text()
    assert ORDINARY_PIN not in text and "975310" not in text
    assert json.loads(text)["tries_left"] == 6
    assert [p.name for p in tmp_path.iterdir()] == ["s.json"]


def test_lock_persists_and_profile_state_can_be_restored(tmp_path):
    state = tmp_path / "s.json"
    card = make_card(state_path=state)
    card.application_locked = True
    assert make_card(state_path=state).application_locked
    card.restore_profile_state()
    assert not state.exists()
    assert not make_card(state_path=state).application_locked


def test_a_corrupt_or_foreign_state_file_is_ignored(tmp_path, caplog):
    state = tmp_path / "s.json"
    state.write_text("{not json")
    assert make_card(state_path=state).tries_left == 6
    other = make_card("initial_pin", state_path=tmp_path / "b.json")
    verify(other, "000000")
    (tmp_path / "b.json").replace(state)                # another card's state
    assert make_card(state_path=state).tries_left == 6
    assert "ignoring the card state file" in caplog.text


def test_default_state_path_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    assert default_state_path("A10000001") == tmp_path / "ssc-kiosk" / "cards" / "A10000001.json"
    monkeypatch.delenv("XDG_STATE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_state_path("A10000001") == \
        tmp_path / "home" / ".local" / "state" / "ssc-kiosk" / "cards" / "A10000001.json"
    card = SoftCard(profile("ordinary"))                   # the default is used...
    assert card.state_path == default_state_path("A10000001")
    verify(card, "000000")                                  # ...and written there
    assert card.state_path.exists()


# --- faults ----------------------------------------------------------------------------------------

def test_garbage_answers():
    card = make_card()
    card.faults.garbage = "one_byte"
    assert len(card.transmit(SELECT_SSC)) == 1
    card.faults.garbage = "junk"
    for _ in range(20):
        junk = card.transmit(SELECT_SSC)
        assert len(junk) >= 3 and junk[-2] < 0x60     # never a valid status word
    card.faults.garbage = None
    assert send(card, SELECT_SSC)[1] >> 8 == 0x61
    with pytest.raises(ValueError):
        card.faults.garbage = "confetti"


def test_delay_and_cancel():
    card = make_card()
    card.faults.delay_s = 0.2
    start = time.monotonic()
    assert send(card, SELECT_SSC)[1] >> 8 == 0x61
    assert time.monotonic() - start >= 0.2
    card.faults.delay_s = 30
    cancel = threading.Event()
    threading.Timer(0.1, cancel.set).start()
    start = time.monotonic()
    with pytest.raises(CommandAborted):
        card.transmit(SELECT_SSC, cancel=cancel)
    assert time.monotonic() - start < 2


def test_vanish_on_the_nth_command_or_an_ins_fires_once_and_skips_the_command():
    card = make_card()
    card.faults.vanish_on_command = 2
    send(card, SELECT_SSC)
    with pytest.raises(CardVanished):
        card.transmit(H("00C0000000"))
    assert send(card, "0084000010")[1] == 0x9000          # one shot
    card.faults.vanish_on_ins = 0x20
    assert send(card, "0084000010")[1] == 0x9000
    with pytest.raises(CardVanished):
        card.transmit(H("0020000003") + bcd_pin("000000"))
    assert card.tries_left == 6                               # the VERIFY never ran


def test_no_pin_reaches_the_log(caplog):
    caplog.set_level(logging.DEBUG)
    card = make_card()
    verify(card, "975310")
    send(card, H("805E010007") + bcd_pin(ORDINARY_PIN) + b"\xFF" + bcd_pin("135792"))
    text = caplog.text + "".join(str(r.args) for r in caplog.records)
    for pin in ("975310", ORDINARY_PIN, "135792", "97 53 10", "802413"):
        assert pin not in text
    assert "INS 20 -> 63C5" in caplog.text
