"""UI tests: offscreen Qt, the real kiosk window built by the composition root.

The kiosk runs on the in-process emulated reader with the project's software
cards and authenticates them with the embedded reference back office, as in
the demo. Every test gets a fresh window and cleans it up (controller, card
thread, application filters).
"""

from __future__ import annotations

import os
from pathlib import Path

# before any QApplication exists; the offscreen screen is the kiosk's 1920 × 1080 (Qt's own
# default, 800 × 800, is smaller than the window the tests show)
os.environ["QT_QPA_PLATFORM"] = "offscreen:configfile=" + str(
    Path(__file__).with_name("offscreen_1920x1080.json"))

import pytest  # noqa: E402

from .kiosk_driver import KioskDriver, make_readers  # noqa: E402

# The session-wide PIN guard (tests/support/pin_leaks.py) comes from tests/conftest.py.

from kiosk.demo_identity import DEMO_KIOSK_ID, DEMO_KIOSK_SECRET  # noqa: E402,F401


@pytest.fixture
def demo():
    """The reference back office (Hubei: every service), a journal and an outbox, per test."""
    from kiosk_cli.demo_kiosk import DemoKiosk

    with DemoKiosk("hubei", connect_timeout=0.5, max_attempts=1) as d:
        yield d


@pytest.fixture
def hsm(demo):
    return demo.hsm


@pytest.fixture
def settings():
    from ui.controller import UiSettings

    return UiSettings(result_seconds=20, idle_seconds=90, read_timeout_s=10, command_timeout_s=10,
                      photo_hold_s=0.3)


def _driver(qtbot, hsm, settings, services=None, demo=None):
    readers = make_readers()
    return KioskDriver(qtbot, readers, hsm, settings, services=services, demo=demo)


@pytest.fixture
def kiosk(qtbot, demo, settings):
    d = _driver(qtbot, demo.hsm, settings, demo.services, demo)
    yield d
    d.close()


@pytest.fixture
def kiosk_bo_down(qtbot, demo, settings):
    demo.set_offline(True)
    d = _driver(qtbot, demo.hsm, settings, demo.services, demo)
    yield d
    d.close()
