"""The UI slice on real parts: pcscd + vpcd, the PC/SC watcher and transport, the
project's software card over TCP, and the reference back office over HTTP.

The same screens as tests/ui, driven by pytest-qt offscreen; here the card is
inserted and pulled by attaching and detaching it from the virtual reader.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from devices.card.emulator import SoftCard, VpcdBridge, demo_profiles, load_profile  # noqa: E402
from devices.card.pcsc import PcscBackend  # noqa: E402
from devices.card.watcher import PcscWatcher  # noqa: E402
from tests.e2e.conftest import wait_reader_state  # noqa: E402
from tests.ui.kiosk_driver import KioskDriver, trace_commands  # noqa: E402

pytestmark = pytest.mark.e2e
WAIT_MS = 8000


class PcscKiosk(KioskDriver):
    """The citizen's driver, with the card going in and out of a vpcd reader."""

    def __init__(self, qtbot, hsm, bridge: VpcdBridge):
        from PySide6.QtWidgets import QApplication  # noqa: F401 - pytest-qt made it
        from ui.app import build_app
        from ui.controller import UiSettings

        self.qtbot = qtbot
        self.bridge = bridge
        self.backend = PcscBackend()
        self.watcher = PcscWatcher()
        self.window = build_app(self.backend, self.watcher, hsm,
                                settings=UiSettings(result_seconds=20, idle_seconds=90,
                                                    read_timeout_s=10, command_timeout_s=10))
        self.controller = self.window.controller
        self.window.resize(1920, 1080)
        self.window.show()
        qtbot.waitExposed(self.window)
        self.card = None
        self.submitted = []
        self.window.pin.keypad.submitted.connect(self.submitted.append)

    def insert(self, profile="ordinary", *, wait_home=True):
        card = profile if isinstance(profile, SoftCard) else SoftCard(
            load_profile(demo_profiles()[profile]), state_path=None)
        self.card = card
        self.bridge.insert(card)
        if wait_home:
            self.wait_for(self.window.home, timeout=WAIT_MS)
        return card

    def remove(self):
        self.bridge.remove()

    def close(self):
        super().close()
        self.watcher.stop()
        self.backend.close()


def _reader_empty(daemon) -> None:
    wait_reader_state(daemon, present=False)


@pytest.fixture
def bridge(daemon):
    _reader_empty(daemon)
    b = VpcdBridge(None, port=daemon.slot_port(0))
    b.start()
    yield b
    b.stop()
    _reader_empty(daemon)


@pytest.fixture
def kiosk(qtbot, bridge, daemon):
    from backoffice.server import EmbeddedBackOffice
    from kiosk.backoffice_client import BackOfficeClient, hsm_step
    from kiosk.demo_identity import DEMO_KIOSK_ID, DEMO_KIOSK_SECRET

    with EmbeddedBackOffice() as office:
        client = BackOfficeClient(office.url, DEMO_KIOSK_ID, DEMO_KIOSK_SECRET)
        k = PcscKiosk(qtbot, hsm_step(client), bridge)
        k.bridge_daemon = daemon
        try:
            yield k
        finally:
            k.close()
            client.close()


def test_card_read_and_pin_change_over_pcsc(kiosk):
    card = kiosk.insert("ordinary")
    assert "陈**" in kiosk.all_texts() and "4201**********4514" in kiosk.all_texts()
    assert "陈思远" not in kiosk.all_texts()
    kiosk.start_pin_change()
    kiosk.enter_pin("802413")
    kiosk.wait_pin_step("new", timeout=WAIT_MS)
    kiosk.enter_pin("135790")
    kiosk.wait_pin_step("confirm", timeout=WAIT_MS)
    kiosk.enter_pin("135790")
    kiosk.wait_for(kiosk.window.result, timeout=WAIT_MS)
    assert kiosk.window.result.heading.text() == "密码修改成功"
    assert any(c.startswith("805E0100") for c in trace_commands())
    assert all(len(p) == 0 for p in kiosk.submitted)
    kiosk.remove()
    kiosk.wait_for(kiosk.window.attract, timeout=WAIT_MS)
    _reader_empty(kiosk.bridge_daemon)
    # the card kept the new PIN across removal and reinsertion
    kiosk.insert(card)
    kiosk.start_pin_change()
    kiosk.enter_pin("135790")
    kiosk.wait_pin_step("new", timeout=WAIT_MS)


def test_wrong_pins_then_blocked_over_pcsc(kiosk):
    card = kiosk.insert("ordinary")
    kiosk.start_pin_change()
    for n, wrong in zip(range(5, 0, -1), ["975310", "246810", "864209", "111222", "000111"]):
        kiosk.enter_pin(wrong)
        kiosk.qtbot.waitUntil(lambda n=n: f"还可尝试 {n} 次" in kiosk.pin_message(), timeout=WAIT_MS)
    kiosk.enter_pin("975310")
    kiosk.wait_for(kiosk.window.result, timeout=WAIT_MS)
    assert kiosk.window.result.heading.text() == "密码已锁定"
    assert card.pin_blocked


def test_card_pulled_during_pin_entry_over_pcsc(kiosk):
    kiosk.insert("ordinary")
    kiosk.start_pin_change()
    kiosk.type_digits("80")
    kiosk.remove()
    kiosk.wait_for(kiosk.window.attract, timeout=WAIT_MS)
    assert all(len(p) == 0 for p in kiosk.submitted)


def test_des_card_over_pcsc(kiosk):
    kiosk.insert("des_card", wait_home=False)
    kiosk.wait_for(kiosk.window.result, timeout=WAIT_MS)
    assert "柜台" in kiosk.all_texts()
