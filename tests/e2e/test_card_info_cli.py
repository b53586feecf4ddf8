"""``kiosk card info`` as a technician runs it: a real process, pcscd + vpcd, the
reference back office started in-process by the command itself.

Each failure must be one clear line on stderr and exit code 1, never a traceback.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from devices.card.emulator import SoftCard, VpcdBridge, demo_profiles, load_profile
from tests.e2e.conftest import wait_reader_state

pytestmark = pytest.mark.e2e

EXPECTED = {
    "card_no": "A10000001", "card_id_code": "420100D156000005A1B2C3D4E5F60718", "region": "420100",
    "algorithm": "SM4", "spec_version": "3.00", "name": "陈思远", "ssn": "420106198503124514",
    "gender": "male", "ethnicity": "01", "birthplace": "420106", "birth_date": "1985-03-12",
    "issued_on": "2021-06-18",
}
KEYS = {"reader", "atr", "algorithm", "card_no", "card_id_code", "region", "card_type", "spec_version",
        "issued_on", "expires_on", "ssn", "name", "gender", "ethnicity", "birthplace", "birth_date"}


def card_info(*args: str, timeout: float = 30) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kiosk_cli", "card", "info", *args],
                          capture_output=True, text=True, timeout=timeout)


def assert_one_line_failure(proc: subprocess.CompletedProcess, *words: str) -> str:
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    for w in words:
        assert w.lower() in lines[0].lower(), lines[0]
    print(lines[0])  # shown with -s: the sentences a technician reads
    return lines[0]


@pytest.fixture
def soft_bridge(daemon):
    """Attach any SoftCard (profile, T=0 or not) to reader 0; detached afterwards."""
    bridges = []

    def attach(profile: str = "ordinary", *, t0: bool = True) -> SoftCard:
        card = SoftCard(load_profile(demo_profiles()[profile]), t0=t0, state_path=None)
        bridge = VpcdBridge(card, port=daemon.slot_port(0))
        bridge.start()
        bridges.append(bridge)
        assert bridge.wait_attached(5)
        wait_reader_state(daemon, present=True)
        return card

    yield attach
    for b in bridges:
        b.stop()
    if daemon.running and daemon.readers:
        wait_reader_state(daemon, present=False)


@pytest.mark.parametrize("t0", [True, False], ids=["61xx-6Cxx", "direct"])
def test_json_for_the_project_card(soft_bridge, reader, t0):
    soft_bridge("ordinary", t0=t0)
    proc = card_info("--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert set(data) == KEYS
    assert {k: data[k] for k in EXPECTED} == EXPECTED
    assert data["reader"] == reader and data["atr"].startswith("3B6D0000")


def test_json_for_a_card_that_is_not_ours(independent_card):
    proc = card_info("--json", "--reader", independent_card.reader)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert set(data) == KEYS
    profile = independent_card.card.profile
    assert data["card_id_code"] == "420100D156000005A1B2C3D4E5F60718"
    assert data["card_no"] == profile["card_no"] if isinstance(profile, dict) else True
    assert data["algorithm"] == "SM4" and data["atr"] == independent_card.atr.hex().upper()


def test_long_name_through_pcsc(soft_bridge):
    soft_bridge("long_name")
    data = json.loads(card_info("--json").stdout)
    assert data["name"] == load_profile(demo_profiles()["long_name"]).name


def test_human_readable_output(soft_bridge):
    soft_bridge("ordinary")
    proc = card_info()
    assert proc.returncode == 0, proc.stderr
    assert "陈思远" in proc.stdout and "A10000001" in proc.stdout


def test_des_card_is_not_served(soft_bridge):
    soft_bridge("des_card")
    assert_one_line_failure(card_info("--json"), "DES")


def test_foreign_card_is_not_served(soft_bridge):
    soft_bridge("foreign_card")
    assert_one_line_failure(card_info("--json"), "social security")


def test_no_card(daemon, reader):
    assert_one_line_failure(card_info("--json"), "card")


def test_card_pulled_mid_read(soft_bridge):
    card = soft_bridge("ordinary")
    card.faults.vanish_on_command = 8
    assert_one_line_failure(card_info("--json"), "card")


def test_pcscd_stopped(daemon):
    daemon.stop()
    assert_one_line_failure(card_info("--json"), "pc/sc")


def test_reader_unplugged(daemon):
    daemon.restart(readers=0)
    assert_one_line_failure(card_info("--json"), "reader")


def test_unreachable_back_office(soft_bridge):
    soft_bridge("ordinary")
    proc = card_info("--json", "--backoffice", "http://127.0.0.1:9", "--kiosk-id", "k", "--secret", "s")
    assert_one_line_failure(proc, "back office")
