"""The HSM simulation against the known-answer vectors of ssc-card.md."""

import pytest

from backoffice.hsm import TEST_KEYS, Hsm, HsmKeys
from kiosk.sm4 import derive_card_key

CARD = bytes.fromhex("420100D156000005A1B2C3D4E5F60718")
R1 = bytes.fromhex("000102030405060708090A0B0C0D0E0F")
RESPONSE = bytes.fromhex("F3E8555F4C478312969FD9785699C477")
R2 = bytes.fromhex("0F0E0D0C0B0A09080706050403020100")
EXTERNAL = bytes.fromhex("A24860DBE49DC1D87156050DE289DC48")
R3 = bytes([0x11]) * 16


@pytest.fixture
def hsm():
    return Hsm(TEST_KEYS)


def test_card_key_vector():
    assert derive_card_key(TEST_KEYS.internal_auth, CARD).hex().upper() == \
        "EC120EE6BE691D9CA4D8A5D1492AC3D0"


def test_internal_authentication_vector(hsm):
    assert hsm.check_internal_auth(CARD, R1, RESPONSE)
    assert not hsm.check_internal_auth(CARD, R1, bytes(16))
    assert not hsm.check_internal_auth(CARD, R2, RESPONSE)
    assert not hsm.check_internal_auth(CARD, R1, RESPONSE[:15])


def test_external_authentication_vector(hsm):
    assert hsm.external_auth(CARD, R2) == EXTERNAL


def test_reset_command_vector(hsm):
    apdu = hsm.pin_command("reload", CARD, R3)
    assert apdu.hex().upper() == "805E000007123456" + "67B62E21"


def test_unblock_command_vector(hsm):
    apdu = hsm.pin_command("unblock", CARD, R3)
    assert apdu.hex().upper() == "8424000004" + "87791AC3"


def test_mac_depends_on_the_challenge(hsm):
    assert hsm.pin_command("unblock", CARD, bytes(16)) != hsm.pin_command("unblock", CARD, R3)


def test_bad_inputs(hsm):
    with pytest.raises(ValueError):
        hsm.pin_command("erase", CARD, R3)
    with pytest.raises(ValueError):
        hsm.pin_command("reload", CARD, R3[:8])
    with pytest.raises(ValueError):
        hsm.external_auth(CARD[:15], R2)
    with pytest.raises(ValueError):
        HsmKeys(b"short", TEST_KEYS.external_auth, TEST_KEYS.pin)


def test_other_keys_give_other_answers():
    other = Hsm(HsmKeys.from_hex("11" * 16, "22" * 16, "33" * 16))
    assert not other.check_internal_auth(CARD, R1, RESPONSE)
    assert other.external_auth(CARD, R2) != EXTERNAL


def test_keys_never_shown():
    assert "0011" not in repr(TEST_KEYS) and "0011" not in repr(Hsm(TEST_KEYS))
