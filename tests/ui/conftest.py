"""UI tests: offscreen Qt, the real kiosk window built by the composition root.

The kiosk runs on the in-process emulated reader with the project's software
cards and authenticates them with the embedded reference back office, as in
the demo. Every test gets a fresh window and cleans it up (controller, card
thread, application filters).
"""

from __future__ import annotations

import os

os.environ["QT_QPA_PLATFORM"] = "offscreen"   # before any QApplication exists

import pytest  # noqa: E402

from .kiosk_driver import KioskDriver, make_readers  # noqa: E402

# The session-wide PIN guard (tests/support/pin_leaks.py) comes from tests/conftest.py.

DEMO_KIOSK_ID = "demo-kiosk-001"
DEMO_KIOSK_SECRET = "demo-secret-not-for-production"


@pytest.fixture(scope="session")
def backoffice():
    from backoffice.server import EmbeddedBackOffice

    with EmbeddedBackOffice() as office:
        yield office


@pytest.fixture
def hsm(backoffice):
    from kiosk.backoffice_client import BackOfficeClient, hsm_step

    client = BackOfficeClient(backoffice.url, DEMO_KIOSK_ID, DEMO_KIOSK_SECRET)
    yield hsm_step(client)
    client.close()


@pytest.fixture
def hsm_down():
    """An HSM step whose back office is not there (a closed loopback port)."""
    import socket

    from kiosk.backoffice_client import BackOfficeClient, hsm_step

    with socket.socket() as s:           # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    client = BackOfficeClient(f"http://127.0.0.1:{port}", DEMO_KIOSK_ID, DEMO_KIOSK_SECRET,
                              connect_timeout=0.5, max_attempts=1)
    yield hsm_step(client)
    client.close()


@pytest.fixture
def settings():
    from ui.controller import UiSettings

    return UiSettings(result_seconds=20, idle_seconds=90, read_timeout_s=10, command_timeout_s=10)


def _driver(qtbot, hsm, settings):
    readers = make_readers()
    d = KioskDriver(qtbot, readers, hsm, settings)
    return d


@pytest.fixture
def kiosk(qtbot, hsm, settings):
    d = _driver(qtbot, hsm, settings)
    yield d
    d.close()


@pytest.fixture
def kiosk_bo_down(qtbot, hsm_down, settings):
    d = _driver(qtbot, hsm_down, settings)
    yield d
    d.close()
