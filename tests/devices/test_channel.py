"""The T=0 rules applied once, in CardChannel, against a scripted transport."""

import pytest

from devices.card.trace import ApduTrace, redact_command
from devices.card.transport import CardChannel, with_le
from kiosk.errors import CardProtocolError


class Scripted:
    reader = "scripted"

    def __init__(self, answers):
        self.answers = list(answers)
        self.sent = []

    def atr(self):
        return b"\x3b"

    def transmit(self, apdu):
        self.sent.append(apdu)
        return bytes.fromhex(self.answers.pop(0))

    def close(self):
        pass


def test_get_response_after_61xx():
    t = Scripted(["6104", "AABB6102", "CCDD9000"])
    resp = CardChannel(t, ApduTrace()).transmit(bytes.fromhex("00A404000F") + b"x" * 15)
    assert resp.data == bytes.fromhex("AABBCCDD") and resp.sw == 0x9000
    assert t.sent[1] == bytes.fromhex("00C0000004") and t.sent[2] == bytes.fromhex("00C0000002")


def test_6cxx_resends_once_with_the_right_le():
    t = Scripted(["6C14", "0812" + "31" * 18 + "9000"])
    resp = CardChannel(t, ApduTrace()).transmit(bytes.fromhex("00B2080000"))
    assert t.sent[1] == bytes.fromhex("00B2080014")
    assert resp.ok and len(resp.data) == 20


def test_6cxx_twice_is_a_protocol_error():
    t = Scripted(["6C14", "6C15"])
    with pytest.raises(CardProtocolError):
        CardChannel(t, ApduTrace()).transmit(bytes.fromhex("00B2080000"))


def test_short_answer_is_a_protocol_error():
    with pytest.raises(CardProtocolError):
        CardChannel(Scripted(["90"]), ApduTrace()).transmit(bytes.fromhex("0084000010"))


def test_with_le_for_each_case():
    assert with_le(bytes.fromhex("00840000"), 0x10) == bytes.fromhex("0084000010")
    assert with_le(bytes.fromhex("0084000000"), 0x10) == bytes.fromhex("0084000010")
    assert with_le(bytes.fromhex("008800001000"), 0x10) == bytes.fromhex("00880000100010")


def test_trace_redacts_pin_commands_but_keeps_the_rest():
    trace = ApduTrace()
    t = Scripted(["63C4", "9000", "9000"])
    ch = CardChannel(t, trace)
    ch.transmit(bytes.fromhex("0020000003802413"))
    ch.transmit(bytes.fromhex("805E010007802413FF975310"))
    ch.transmit(bytes.fromhex("00A4020002EF05"))
    text = " ".join(e.command + " " + e.response for e in trace.entries())
    for secret in ("802413", "975310"):
        assert secret not in text.replace(" ", "")
    assert "63C4" in text and "EF05" in text
    assert redact_command(bytes.fromhex("0020000003123456")) == "0020000003 ******"
