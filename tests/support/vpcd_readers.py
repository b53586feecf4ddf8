"""The workflow test kit's reader, over real PC/SC: pcscd + vpcd + a SoftCard over TCP.

``SSC_TEST_CARD=pcsc`` makes the kit (tests/kiosk/workflows/test_kit.py) use
this instead of the in-process reader, so every transition walk also runs
through pcscd (``./run test`` does both). Same small API as EmulatedReaders:
``readers``, ``has_card``, ``insert``, ``remove``, ``connect``.
"""

from __future__ import annotations

import atexit
import time

from devices.card.emulator import SoftCard, VpcdBridge
from devices.card.pcsc import PcscBackend
from devices.card.pcscd_harness import Pcscd, free_port_pair

_daemon: Pcscd | None = None
WAIT_S = 3.0


def daemon() -> Pcscd:
    """One private pcscd for the test process (takes the machine-wide pcscd lock)."""
    global _daemon
    if _daemon is None:
        _daemon = Pcscd(port=free_port_pair(36100), lock_timeout=300.0)
        _daemon.start()
        atexit.register(_daemon.close)
    return _daemon


class VpcdReaders:
    def __init__(self) -> None:
        self.daemon = daemon()
        self.backend = PcscBackend()
        self.bridge = VpcdBridge(None, port=self.daemon.slot_port(0))
        self.bridge.start()

    def readers(self) -> list[str]:
        return [self.daemon.reader_names[0]]

    def has_card(self, reader: str) -> bool:
        return self.backend.has_card(reader)

    def _wait(self, reader: str, present: bool) -> None:
        deadline = time.monotonic() + WAIT_S
        while self.backend.has_card(reader) != present:
            if time.monotonic() > deadline:
                raise AssertionError(f"pcscd did not see {reader} {'with' if present else 'without'} a card")
            time.sleep(0.02)

    def insert(self, reader: str, card: SoftCard) -> None:
        self._wait(reader, False)   # pcscd must have seen the last card leave
        self.bridge.insert(card)
        self._wait(reader, True)

    def remove(self, reader: str) -> None:
        self.bridge.remove()
        self._wait(reader, False)

    def connect(self, reader: str):
        return self.backend.connect(reader)

    def close(self) -> None:
        self.bridge.stop()
        try:
            self._wait(self.readers()[0], False)
        finally:
            self.backend.close()
