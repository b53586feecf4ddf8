"""The vpcd bridge against a fake vpcd that speaks the wire protocol as pcscd's does.

No pcscd here: the fake listens like vpcd, sends the length and the payload as
two writes (as vpcd does, which is what makes TCP_QUICKACK matter) and checks
what the card answers. The e2e suite covers the real pcscd.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from devices.card.emulator import SSC_AID, SoftCard, VpcdBridge, demo_profiles, load_profile

pytestmark = pytest.mark.timeout(60)

H = bytes.fromhex
SELECT_SSC = H("00A404000F") + SSC_AID
REPO = Path(__file__).resolve().parents[2]


class FakeVpcd:
    """The reader side: listens, one card connection at a time, every wait bounded."""

    def __init__(self, port: int = 0):
        self.listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", port))
        self.listener.listen(1)
        self.port = self.listener.getsockname()[1]
        self.conn: socket.socket | None = None

    def accept(self, timeout: float = 3.0) -> bool:
        self.listener.settimeout(timeout)
        try:
            self.conn, _ = self.listener.accept()
        except TimeoutError:
            return False
        self.conn.settimeout(3.0)
        return True

    def send(self, payload: bytes) -> None:
        assert self.conn is not None
        self.conn.sendall(len(payload).to_bytes(2, "big"))   # two writes, like vpcd
        self.conn.sendall(payload)

    def receive(self) -> bytes:
        size = int.from_bytes(self._exact(2), "big")
        return self._exact(size)

    def _exact(self, n: int) -> bytes:
        buf = b""
        while len(buf) < n:
            chunk = self.conn.recv(n - len(buf))
            if not chunk:
                raise ConnectionError("the card closed the connection")
            buf += chunk
        return buf

    def atr(self) -> bytes:
        self.send(b"\x04")
        return self.receive()

    def apdu(self, command: bytes) -> bytes:
        self.send(command)
        return self.receive()

    def sees_eof(self, timeout: float = 2.0) -> bool:
        """True when the card closes its side within ``timeout`` (and sends nothing)."""
        self.conn.settimeout(timeout)
        try:
            return self.conn.recv(1) == b""
        except TimeoutError:
            return False
        except ConnectionResetError:
            return True

    def drop(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def close(self) -> None:
        self.drop()
        self.listener.close()


def card(name: str = "ordinary") -> SoftCard:
    return SoftCard(load_profile(demo_profiles()[name]), state_path=None)


def bridge_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith(("vpcd-bridge", "softcard-"))]


@pytest.fixture
def vpcd():
    fake = FakeVpcd()
    yield fake
    fake.close()


@pytest.fixture
def bridges():
    made: list[VpcdBridge] = []

    def make(*args, **kwargs) -> VpcdBridge:
        bridge = VpcdBridge(*args, **kwargs)
        made.append(bridge)
        bridge.start()
        return bridge

    yield make
    for bridge in made:
        bridge.stop()
    assert not bridge_threads(), "a bridge thread outlived its test"


# --- the wire protocol -------------------------------------------------------------------

def test_atr_power_on_and_an_apdu_round_trip(vpcd, bridges):
    c = card()
    bridge = bridges(c, port=vpcd.port)
    assert vpcd.accept()
    assert bridge.wait_attached(2)
    assert vpcd.atr() == c.atr
    vpcd.send(b"\x01")                                     # power on: no answer
    announce = vpcd.apdu(SELECT_SSC)
    assert announce[0] == 0x61
    fci = vpcd.apdu(bytes([0x00, 0xC0, 0x00, 0x00, announce[1]]))
    assert fci[-2:] == b"\x90\x00" and fci[0] == 0x6F and SSC_AID in fci
    assert vpcd.atr() == c.atr                             # vpcd polls presence with ATR requests


def test_reset_and_power_off_controls_clear_the_authentication(vpcd, bridges):
    c = card()
    c.next_challenges.extend([H("0F0E0D0C0B0A09080706050403020100")] * 2)
    bridges(c, port=vpcd.port)
    assert vpcd.accept()
    vpcd.send(b"\x01")
    for control in (b"\x02", b"\x00"):
        vpcd.apdu(H("0084000010"))
        assert vpcd.apdu(H("0082000A10A24860DBE49DC1D87156050DE289DC48")) == b"\x90\x00"
        assert c.authenticated
        vpcd.send(control)
        vpcd.atr()                                         # a round trip: the control is done
        assert not c.authenticated
        vpcd.send(b"\x01")


def test_apdus_do_not_wait_for_delayed_acks(vpcd, bridges):
    """vpcd writes length and APDU separately; without TCP_QUICKACK each costs ~40 ms."""
    bridges(card(), port=vpcd.port)
    assert vpcd.accept()
    vpcd.send(b"\x01")
    vpcd.apdu(H("0084000010"))
    start = time.perf_counter()
    for _ in range(100):
        assert vpcd.apdu(H("0084000010"))[-2:] == b"\x90\x00"
    per_apdu_ms = (time.perf_counter() - start) * 10
    assert per_apdu_ms < 10, f"{per_apdu_ms:.1f} ms per APDU"


# --- presence: insert, remove, vanish, vpcd going away ------------------------------------------

def test_remove_closes_the_socket_and_insert_reconnects(vpcd, bridges):
    c = card()
    bridge = bridges(c, port=vpcd.port)
    assert vpcd.accept()
    assert bridge.wait_attached(2)
    bridge.remove()
    assert vpcd.sees_eof()
    assert not bridge.attached and bridge.card is None
    vpcd.drop()
    assert not vpcd.accept(timeout=0.7)                    # no card: no connection
    bridge.insert(c)
    assert vpcd.accept()
    assert vpcd.atr() == c.atr


def test_insert_another_card_swaps_the_connection(vpcd, bridges):
    first, second = card(), card("foreign_card")
    bridge = bridges(first, port=vpcd.port)
    assert vpcd.accept()
    bridge.insert(second)
    assert vpcd.sees_eof()
    vpcd.drop()
    assert vpcd.accept()
    assert vpcd.atr() == second.atr


def test_vanish_closes_the_socket_in_the_middle_of_a_command(vpcd, bridges):
    c = card()
    bridge = bridges(c, port=vpcd.port)
    assert vpcd.accept()
    vpcd.send(b"\x01")
    assert vpcd.apdu(SELECT_SSC)[0] == 0x61
    c.faults.vanish_on_ins = 0xB2
    vpcd.send(H("00B2070000"))
    assert vpcd.sees_eof()                                 # no answer, just gone
    assert bridge.wait_detached(2) and bridge.card is None
    vpcd.drop()
    assert not vpcd.accept(timeout=0.5)
    bridge.insert(c)
    assert vpcd.accept()


def test_the_card_comes_back_when_vpcd_restarts(bridges):
    first = FakeVpcd()
    port = first.port
    c = card()
    bridge = bridges(c, port=port)
    try:
        assert first.accept()
        assert bridge.wait_attached(2)
    finally:
        first.close()                                      # pcscd stops
    assert bridge.wait_detached(2)
    time.sleep(1.2)                                        # several refused attempts: backoff at its cap
    second = FakeVpcd(port)                                # pcscd is back
    try:
        start = time.monotonic()
        assert second.accept(timeout=3)
        assert time.monotonic() - start < 1.0             # backoff is bounded by 0.5 s
        assert second.atr() == c.atr
    finally:
        second.close()


def test_a_card_waiting_for_vpcd_attaches_when_it_appears(bridges):
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()                                          # a port where nobody listens
    bridge = bridges(card(), port=port)
    time.sleep(0.6)
    assert not bridge.attached
    fake = FakeVpcd(port)
    try:
        assert fake.accept(timeout=2)
        assert bridge.wait_attached(2)
    finally:
        fake.close()


# --- stop is bounded -------------------------------------------------------------------------------

def test_stop_is_bounded_during_a_slow_command(vpcd):
    c = card()
    c.faults.delay_s = 30
    bridge = VpcdBridge(c, port=vpcd.port)
    bridge.start()
    try:
        assert vpcd.accept()
        vpcd.send(SELECT_SSC)
        time.sleep(0.1)
    finally:
        start = time.monotonic()
        bridge.stop()
        stopped_in = time.monotonic() - start
    assert stopped_in < 1.2
    assert not bridge_threads()
    assert vpcd.sees_eof()


def test_stop_is_bounded_while_retrying():
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    bridge = VpcdBridge(card(), port=port)
    bridge.start()
    time.sleep(0.3)
    start = time.monotonic()
    bridge.stop()
    assert time.monotonic() - start < 1.2
    assert not bridge_threads()


def test_stop_without_a_card_and_without_start():
    VpcdBridge(None).stop()                                # never started: nothing to do
    bridge = VpcdBridge(None)
    bridge.start()
    start = time.monotonic()
    bridge.stop()
    assert time.monotonic() - start < 1.2
    assert not bridge_threads()


# --- the runner (``kiosk card emulate``) ----------------------------------------------------------

def _run_emulator(profile: Path, port: int, state: Path) -> subprocess.Popen:
    code = ("import sys; from devices.card.emulator.runner import run_emulator; "
            "sys.exit(run_emulator(sys.argv[1], port=int(sys.argv[2]), state_path=sys.argv[3]))")
    return subprocess.Popen([sys.executable, "-c", code, str(profile), str(port), str(state)],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})


def test_runner_serves_the_card_until_sigterm(vpcd, tmp_path):
    proc = _run_emulator(demo_profiles()["ordinary"], vpcd.port, tmp_path / "state.json")
    try:
        assert vpcd.accept(timeout=10)
        assert vpcd.atr() == load_profile(demo_profiles()["ordinary"]).atr
        vpcd.send(b"\x01")
        assert vpcd.apdu(H("0020000003") + H("271828")) == H("63C5")   # a wrong PIN...
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=5)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate(timeout=5)
    assert proc.returncode == 0
    assert "card A10000001 attached to vpcd" in err
    assert "card A10000001 detached from vpcd (stopped)" in err
    assert "802413" not in err and "271828" not in err
    assert '"tries_left": 5' in (tmp_path / "state.json").read_text()   # ...remembered


def test_runner_refuses_a_bad_profile(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('atr = "3B"\n')
    proc = _run_emulator(bad, 1, tmp_path / "state.json")
    _, err = proc.communicate(timeout=10)
    assert proc.returncode == 2
    assert "bad.toml" in err
