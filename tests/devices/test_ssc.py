"""The host-side SSC protocol against the software card, in process.

The HSM step is the reference back office's HSM module, called directly (the
HTTP path is covered by tests/backoffice and tests/e2e).
"""

import datetime as dt
import uuid

import pytest

from backoffice.hsm import TEST_KEYS, Hsm
from devices.card.emulator.card import SoftCard
from devices.card.emulator.inprocess import EmulatedReaders
from devices.card.emulator.profile import demo_profiles, load_profile
from devices.card.ssc import SscCard, algorithm_from_fci, parse_tlv, read_card_info
from devices.card.trace import ApduTrace
from devices.card.transport import CardChannel
from kiosk.card import CardAuthAnswer
from kiosk.errors import (CardNotServed, CardRemoved, MacRefused, NotAuthenticated, PinBlocked,
                          TerminalNotAuthorised, WeakPin, WrongPin)
from kiosk.pin import Pin

HSM = Hsm(TEST_KEYS)


def hsm_step(req):
    assert HSM.check_internal_auth(req.card_id_code, req.internal_random, req.internal_response)
    return CardAuthAnswer(str(uuid.uuid4()), HSM.external_auth(req.card_id_code, req.external_challenge))


def authorizer(card_id_code):
    return lambda operation, challenge: HSM.pin_command(operation, card_id_code, challenge)


@pytest.fixture(params=[True, False], ids=["t0", "direct"])
def reader(request, tmp_path):
    readers = EmulatedReaders()

    def insert(profile="ordinary", **kw):
        card = SoftCard(load_profile(demo_profiles()[profile]), t0=request.param,
                        state_path=tmp_path / f"{profile}.json", **kw)
        readers.insert(readers.readers()[0], card)
        trace = ApduTrace()
        return card, CardChannel(readers.connect(readers.readers()[0]), trace), trace
    return insert


def test_reads_every_field_of_the_ordinary_card(reader):
    card, channel, _ = reader()
    _, info = read_card_info(channel, hsm_step)
    d = info.to_json_dict()
    assert d["algorithm"] == "SM4" and d["spec_version"] == "3.00" and d["card_no"] == "A10000001"
    assert d["card_id_code"] == "420100D156000005A1B2C3D4E5F60718" and d["region"] == "420100"
    assert d["name"] == "陈思远" and d["ssn"] == "420106198503124514" and d["gender"] == "male"
    assert d["ethnicity"] == "01" and d["birthplace"] == "420106" and d["birth_date"] == "1985-03-12"
    assert d["issued_on"] == "2021-06-18" and dt.date.fromisoformat(d["expires_on"]) > dt.date.today()
    assert info.holder.ssn_problem is None
    assert d["atr"].startswith("3B6D0000")


def test_long_name_joins_the_extension_field(reader):
    _, channel, _ = reader("long_name")
    _, info = read_card_info(channel, hsm_step)
    expected = load_profile(demo_profiles()["long_name"]).name
    assert len(expected.encode("gbk")) > 30 and info.holder.name == expected


@pytest.mark.parametrize("profile,reason", [("des_card", "algorithm"), ("foreign_card", "no_ssc_application")])
def test_cards_not_served_here(reader, profile, reason):
    _, channel, _ = reader(profile)
    with pytest.raises(CardNotServed) as e:
        read_card_info(channel, hsm_step)
    assert e.value.reason == reason


def test_guarded_records_need_authentication(reader):
    _, channel, _ = reader()
    ssc = SscCard(channel)
    ssc.select_application()
    data = ssc.read_card_data()
    with pytest.raises(NotAuthenticated):
        ssc.read_guarded(data)


def test_a_back_office_with_other_keys_is_refused_by_the_card(reader):
    _, channel, _ = reader()
    ssc = SscCard(channel)
    ssc.select_application()
    data = ssc.read_card_data()
    with pytest.raises(TerminalNotAuthorised):
        ssc.authenticate(data, lambda req: CardAuthAnswer("x", bytes(16)))


def test_five_wrong_pins_count_down_and_the_sixth_blocks(reader):
    card, channel, _ = reader()
    ssc, _ = read_card_info(channel, hsm_step)
    seen = []
    for _ in range(5):
        with pytest.raises(WrongPin) as e:
            ssc.verify_pin(Pin("111222"))
        seen.append(e.value.tries_left)
    assert seen == [5, 4, 3, 2, 1]
    with pytest.raises(PinBlocked):
        ssc.verify_pin(Pin("111222"))
    with pytest.raises(PinBlocked):  # even the right PIN, now
        ssc.verify_pin(Pin("802413"))


def test_right_pin_resets_the_counter(reader):
    _, channel, _ = reader()
    ssc, _ = read_card_info(channel, hsm_step)
    with pytest.raises(WrongPin):
        ssc.verify_pin(Pin("111222"))
    ssc.verify_pin(Pin("802413"))
    with pytest.raises(WrongPin) as e:
        ssc.verify_pin(Pin("111222"))
    assert e.value.tries_left == 5


def test_weak_new_pin_is_refused_without_any_apdu(reader):
    _, channel, trace = reader()
    ssc, _ = read_card_info(channel, hsm_step)
    trace.clear()
    for weak in ("123456", "000000", "456789", "987654"):
        with pytest.raises(WeakPin):
            ssc.change_pin(Pin("802413"), Pin(weak))
    assert trace.entries() == []


def test_change_then_verify_the_new_pin(reader):
    _, channel, trace = reader()
    ssc, _ = read_card_info(channel, hsm_step)
    ssc.change_pin(Pin("802413"), Pin("975310"))
    ssc.verify_pin(Pin("975310"))
    with pytest.raises(WrongPin):
        ssc.verify_pin(Pin("802413"))
    text = " ".join(e.command for e in trace.entries()).replace(" ", "")
    assert "975310" not in text and "802413" not in text


def test_reset_with_the_back_office_mac_then_forced_change(reader):
    card, channel, _ = reader("blocked")
    ssc, info = read_card_info(channel, hsm_step)
    ssc.reset_pin(authorizer(info.card.card_id_code))
    ssc.verify_pin(Pin("123456"))
    ssc.change_pin(Pin("123456"), Pin("246810"))
    ssc.verify_pin(Pin("246810"))


def test_unblock_keeps_the_pin(reader):
    _, channel, _ = reader("blocked")
    ssc, info = read_card_info(channel, hsm_step)
    with pytest.raises(PinBlocked):
        ssc.verify_pin(Pin("590317"))
    ssc.unblock_pin(authorizer(info.card.card_id_code))
    ssc.verify_pin(Pin("590317"))


def test_wrong_mac_is_refused(reader):
    _, channel, _ = reader("blocked")
    ssc, info = read_card_info(channel, hsm_step)
    bad = lambda op, ch: HSM.pin_command(op, info.card.card_id_code, bytes(16))  # noqa: E731
    with pytest.raises(MacRefused):
        ssc.unblock_pin(bad)


def test_a_back_office_cannot_slip_in_another_command(reader):
    _, channel, trace = reader("blocked")
    ssc, _ = read_card_info(channel, hsm_step)
    from kiosk.errors import CardProtocolError
    with pytest.raises(CardProtocolError):
        ssc.reset_pin(lambda op, ch: bytes.fromhex("805E000007999999AABBCCDD"))


def test_card_vanishing_mid_read_is_card_removed(reader):
    card, channel, _ = reader()
    card.faults.vanish_on_command = 6
    with pytest.raises(CardRemoved):
        read_card_info(channel, hsm_step)


def test_fci_parsing_tolerates_other_layouts():
    # 9F0C holding the algorithm directly, other tags around it, another order
    fci = bytes.fromhex("6F1A" "840F") + bytes.fromhex("7378312E73682EC9E7BBE1B1A3D5CF") + bytes.fromhex("A507" "9F0C04" "86010301") 
    fci = bytes([0x6F, len(fci) - 2]) + fci[2:]
    assert algorithm_from_fci(fci) == 3
    assert parse_tlv(bytes.fromhex("0101AA 9F0C0186 0203BBCCDD".replace(" ", "")))[1] == (0x9F0C, b"\x86")
    with pytest.raises(CardNotServed):
        algorithm_from_fci(bytes.fromhex("6F05A503020101"))
