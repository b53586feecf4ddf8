"""The independent card (``tests/support/independent_card.py``): it follows the
spec's vectors, and the kiosk's SSC code reads it through a real pcscd.

The first part needs no pcscd (the applet alone); the ``e2e`` part puts the
card in a vpcd reader and runs ``devices/card/ssc.py`` against it, so the kiosk
is shown to work with a card that is not the project's emulator.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import E2E_TIMEOUT_S
from tests.support.independent_card import (
    AID,
    ATR,
    INITIAL_PIN,
    MASTER_EA,
    MASTER_IA,
    MASTER_PIN,
    CardProfile,
    IndependentApplet,
    sm4_ecb,
    sm4_mac4,
)

H = bytes.fromhex
SELECT = H("00A404000F") + AID
SPEC_CID = H("420100D156000005A1B2C3D4E5F60718")


def run(applet: IndependentApplet, hex_apdu: str | bytes) -> bytes:
    return applet.process(H(hex_apdu) if isinstance(hex_apdu, str) else hex_apdu)


@pytest.fixture
def applet() -> IndependentApplet:
    a = IndependentApplet()
    assert run(a, SELECT)[-2:] == b"\x90\x00"
    return a


# --- the spec's known-answer vectors ------------------------------------------------

def test_card_keys_and_vectors_of_the_spec():
    a = IndependentApplet(CardProfile(card_id_code=SPEC_CID))
    assert a.k_ia == H("EC120EE6BE691D9CA4D8A5D1492AC3D0")
    assert sm4_ecb(a.k_ea, H("0F0E0D0C0B0A09080706050403020100")) == H("A24860DBE49DC1D87156050DE289DC48")
    r3 = b"\x11" * 16
    assert sm4_mac4(a.k_pin, r3, H("805E000007123456")) == H("67B62E21")
    assert sm4_mac4(a.k_pin, r3, H("8424000004")) == H("87791AC3")


def test_internal_authenticate_answers_61_10_then_the_vector(applet):
    assert run(applet, "0088000010000102030405060708090A0B0C0D0E0F") == H("6110")
    assert run(applet, "00C0000008") == H("F3E8555F4C478312") + H("6108")    # part, then the rest
    assert run(applet, "00C0000000") == H("6C08")                            # Le 00: exact wanted
    assert run(applet, "00C0000008") == H("969FD9785699C477") + H("9000")


# --- what it chose where the spec is open --------------------------------------------

def test_atr_and_fci_choices(applet):
    assert ATR[:4] == H("3B6D0000") and ATR[4:8] == H("008F544C") and len(ATR) == 17
    fci = run(applet, SELECT)
    assert fci[-2:] == b"\x90\x00" and fci[0] == 0x6F          # directly, no 61xx
    assert H("9F0C0E9F08020300860103") in fci                   # 86 not first inside 9F0C
    assert H("BF0C8105") in fci                                 # long-form BER length
    assert run(applet, SELECT + b"\x05")[:1] == b"\x6C"           # a wrong Le is refused


def test_read_record_lengths(applet):
    assert run(applet, "00A4020002EF05") == H("9000")
    assert run(applet, "00B2070000") == H("6C0B")               # strict tag: Le 00 refused
    assert run(applet, "00B2070000"[:8]) == H("6C0B")           # no Le at all
    assert run(applet, "00B207000B") == b"\x07\x09T00000042\x90\x00"
    assert run(applet, "00B2020000") == b"\x02\x013\x90\x00"    # lenient tag: Le 00 is exact
    assert run(applet, "00B2020005") == H("6C03")
    assert run(applet, "00B2050006") == H("6982")               # guarded
    assert run(applet, "00B2080014") == H("6A83")               # not in EF05
    assert run(applet, "00B2030406") == b"\x03\x04" + b"3.00" + H("9000")   # by record number


def test_external_authentication_opens_the_guarded_records(applet):
    assert run(applet, H("0082000A10") + b"\x00" * 16) == H("6985")      # no challenge
    r2 = run(applet, "0084000010")[:16]
    good = sm4_ecb(sm4_ecb(MASTER_EA, applet.profile.card_id_code), r2)
    assert run(applet, H("0082000A10") + good) == H("9000")
    assert run(applet, H("0082000A10") + good) == H("6985")              # used up
    assert run(applet, "00A4020002EF06") == H("9000")
    name = run(applet, "00B2090020")
    assert name[:2] == H("091E") and name[-2:] == H("9000")
    rest = run(applet, "00B24E0016")
    full = (name[2:32].rstrip(b"\x00") + rest[2:22].rstrip(b"\x00")).decode("gbk")
    assert full == applet.profile.name and len(applet.profile.name.encode("gbk")) > 30


def test_challenges_are_random(applet):
    assert run(applet, "0084000010")[:16] != run(applet, "0084000010")[:16]
    assert run(applet, "0084000008") == H("6C10")


def test_pin_blocks_on_the_sixth_wrong_answer_with_6983(applet):
    for left in range(5, 0, -1):
        assert run(applet, "0020000003999999") == bytes([0x63, 0xC0 | left])
    assert run(applet, "0020000003999999") == H("6983")
    assert run(applet, "0020000003123456") == H("6983")
    assert run(applet, "00200000") == H("6983")
    k_pin = sm4_ecb(MASTER_PIN, applet.profile.card_id_code)
    run(applet, "0084000010")
    assert run(applet, H("8424000004") + b"\x00" * 4) == H("6988")
    r3 = run(applet, "0084000010")[:16]
    assert run(applet, H("8424000004") + sm4_mac4(k_pin, r3, H("8424000004"))) == H("9000")
    assert run(applet, "0020000003123456") == H("9000")


def test_change_and_reset(applet):
    assert run(applet, "805E010007123456FF802413") == H("9000")
    assert run(applet, "0020000003802413") == H("9000")
    k_pin = sm4_ecb(MASTER_PIN, applet.profile.card_id_code)
    r3 = run(applet, "0084000010")[:16]
    mac = sm4_mac4(k_pin, r3, H("805E000007123456"))
    assert run(applet, H("805E000007123456") + mac) == H("9000")
    assert applet.pin == INITIAL_PIN and applet.tries_left == 6


def test_unknown_commands(applet):
    assert run(applet, "00CA000000") == H("6D00")
    assert run(applet, "80B2010000") == H("6E00")
    assert run(IndependentApplet(), "00B2010000") == H("6985")   # nothing selected


# --- through pcscd, read by the kiosk's own SSC code ------------------------------------

def _hsm_step(request):
    """The back office's card-auth step, computed here from the spec's test keys."""
    from kiosk.card import CardAuthAnswer

    cid = request.card_id_code
    assert request.internal_response == sm4_ecb(sm4_ecb(MASTER_IA, cid), request.internal_random)
    return CardAuthAnswer("independent-1", sm4_ecb(sm4_ecb(MASTER_EA, cid), request.external_challenge))


def _authorizer(card_id_code):
    from devices.card.ssc import RESET_HEADER, UNBLOCK_HEADER

    def authorize(operation, challenge):
        head = {"reload": RESET_HEADER, "unblock": UNBLOCK_HEADER}[operation]
        return head + sm4_mac4(sm4_ecb(MASTER_PIN, card_id_code), challenge, head)

    return authorize


@pytest.mark.e2e
@pytest.mark.timeout(E2E_TIMEOUT_S)
def test_the_kiosk_reads_the_independent_card_through_pcscd(independent_card, backend):
    from devices.card import ssc
    from devices.card.trace import ApduTrace
    from devices.card.transport import CardChannel
    from kiosk import ssn

    profile = independent_card.card.profile
    with backend.connect(independent_card.reader) as transport:
        card, info = ssc.read_card_info(CardChannel(transport, ApduTrace()), _hsm_step)
    assert info.atr == ATR and info.algorithm == "SM4"
    assert info.card.card_no == profile.card_no
    assert info.card.card_id_code == profile.card_id_code
    assert info.card.issuer == profile.issuer
    assert info.card.issued_on == profile.issued_on and info.card.expires_on == profile.expires_on
    holder = info.holder
    assert holder.name == profile.name                    # 09 + 4E, GBK
    assert holder.ssn == profile.ssn and ssn.is_valid(holder.ssn) and holder.ssn_problem is None
    assert holder.gender == "male" and holder.ethnicity == "05"
    assert holder.birthplace == "6501" and holder.birth_date == profile.birth_date
    assert info.card_auth_id == "independent-1"


@pytest.mark.e2e
@pytest.mark.timeout(E2E_TIMEOUT_S)
def test_the_kiosks_pin_commands_on_the_independent_card(independent_card, backend):
    from devices.card import ssc
    from devices.card.trace import ApduTrace
    from devices.card.transport import CardChannel
    from kiosk.errors import PinBlocked, WrongPin
    from kiosk.pin import Pin

    applet = independent_card.card.applet
    with backend.connect(independent_card.reader) as transport:
        card, info = ssc.read_card_info(CardChannel(transport, ApduTrace()), _hsm_step)
        with pytest.raises(WrongPin) as wrong:
            card.verify_pin(Pin("999999"))
        assert wrong.value.tries_left == 5
        card.verify_pin(Pin(INITIAL_PIN))
        for _ in range(5):
            with pytest.raises(WrongPin):
                card.verify_pin(Pin("999999"))
        with pytest.raises(PinBlocked):                    # this card: 69 83 on the 6th
            card.verify_pin(Pin("999999"))
        card.unblock_pin(_authorizer(info.card.card_id_code))
        assert applet.tries_left == 6
        card.change_pin(Pin(INITIAL_PIN), Pin("802413"), Pin("802413"))
        assert applet.pin == "802413"
        card.reset_pin(_authorizer(info.card.card_id_code))
        assert applet.pin == INITIAL_PIN
