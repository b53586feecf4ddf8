"""PcscBackend / PcscTransport against a real pcscd with vpcd readers."""

from __future__ import annotations

import logging
import threading
import time

import pytest

from devices.card.pcsc import PcscBackend, PcscTransport, _call, first_reader_with_card, pcsc_error
from devices.card.trace import ApduTrace
from devices.card.transport import CardChannel
from kiosk.errors import CardNotServed, CardRemoved, CardTimeout, NoCard, NoReader, ReaderServiceDown
from tests.e2e.conftest import E2E_TIMEOUT_S
from tests.support.independent_card import AID

SELECT_SSC = bytes([0x00, 0xA4, 0x04, 0x00, len(AID)]) + AID


# --- the mapping of PC/SC results (no pcscd needed) -----------------------------------

@pytest.mark.parametrize("code, stage, expected", [
    ("SCARD_E_NO_SERVICE", "list", ReaderServiceDown),
    ("SCARD_E_SERVICE_STOPPED", "connect", ReaderServiceDown),
    ("SCARD_F_COMM_ERROR", "transmit", ReaderServiceDown),
    ("SCARD_E_NO_SERVICE", "transmit", ReaderServiceDown),
    ("SCARD_E_UNKNOWN_READER", "connect", NoReader),
    ("SCARD_E_READER_UNAVAILABLE", "status", NoReader),
    ("SCARD_E_NO_READERS_AVAILABLE", "connect", NoReader),
    ("SCARD_E_NO_SMARTCARD", "connect", NoCard),
    ("SCARD_W_REMOVED_CARD", "connect", NoCard),
    ("SCARD_W_REMOVED_CARD", "transmit", CardRemoved),
    ("SCARD_W_RESET_CARD", "transmit", CardRemoved),
    ("SCARD_E_NOT_TRANSACTED", "transmit", CardRemoved),
    ("SCARD_E_INVALID_HANDLE", "transmit", CardRemoved),
    ("SCARD_E_TIMEOUT", "transmit", CardTimeout),
    ("SCARD_W_UNRESPONSIVE_CARD", "connect", CardTimeout),
    ("SCARD_E_PROTO_MISMATCH", "connect", CardNotServed),
])
def test_pcsc_results_become_typed_errors(code, stage, expected):
    from smartcard import scard

    error = pcsc_error(getattr(scard, code), stage=stage, reader="R")
    assert type(error) is expected
    assert code in str(error)


def test_a_pyscard_exception_does_not_escape():
    def broken(*args):
        raise TypeError("pyscard bug")

    hr = _call(broken, 1)[0]
    assert isinstance(pcsc_error(hr, stage="transmit"), ReaderServiceDown)


# --- against pcscd ----------------------------------------------------------------------------


@pytest.mark.e2e
@pytest.mark.timeout(E2E_TIMEOUT_S)
def test_the_vpcd_readers_are_listed(daemon, backend):
    readers = backend.readers()
    assert readers == daemon.reader_names == ["Virtual PCD 00 00", "Virtual PCD 00 01"]
    assert backend.has_card(readers[1]) is False


@pytest.mark.e2e
@pytest.mark.timeout(E2E_TIMEOUT_S)
def test_select_answers_the_fci_through_the_channel(card, backend):
    transport = backend.connect(card.reader)
    try:
        assert isinstance(transport, PcscTransport)
        assert transport.reader == card.reader
        assert transport.protocol == "T=0"           # 3B 6D 00 00 ... offers T=0 only
        atr = transport.atr()
        assert atr == card.atr
        assert atr[:4] == bytes.fromhex("3B6D0000") and atr[4] == 0x00 and atr[5] & 0xF0 == 0x80
        assert atr[6:8] == b"TL"
        trace = ApduTrace()
        resp = CardChannel(transport, trace).transmit(SELECT_SSC)
        assert resp.sw == 0x9000
        fci = resp.data
        assert fci[0] == 0x6F and AID in fci and bytes.fromhex("860103") in fci
        if card.kind == "softcard":                  # a T=0 card: 61 xx, then GET RESPONSE
            first, second = trace.entries()[:2]
            assert first.response.startswith("61") and second.command.startswith("00C00000")
    finally:
        transport.close()


@pytest.mark.e2e
@pytest.mark.timeout(E2E_TIMEOUT_S)
def test_61xx_is_handled_for_the_independent_cards_internal_authenticate(independent_card, backend):
    # the independent card answers SELECT directly but INTERNAL AUTHENTICATE with 61 10
    with backend.connect(independent_card.reader) as transport:
        channel = CardChannel(transport, ApduTrace())
        assert channel.transmit(SELECT_SSC).sw == 0x9000
        r1 = bytes.fromhex("000102030405060708090A0B0C0D0E0F")
        resp = channel.transmit(bytes.fromhex("0088000010") + r1)
        assert resp.sw == 0x9000
        assert resp.data == bytes.fromhex("F3E8555F4C478312969FD9785699C477")  # the spec's vector
        # READ RECORD with Le = 00 on a "strict" tag: 6C xx, resent by the channel
        assert channel.transmit(bytes.fromhex("00A4020002EF05")).sw == 0x9000
        resp = channel.transmit(bytes.fromhex("00B2070000"))
        assert resp.sw == 0x9000 and resp.data == b"\x07\x09" + b"T00000042"


@pytest.mark.e2e
@pytest.mark.timeout(E2E_TIMEOUT_S)
def test_many_commands_are_quick(independent_card, backend):
    with backend.connect(independent_card.reader) as transport:
        start = time.perf_counter()
        for _ in range(200):
            assert transport.transmit(SELECT_SSC)[-2:] == b"\x90\x00"
        per_apdu_ms = (time.perf_counter() - start) * 1000 / 200
    assert per_apdu_ms < 5, f"{per_apdu_ms:.2f} ms per APDU (TCP_QUICKACK/NODELAY lost?)"


@pytest.mark.e2e
@pytest.mark.timeout(E2E_TIMEOUT_S)
def test_no_card_is_typed(daemon, backend, reader):
    with pytest.raises(NoCard):
        backend.connect(reader)
    with pytest.raises(NoCard):
        first_reader_with_card(backend)
    with pytest.raises(NoCard):
        first_reader_with_card(backend, reader)
    assert backend.has_card(reader) is False


@pytest.mark.e2e
@pytest.mark.timeout(E2E_TIMEOUT_S)
def test_unknown_reader_is_typed(daemon, backend):
    with pytest.raises(NoReader):
        backend.connect("No Such Reader 00 00")
    with pytest.raises(NoReader):
        backend.has_card("No Such Reader 00 00")
    with pytest.raises(NoReader):
        first_reader_with_card(backend, "No Such Reader")


@pytest.mark.e2e
@pytest.mark.timeout(E2E_TIMEOUT_S)
def test_first_reader_with_card_finds_the_card(card, backend):
    assert first_reader_with_card(backend) == card.reader
    assert first_reader_with_card(backend, card.reader) == card.reader
    assert first_reader_with_card(backend, "pcd 00 00") == card.reader     # unique part, any case
    with pytest.raises(NoReader):
        first_reader_with_card(backend, "Virtual PCD")                      # names both readers


@pytest.mark.e2e
@pytest.mark.timeout(E2E_TIMEOUT_S)
def test_a_card_pulled_in_the_middle_of_a_command_is_card_removed(card, backend):
    transport = backend.connect(card.reader)
    try:
        card.slow(2.0)
        puller = threading.Timer(0.3, card.remove)
        puller.start()
        start = time.monotonic()
        with pytest.raises(CardRemoved) as caught:
            transport.transmit(SELECT_SSC)
        elapsed = time.monotonic() - start
        puller.join()
        assert elapsed < 1.5
        assert caught.value.__cause__ is None
        with pytest.raises(CardRemoved):
            transport.transmit(SELECT_SSC)
    finally:
        transport.close()
    card.wait_absent()
    with pytest.raises(NoCard):
        backend.connect(card.reader)


@pytest.mark.e2e
@pytest.mark.timeout(E2E_TIMEOUT_S)
def test_a_transmit_that_hangs_is_bounded(card, backend):
    transport = backend.connect(card.reader, timeout=0.4)
    try:
        card.slow(3.0)
        start = time.monotonic()
        with pytest.raises(CardTimeout):
            transport.transmit(SELECT_SSC)
        assert time.monotonic() - start < 0.8
        assert transport.abandoned
        with pytest.raises(CardTimeout):           # abandoned: no second wait
            transport.transmit(SELECT_SSC)
        start = time.monotonic()
        transport.close()
        assert time.monotonic() - start < 0.5
    finally:
        card.slow(0)
        card.remove()                               # lets the abandoned worker go


@pytest.mark.e2e
@pytest.mark.timeout(E2E_TIMEOUT_S)
def test_pcscd_stopped_gives_reader_service_down(daemon, card, backend):
    transport = backend.connect(card.reader)
    try:
        daemon.stop()
        calls = [backend.readers, lambda: backend.has_card(card.reader),
                 lambda: backend.connect(card.reader), lambda: first_reader_with_card(backend),
                 lambda: transport.transmit(SELECT_SSC)]
        for call in calls:
            with pytest.raises(ReaderServiceDown) as caught:
                call()
            assert caught.value.__cause__ is None and caught.value.__context__ is None
    finally:
        transport.close()
    daemon.start()
    assert backend.readers() == daemon.reader_names        # the same backend recovers
    card.wait_present()
    with backend.connect(card.reader) as again:
        assert CardChannel(again, ApduTrace()).transmit(SELECT_SSC).sw == 0x9000


@pytest.mark.e2e
@pytest.mark.timeout(E2E_TIMEOUT_S)
def test_a_vanished_reader_gives_no_reader(daemon, card, backend):
    daemon.restart(readers=0)                       # the "unplugged reader"
    assert backend.readers() == []
    with pytest.raises(NoReader):
        backend.connect(card.reader)
    with pytest.raises(NoReader):
        backend.has_card(card.reader)
    with pytest.raises(NoReader):
        first_reader_with_card(backend)


@pytest.mark.e2e
@pytest.mark.timeout(E2E_TIMEOUT_S)
def test_no_apdu_bytes_reach_the_logs(independent_card, backend, caplog):
    caplog.set_level(logging.DEBUG)
    with backend.connect(independent_card.reader) as transport:
        channel = CardChannel(transport, ApduTrace())
        channel.transmit(SELECT_SSC)
        resp = channel.transmit(bytes.fromhex("0020000003") + bytes.fromhex("654321"))
        assert resp.sw1 == 0x63
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "654321" not in text
    assert not [r for r in caplog.records if r.name == "devices.card.pcsc" and "A404" in r.getMessage()]


@pytest.mark.e2e
@pytest.mark.timeout(E2E_TIMEOUT_S)
def test_a_fresh_backend_works_after_a_pcscd_restart(daemon, card):
    backend = PcscBackend()
    try:
        assert backend.readers()
        daemon.restart()
        card.wait_present()
        with backend.connect(card.reader) as transport:
            assert transport.atr() == card.atr
    finally:
        backend.close()
