"""``kiosk card emulate``: one software card in a vpcd reader until told to stop.

Blocks until SIGINT or SIGTERM, logging one line when the card attaches to or
detaches from vpcd (the card number only: never the PIN, never the holder).
The card's PIN, tries and lock persist in its state file, so a demo can stop
and restart the emulator and find the card as the citizen left it.
"""

from __future__ import annotations

import logging
import signal
import threading
from pathlib import Path

from .card import DEFAULT_STATE_PATH, SoftCard
from .profile import ProfileError
from .vpcd import VPCD_PORT, VpcdBridge

log = logging.getLogger(__name__)

_PACKAGE_LOGGER = "devices.card.emulator"


def run_emulator(profile_path: str | Path, port: int = VPCD_PORT, host: str = "127.0.0.1",
                 state_path: str | Path | None = None, t0: bool = True, *,
                 stop: threading.Event | None = None) -> int:
    """Serve the card of ``profile_path`` to vpcd at ``host:port``; returns an exit code.

    ``state_path=None`` means the default state file of the card
    (``$XDG_STATE_HOME/ssc-kiosk/cards/<card_no>.json``): an emulator run from
    the command line always remembers its PIN. ``stop`` lets an embedding
    caller end it without a signal. Exit codes: 0 stopped, 2 bad profile.
    """
    _ensure_logging()
    try:
        card = SoftCard.from_file(profile_path, t0=t0,
                                  state_path=DEFAULT_STATE_PATH if state_path is None else state_path)
    except ProfileError as exc:
        log.error("%s", exc)
        return 2
    stop = stop or threading.Event()
    previous = _install_signal_handlers(stop)
    bridge = VpcdBridge(card, host, port)
    log.info("emulating card %s (profile %s) for vpcd at %s:%d; stop with Ctrl+C",
             card.card_no, card.profile.profile_name, host, port)
    bridge.start()
    try:
        while not stop.wait(0.5):
            pass
    finally:
        bridge.stop()
        _restore_signal_handlers(previous)
    log.info("emulator stopped")
    return 0


def _install_signal_handlers(stop: threading.Event) -> dict:
    if threading.current_thread() is not threading.main_thread():
        return {}  # only the main thread may set handlers; the caller uses ``stop``
    previous = {}
    for signum in (signal.SIGINT, signal.SIGTERM):
        previous[signum] = signal.signal(signum, lambda *_: stop.set())
    return previous


def _restore_signal_handlers(previous: dict) -> None:
    for signum, handler in previous.items():
        signal.signal(signum, handler)


def _ensure_logging() -> None:
    """The attach/detach lines are the point of the command: make sure they show."""
    if not logging.getLogger().handlers:
        logging.basicConfig(format="%(asctime)s %(levelname)s %(message)s")
    package = logging.getLogger(_PACKAGE_LOGGER)
    if package.level == logging.NOTSET:
        package.setLevel(logging.INFO)
