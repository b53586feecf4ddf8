"""Every service through the UI on real parts, in both languages and both font modes.

The kiosk's tour (``kiosk_cli/tour.py``: every service, every screen, errors
included) runs with the PC/SC backend and watcher against pcscd + vpcd: the
software card goes in and out of the virtual reader over TCP, the reference
back office answers over HTTP. The same checks as ``tests/ui/test_tour.py``.
"""

from __future__ import annotations

import json
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from devices.card.emulator import VpcdBridge  # noqa: E402
from devices.card.pcsc import PcscBackend  # noqa: E402
from devices.card.watcher import PcscWatcher  # noqa: E402
from tests.e2e.conftest import wait_reader_state  # noqa: E402
from kiosk_cli.tour import run_tour  # noqa: E402

pytestmark = pytest.mark.e2e


class Slot:
    """The vpcd reader's slot: insert waits for nothing, pcscd tells the watcher."""

    def __init__(self, daemon, bridge: VpcdBridge):
        self.daemon, self.bridge = daemon, bridge

    def insert(self, card) -> None:
        wait_reader_state(self.daemon, present=False)
        self.bridge.insert(card)

    def remove(self) -> None:
        self.bridge.remove()


@pytest.fixture
def slot(daemon):
    wait_reader_state(daemon, present=False)
    bridge = VpcdBridge(None, port=daemon.slot_port(0))
    bridge.start()
    yield Slot(daemon, bridge)
    bridge.stop()
    wait_reader_state(daemon, present=False)


@pytest.mark.parametrize("locale,large", [("zh_CN", False), ("en", True)],
                         ids=["zh_CN-normal", "en-large"])
def test_every_service_through_the_ui_over_pcsc(qapp, tmp_path, slot, locale, large):
    backend, watcher = PcscBackend(), PcscWatcher()
    try:
        run_tour(tmp_path, locale=locale, large=large, readers=(backend, watcher), slot=slot)
    finally:
        watcher.stop()
        backend.close()
    data = json.loads((tmp_path / "inventory.json").read_text(encoding="utf-8"))
    assert {s for s, kind in data["outcomes"].items() if kind == "success"} >= {
        "pin_change", "pin_reset", "pin_unblock", "loss_report", "lift_loss", "profile_change",
        "renewal"}, data["outcomes"]
    assert data["outcomes"]["card_status"] == "StatusScreen"
    assert len(data["screens"]) >= 40
